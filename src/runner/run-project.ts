import { randomBytes } from 'node:crypto';
import type { Adapter } from '../adapters/types.js';
import type { CompiledProject } from '../compile/index.js';
import { isModel, isTest } from '../compile/index.js';
import { toSqlkitError, type Redactor } from '../errors/index.js';
import type { SelectionInput } from '../graph/index.js';
import { DataVersions, type MaterializeContext, type RelationCache } from '../materializations/index.js';
import { planExecution } from './execution-plan.js';
import { executeNode, nodeKind } from './execute-node.js';
import { bookkeepingTables, prepareWarehouse, schemasWritten } from './prepare-warehouse.js';
import type { Command, NodeResult, RunEvent, RunSummary } from './run-events.js';
import { schedule } from './scheduler.js';

export interface RunProjectOptions {
  compiled: CompiledProject;
  adapter: Adapter;
  projectRoot: string;
  command: Command;
  selection: SelectionInput;
  threads: number;
  fullRefresh: boolean;
  storeFailures: boolean;
  redactor: Redactor;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export function newRunId(): string {
  return randomBytes(5).toString('hex');
}

/** Executes the selected nodes against the warehouse in DAG order, concurrently up to `threads`. */
export async function runProject(options: RunProjectOptions): Promise<RunSummary> {
  const { compiled, adapter, command, redactor } = options;
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const plan = planExecution(compiled, command, options.selection);
  const runId = newRunId();
  const startedAt = new Date();
  const failuresSchema = `${compiled.manifest.target.schema}_test_failures`;
  const usesFailures = [...plan.nodes.values()].some((n) => isTest(n) && (options.storeFailures || n.config.storeFailures));
  const reported = [...plan.nodes.values()].filter((n) => !(isModel(n) && n.config.materialized === 'ephemeral'));
  emit({ type: 'run_started', command, target: compiled.manifest.target.name, engine: adapter.engine, nodes: reported.length, threads: options.threads, runId });

  const results: NodeResult[] = [];
  let interrupted = false;
  const stopped = () => interrupted || Boolean(options.signal?.aborted);
  const onAbort = () => {
    interrupted = true;
    // Sessions also cancel their own statements through the signal; this catches statements sent without it.
    adapter.driver.cancelAll().catch(() => undefined);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    let relations: RelationCache | undefined;
    try {
      if (!stopped()) relations = await openWarehouse();
    } catch (error) {
      // Ctrl-C while connecting or reading the warehouse state is not an error: the scheduler, seeing the run
      // stopped, records every node as not started.
      if (!stopped()) throw error;
    }

    const versions = new DataVersions(compiled.manifest.nodes);
    const depth = new Map<string, number>();
    compiled.generations.forEach((ids, level) => ids.forEach((id) => depth.set(id, level)));
    let index = 0;
    const total = reported.length;
    const record = (result: NodeResult) => {
      results.push(result);
      emit({ type: 'node_finished', result, index: ++index, total });
    };
    const skippedResult = (id: string, status: 'skipped', message: string, because?: string): NodeResult => {
      const node = plan.nodes.get(id)!;
      const now = new Date().toISOString();
      return {
        uniqueId: id,
        name: node.name,
        resourceType: node.resourceType,
        kind: nodeKind(node),
        status,
        startedAt: now,
        completedAt: now,
        executionTime: 0,
        message,
        ...(because ? { skippedBecause: because } : {}),
      };
    };

    await schedule(
      [...plan.nodes.keys()].map((id) => ({ id, waitsFor: plan.waitsFor.get(id)! })),
      Math.max(1, options.threads),
      {
        priority: (id) => (isTest(plan.nodes.get(id)) ? -1 : (depth.get(id) ?? 0)),
        stopped,
        notStarted: (id) => {
          if (isEphemeral(id)) return;
          record(skippedResult(id, 'skipped', 'not started: the run was interrupted'));
        },
        skip: (id, because) => {
          if (isEphemeral(id)) return;
          // A node cut short by Ctrl-C did not fail on its own: what waits for it was never started, not skipped.
          if (stopped()) return record(skippedResult(id, 'skipped', 'not started: the run was interrupted'));
          const cause = plan.nodes.get(because)?.name ?? because;
          record(skippedResult(id, 'skipped', `skipped because ${cause} failed`, because));
        },
        run: async (id) => {
          const node = plan.nodes.get(id)!;
          if (isEphemeral(id)) return 'ok';
          emit({ type: 'node_started', uniqueId: id, name: node.name, kind: nodeKind(node), resourceType: node.resourceType });
          const session = await adapter.driver.acquire();
          const ctx: MaterializeContext = {
            adapter,
            session,
            relations: relations!,
            renderer: compiled.renderer,
            runId,
            versions,
            fullRefresh: options.fullRefresh,
            projectRoot: options.projectRoot,
            ...(options.signal ? { signal: options.signal } : {}),
            onStatement: (sql) => emit({ type: 'statement', uniqueId: id, sql: redactor.redact(sql) }),
          };
          let result: NodeResult;
          try {
            result = await executeNode(node, ctx, { storeFailures: options.storeFailures, failuresSchema, redactor });
          } finally {
            adapter.driver.release(session);
            versions.executed(id);
          }
          if (stopped() && result.status === 'error') result = { ...result, message: `interrupted: ${result.message}` };
          record(result);
          return result.status === 'error' || result.status === 'fail' ? 'failed' : 'ok';
        },
      },
    );
  } catch (error) {
    throw toSqlkitError(error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await adapter.runs.end();
    await adapter.driver.close().catch(() => undefined);
  }
  const elapsed = (Date.now() - startedAt.getTime()) / 1000;
  emit({ type: 'run_finished', results, elapsed, interrupted: stopped() });
  return { results, elapsed, interrupted: stopped(), runId, startedAt: startedAt.toISOString() };

  async function openWarehouse(): Promise<RelationCache> {
    await adapter.driver.open().catch((error) => {
      throw adapter.translateError(error, {});
    });
    const setup = await adapter.driver.acquire();
    try {
      // Before anything is created, so no other run's cleanup takes this run's temporary relations for leftovers.
      await adapter.runs.begin(runId);
      const schemas = schemasWritten(plan.nodes.values(), usesFailures ? failuresSchema : undefined);
      const prepared = await prepareWarehouse(adapter, setup, schemas, runId, (sql) => emit({ type: 'statement', sql: redactor.redact(sql) }), bookkeepingTables(plan.nodes.values(), adapter));
      return prepared.relations;
    } catch (error) {
      throw adapter.translateError(error, {});
    } finally {
      adapter.driver.release(setup);
    }
  }

  function isEphemeral(id: string): boolean {
    const node = plan.nodes.get(id);
    return isModel(node) && node.config.materialized === 'ephemeral';
  }
}
