import type { ColumnDescription, QueryResult } from '../adapters/types.js';
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
 * is_incremental() true into a staging table (temporary where the engine's session allows), then in one
 * transaction delete the rows whose unique_key matches (delete+insert, narrowed by incremental_predicates) and
 * insert the new rows.
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
  const { dialect, capabilities, introspector } = ctx.adapter;
  const sql = await modelSql(node, ctx, true);
  const staging = dialect.stagingRelation(target, temporaryName(target.identifier, 'incr', ctx.runId, capabilities.maxIdentifierLength));
  const [staged] = await runStatements(ctx, node, [dialect.createStagingTableAs(staging, sql, node.config)], sql, false);
  try {
    const [newColumns, oldColumns] = await Promise.all([
      introspector.listColumns(ctx.session, staging),
      introspector.listColumns(ctx.session, target),
    ]);
    const plan = planColumns(node, newColumns, oldColumns);
    const uniqueKey = node.config.unique_key ?? [];
    // checkIncrementalConfig (compile) has ruled out delete+insert without a key and predicates on an append.
    const strategy = incrementalStrategy(node.config);
    const predicates = node.config.incremental_predicates ?? [];
    const lock = strategy === 'delete+insert' ? dialect.lockForMerge(target) : undefined;
    const append = await ctx.adapter.appends?.plan(ctx.session, target, {
      suffix: `${ctx.runId}_${shortHash(node.uniqueId, 6)}`,
      ...(staged?.rowCount === undefined ? {} : { newRows: staged.rowCount }),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const prepare = [...(lock ? [lock] : []), ...plan.added.map((column) => dialect.addColumn(target, column))];
    const deleting = strategy === 'delete+insert' ? [dialect.deleteMatching(target, staging, uniqueKey, predicates)] : [];
    // A table this model built as a `rebuild: on_change` table before it became incremental no longer holds what
    // its record says.
    const before = [...prepare, ...deleting, ...recordModelState(ctx, node, undefined), ...(append?.before ?? [])];
    const insert = append ? append.insert(`select ${plan.insert.map((c) => dialect.quoteIdentifier(c)).join(', ')} from ${dialect.quoteRelation(staging)}`) : dialect.insertFrom(target, staging, plan.insert);
    const statements = [...before, insert, ...(append?.after ?? []), dialect.dropRelation(staging, 'table')];
    if (append?.orderedSession) await ctx.session.execute(append.orderedSession.enter);
    let results: QueryResult[];
    try {
      results = await runStatements(ctx, node, statements, undefined, true);
    } finally {
      if (append?.orderedSession) await ctx.session.execute(append.orderedSession.leave).catch(() => undefined);
    }
    const warnings = await refreshStatistics(ctx, node, target);
    const moved = append ? append.movedRows(results.slice(before.length - append.before.length, before.length)) : 0;
    const inserted = (results[before.length]?.rowCount ?? 0) - moved;
    const deleted = deleting.length ? (results[prepare.length]?.rowCount ?? 0) : 0;
    return { rowsAffected: inserted, message: `${inserted} rows inserted${deleted ? `, ${deleted} replaced` : ''}`, ...(warnings.length ? { warnings } : {}) };
  } catch (error) {
    await ctx.session.execute(dialect.dropRelationIfExists(staging, 'table')).catch(() => undefined);
    throw error;
  }
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
