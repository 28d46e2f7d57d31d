import type { ModelNode } from '../compile/index.js';
import type { MaterializeContext, MaterializeResult } from './context.js';
import { rebuildDependentViews } from './dependent-views.js';
import { runStatements } from './execute-sql.js';
import { modelSql } from './model-sql.js';
import { swapRelations, swapStatements } from './swap.js';

/**
 * Replaces the view in one statement where the engine can; otherwise (or when a table of that name exists)
 * creates it under a temporary name and swaps it in within one transaction.
 */
export async function materializeView(node: ModelNode, ctx: MaterializeContext): Promise<MaterializeResult> {
  const { dialect, capabilities } = ctx.adapter;
  const target = node.relation;
  const existing = ctx.relations.get(target);
  const sql = await modelSql(node, ctx);
  if (capabilities.supportsReplaceView && existing?.type !== 'table') {
    await runStatements(ctx, node, [dialect.replaceView(target, sql, node.config)], sql, false);
  } else {
    const { staging, backup } = swapRelations(target, ctx.runId, capabilities.maxIdentifierLength);
    const swap = swapStatements(dialect, staging, 'view', target, backup, existing);
    await runStatements(ctx, node, [dialect.createView(staging, sql, node.config), ...(await rebuildDependentViews(ctx, target, existing, swap))], sql, true);
  }
  ctx.relations.set({ ...target, type: 'view' });
  return { message: 'view created' };
}
