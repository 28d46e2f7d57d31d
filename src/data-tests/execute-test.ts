import type { QueryResult } from '../adapters/types.js';
import type { TestNode } from '../compile/index.js';
import type { MaterializeContext } from '../materializations/index.js';
import { fitIdentifier, runStatements, swapRelations, swapStatements } from '../materializations/index.js';
import { testStatus, type TestStatus } from './thresholds.js';

export interface TestOutcome {
  status: TestStatus;
  failures: number;
  sample?: QueryResult;
  /** Where failing rows were stored (--store-failures). */
  storedIn?: string;
}

const SAMPLE_ROWS = 5;

/** Counts the failing rows a test query returns, fetches a few to show, and stores them if asked. */
export async function executeDataTest(node: TestNode, ctx: MaterializeContext, storeFailures: boolean, failuresSchema: string): Promise<TestOutcome> {
  const { dialect } = ctx.adapter;
  const sql = node.compiledSql;
  const [counted] = await runStatements(ctx, node, [dialect.countRows(sql)], sql, false);
  const failures = Number(counted?.rows[0]?.[0] ?? 0);
  const status = testStatus(failures, node.config);
  const outcome: TestOutcome = { status, failures };
  if (failures > 0) {
    const [sample] = await runStatements(ctx, node, [dialect.limit(sql, node.config.limit ?? SAMPLE_ROWS)], sql, false);
    if (sample) outcome.sample = sample;
  }
  if (storeFailures || node.config.storeFailures) {
    const max = ctx.adapter.capabilities.maxIdentifierLength;
    // Room for the temporary suffix; a cut name keeps a hash of the full one, so long test names never share a table.
    const target = { schema: failuresSchema, identifier: fitIdentifier(node.name, max - 30) };
    const { staging, backup } = swapRelations(target, ctx.runId, max);
    const existing = ctx.relations.get(target);
    await runStatements(ctx, node, [dialect.createTableAs(staging, sql), ...swapStatements(dialect, staging, 'table', target, backup, existing)], sql, true);
    ctx.relations.set({ ...target, type: 'table' });
    outcome.storedIn = `${target.schema}.${target.identifier}`;
  }
  return outcome;
}
