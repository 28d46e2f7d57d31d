import type { ManifestNode, TestNode } from '../compile/index.js';
import { isModel, isSource, isTest } from '../compile/index.js';
import { executeDataTest } from '../data-tests/index.js';
import { SqlkitError, type Redactor } from '../errors/index.js';
import { loadSourceTable, materializeIncremental, materializeTable, materializeView, type MaterializeContext, type MaterializeResult } from '../materializations/index.js';
import type { NodeErrorInfo, NodeResult, NodeStatus } from './run-events.js';

export function nodeKind(node: ManifestNode): string {
  if (isModel(node)) return node.config.materialized;
  if (isSource(node)) return 'load';
  if (isTest(node)) return 'test';
  return node.resourceType;
}

export interface NodeRunOptions {
  storeFailures: boolean;
  failuresSchema: string;
  redactor: Redactor;
}

/** Executes one node and describes the outcome; never throws for errors that belong to the node. */
export async function executeNode(node: ManifestNode, ctx: MaterializeContext, options: NodeRunOptions): Promise<NodeResult> {
  const started = new Date();
  const base = {
    uniqueId: node.uniqueId,
    name: node.name,
    resourceType: node.resourceType,
    kind: nodeKind(node),
    ...('compiledPath' in node ? { compiledPath: node.compiledPath } : {}),
  };
  const finish = (status: NodeStatus, extra: Partial<NodeResult> & { message: string }): NodeResult => {
    const completed = new Date();
    return {
      ...base,
      status,
      startedAt: started.toISOString(),
      completedAt: completed.toISOString(),
      executionTime: (completed.getTime() - started.getTime()) / 1000,
      ...extra,
    };
  };
  try {
    if (isTest(node)) return finish(...(await runTest(node, ctx, options)));
    const result = await materialize(node, ctx);
    return finish('success', {
      message: result.message,
      ...(result.rowsAffected === undefined ? {} : { rowsAffected: result.rowsAffected }),
      ...(result.kept ? { kept: true as const } : {}),
      ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    });
  } catch (error) {
    // Engine errors raised outside runStatements (a source loader's own statements, catalog queries) get the same
    // translation, so an interrupted statement is ADAPTER_CANCELLED wherever it ran.
    const err =
      error instanceof SqlkitError
        ? error
        : ctx.adapter.translateError(error, { node: node.uniqueId, nodePath: node.path, ...('compiledPath' in node ? { compiledPath: node.compiledPath } : {}) });
    return finish('error', { message: options.redactor.redact(err.message), error: errorInfo(err, options.redactor) });
  }
}

function materialize(node: ManifestNode, ctx: MaterializeContext): Promise<MaterializeResult> {
  if (isSource(node)) return loadSourceTable(node, ctx);
  if (!isModel(node)) throw new SqlkitError('INTERNAL', `${node.uniqueId} cannot be executed.`);
  switch (node.config.materialized) {
    case 'table':
      return materializeTable(node, ctx);
    case 'view':
      return materializeView(node, ctx);
    case 'incremental':
      return materializeIncremental(node, ctx);
    case 'ephemeral':
      return Promise.resolve({ message: 'ephemeral (inlined)' });
  }
}

async function runTest(node: TestNode, ctx: MaterializeContext, options: NodeRunOptions): Promise<[NodeStatus, Partial<NodeResult> & { message: string }]> {
  const outcome = await executeDataTest(node, ctx, options.storeFailures, options.failuresSchema);
  const rows = outcome.failures === 1 ? '1 failing row' : `${outcome.failures} failing rows`;
  const stored = outcome.storedIn ? `; stored in ${outcome.storedIn}` : '';
  const message = outcome.status === 'pass' ? `passed${stored}` : `${rows}${stored}; query: ${node.compiledPath}`;
  return [outcome.status, { message, failures: outcome.failures, ...(outcome.sample ? { sample: options.redactor.redactDeep(outcome.sample) } : {}) }];
}

export function errorInfo(error: SqlkitError, redactor: Redactor): NodeErrorInfo {
  return redactor.redactDeep({
    code: error.code,
    message: error.message,
    ...(error.location?.file ? { file: error.location.file } : {}),
    ...(error.location?.line ? { line: error.location.line } : {}),
    ...(error.location?.column ? { column: error.location.column } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.related?.length ? { related: error.related.map((r) => ({ file: r.file, ...(r.line ? { line: r.line } : {}) })) } : {}),
  });
}
