import type { ModelNode } from '../compile/index.js';
import type { MaterializeContext, MaterializeResult } from './context.js';
import { rebuildsOnChange, recordedFingerprint, recordModelState } from './data-versions.js';
import { runStatements } from './execute-sql.js';
import { modelSql } from './model-sql.js';
import { swapRelations, swapStatements } from './swap.js';
import { rebuildDependentViews } from './dependent-views.js';
import { refreshStatistics } from './statistics.js';

/**
 * Builds the table under a temporary name and swaps it in, all in one transaction. A `rebuild: on_change` table
 * whose SQL and inputs are what it was last built from is kept as it is.
 */
export async function materializeTable(node: ModelNode, ctx: MaterializeContext): Promise<MaterializeResult> {
  const sql = await modelSql(node, ctx);
  const { dialect, capabilities } = ctx.adapter;
  const target = node.relation;
  const existing = ctx.relations.get(target);
  const fingerprint = rebuildsOnChange(node) ? await ctx.versions.fingerprint(node, sql, ctx) : undefined;
  ctx.versions.set(node.uniqueId, fingerprint);
  if (fingerprint && existing?.type === 'table' && !ctx.fullRefresh && (await recordedFingerprint(node, ctx)) === fingerprint) {
    return { kept: true, message: 'kept: its SQL and inputs are as at its last build' };
  }
  const { staging, backup } = swapRelations(target, ctx.runId, capabilities.maxIdentifierLength);
  const create = dialect.createTableAs(staging, sql, node.config);
  const swap = [...swapStatements(dialect, staging, 'table', target, backup, existing), ...recordModelState(ctx, node, fingerprint)];
  const statements = [create, ...(await rebuildDependentViews(ctx, target, existing, swap))];
  const [created] = await runStatements(ctx, node, statements, sql, true);
  ctx.relations.set({ ...target, type: 'table' });
  const warnings = await refreshStatistics(ctx, node, target);
  const rows = created?.rowCount;
  return { ...(rows === undefined ? {} : { rowsAffected: rows }), message: rows === undefined ? 'table built' : `${rows} rows`, ...(warnings.length ? { warnings } : {}) };
}
