import type { AppendPlan, ColumnDescription, InsertedRows, QueryResult } from '../adapters/types.js';
import type { ModelNode } from '../compile/index.js';
import { incrementalStrategy } from '../config/index.js';
import { SqlkitError } from '../errors/index.js';
import { shortHash } from '../util/checksum.js';
import type { MaterializeContext, MaterializeResult } from './context.js';
import { recordModelState } from './data-versions.js';
import { runStatements } from './execute-sql.js';
import { modelSql } from './model-sql.js';
import { materializeTable } from './table.js';
import { refreshStatistics } from './statistics.js';
import { temporaryName } from './swap.js';

/**
 * First run (or --full-refresh, or full_refresh config): a full table build. Later runs render the model with
 * is_incremental() true and, in one transaction, delete the rows whose unique_key matches a new row's
 * (delete+insert, narrowed by incremental_predicates) and insert the new rows. The new rows are staged in a table
 * first (temporary where the engine's session allows), unless the engine can insert them straight from the
 * model's query and tell them apart afterwards (see insertDirectly).
 */
export async function materializeIncremental(node: ModelNode, ctx: MaterializeContext): Promise<MaterializeResult> {
  const target = node.relation;
  const existing = ctx.relations.get(target);
  const fullRefresh = node.config.full_refresh ?? ctx.fullRefresh;
  if (!existing || existing.type !== 'table' || fullRefresh) {
    const result = await materializeTable(node, ctx);
    if (ctx.adapter.appends) await runStatements(ctx, node, await ctx.adapter.appends.recordBuilt(ctx.session, target), undefined, true);
    return { ...result, message: `${result.message} (${existing ? 'full refresh' : 'first build'})` };
  }
  const sql = await modelSql(node, ctx, true);
  // Planned before the new rows' count is known (see movesTail); the staged path sizes it once they are staged.
  const append = await ctx.adapter.appends?.plan(ctx.session, target, appendOptions(node, ctx));
  return append?.insertedRows ? insertDirectly(node, ctx, sql, append, append.insertedRows) : insertThroughStaging(node, ctx, sql, append);
}

async function insertThroughStaging(node: ModelNode, ctx: MaterializeContext, sql: string, unsized: AppendPlan | undefined): Promise<MaterializeResult> {
  const target = node.relation;
  const { dialect, capabilities, introspector } = ctx.adapter;
  const staging = dialect.stagingRelation(target, temporaryName(target.identifier, 'incr', ctx.runId, capabilities.maxIdentifierLength));
  const [staged] = await runStatements(ctx, node, [dialect.createStagingTableAs(staging, sql, node.config)], sql, false);
  try {
    const [newColumns, oldColumns] = await Promise.all([introspector.listColumns(ctx.session, staging), introspector.listColumns(ctx.session, target)]);
    const plan = planColumns(node, newColumns, oldColumns);
    const append = staged?.rowCount === undefined ? unsized : unsized?.forRows(staged.rowCount);
    const deleting = deletesReplaced(node) ? [dialect.deleteMatching(target, staging, node.config.unique_key ?? [], node.config.incremental_predicates ?? [])] : [];
    const insert = append ? append.insert(selectColumns(ctx, plan.insert, dialect.quoteRelation(staging))) : dialect.insertFrom(target, staging, plan.insert);
    const prepare = prepareStatements(node, ctx, plan.added);
    const before = [...prepare, ...deleting];
    const statements = [...before, insert, ...(append?.after ?? []), dialect.dropRelation(staging, 'table')];
    const results = await runMerge(node, ctx, statements, undefined, append);
    const moved = append ? append.movedRows(results.slice(before.length + 1)) : 0;
    const inserted = (results[before.length]?.rowCount ?? 0) - moved;
    const deleted = deleting.length ? (results[prepare.length]?.rowCount ?? 0) : 0;
    return await finish(node, ctx, inserted, deleted);
  } catch (error) {
    await ctx.session.execute(dialect.dropRelationIfExists(staging, 'table')).catch(() => undefined);
    throw error;
  }
}

/**
 * DuckDB: the new rows go from the model's query straight into the table, with no staging table to write and
 * read back (for one day of `songplays` after 10M events, 0.43 s against 0.51 s; 0.36 s against 0.53 s where the
 * append moves the table's part-filled last row group). The query's columns come from a statement that reads no
 * rows. The rows the new ones replace are deleted after the insert: the older rows, with a key among the added
 * ones. Only where the append can tell its rows apart (`insertedRows`): not where the table has an index, whose
 * unique key would refuse a new row while the row it replaces is still there.
 */
async function insertDirectly(node: ModelNode, ctx: MaterializeContext, sql: string, append: AppendPlan, insertedRows: InsertedRows): Promise<MaterializeResult> {
  const target = node.relation;
  const { dialect, introspector } = ctx.adapter;
  const [described] = await runStatements(ctx, node, [dialect.describeQuery(sql)], sql, false);
  const plan = planColumns(node, described?.columns ?? [], await introspector.listColumns(ctx.session, target));
  const deleting = deletesReplaced(node) ? [dialect.deleteReplaced(target, node.config.unique_key ?? [], node.config.incremental_predicates ?? [], insertedRows)] : [];
  const before = prepareStatements(node, ctx, plan.added);
  const insert = append.insert(selectColumns(ctx, plan.insert, `(\n${sql}\n) as sqlkit_model`));
  const results = await runMerge(node, ctx, [...before, insert, ...deleting, ...append.after], sql, append);
  const inserted = (results[before.length]?.rowCount ?? 0) - append.movedRows(results.slice(before.length + 1 + deleting.length));
  const deleted = deleting.length ? (results[before.length + 1]?.rowCount ?? 0) : 0;
  return finish(node, ctx, inserted, deleted);
}

/** The rows an append inserts: the planned columns of `from`, in the plan's order. */
function selectColumns(ctx: MaterializeContext, columns: readonly string[], from: string): string {
  return `select ${columns.map((c) => ctx.adapter.dialect.quoteIdentifier(c)).join(', ')} from ${from}`;
}

function appendOptions(node: ModelNode, ctx: MaterializeContext): { suffix: string; signal?: AbortSignal } {
  return { suffix: `${ctx.runId}_${shortHash(node.uniqueId, 6)}`, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** checkIncrementalConfig (compile) has ruled out delete+insert without a key and predicates on an append. */
function deletesReplaced(node: ModelNode): boolean {
  return incrementalStrategy(node.config) === 'delete+insert';
}

/**
 * The merge's first statements: the lock, new columns, and forgetting the model's recorded state (a table this
 * model built as a `rebuild: on_change` table before it became incremental no longer holds what its record says).
 */
function prepareStatements(node: ModelNode, ctx: MaterializeContext, added: readonly ColumnDescription[]): string[] {
  const { dialect } = ctx.adapter;
  const lock = deletesReplaced(node) ? dialect.lockForMerge(node.relation) : undefined;
  return [...(lock ? [lock] : []), ...added.map((column) => dialect.addColumn(node.relation, column)), ...recordModelState(ctx, node, undefined)];
}

async function runMerge(node: ModelNode, ctx: MaterializeContext, statements: string[], sql: string | undefined, append: AppendPlan | undefined): Promise<QueryResult[]> {
  if (append?.orderedSession) await ctx.session.execute(append.orderedSession.enter);
  try {
    return await runStatements(ctx, node, statements, sql, true);
  } finally {
    if (append?.orderedSession) await ctx.session.execute(append.orderedSession.leave).catch(() => undefined);
  }
}

async function finish(node: ModelNode, ctx: MaterializeContext, inserted: number, deleted: number): Promise<MaterializeResult> {
  const warnings = await refreshStatistics(ctx, node, node.relation);
  return { rowsAffected: inserted, message: `${inserted} rows inserted${deleted ? `, ${deleted} replaced` : ''}`, ...(warnings.length ? { warnings } : {}) };
}

function planColumns(node: ModelNode, newColumns: ColumnDescription[], oldColumns: ColumnDescription[]): { insert: string[]; added: ColumnDescription[] } {
  const oldNames = new Set(oldColumns.map((c) => c.name.toLowerCase()));
  const newNames = new Set(newColumns.map((c) => c.name.toLowerCase()));
  const added = newColumns.filter((c) => !oldNames.has(c.name.toLowerCase()));
  const removed = oldColumns.filter((c) => !newNames.has(c.name.toLowerCase()));
  const mode = node.config.on_schema_change ?? 'ignore';
  if (mode === 'fail' && (added.length || removed.length)) {
    throw new SqlkitError('MATERIALIZE_SCHEMA_CHANGE', `The columns of ${node.name} changed since it was built: ${[...added.map((c) => `+${c.name}`), ...removed.map((c) => `-${c.name}`)].join(', ')}.`, {
      location: { file: node.path },
      node: node.uniqueId,
      hint: 'Run with --full-refresh to rebuild it, or set on_schema_change: append_new_columns.',
    });
  }
  const common = newColumns.filter((c) => oldNames.has(c.name.toLowerCase())).map((c) => c.name);
  if (mode === 'append_new_columns') return { insert: [...common, ...added.map((c) => c.name)], added };
  return { insert: common, added: [] };
}
