import type { RelationName } from '../compile/index.js';
import type { ManifestNode } from '../compile/index.js';
import type { MaterializeContext } from './context.js';
import { runStatements } from './execute-sql.js';

/**
 * Refreshes planner statistics after a bulk write, on engines that need it. The write has committed by then, so
 * when Ctrl-C cancels the refresh the node still succeeded: reporting it as failed would claim the old table is in
 * place when the new one is. Returns warnings for the node's result.
 */
export async function refreshStatistics(ctx: MaterializeContext, node: ManifestNode, relation: RelationName): Promise<string[]> {
  const sql = ctx.adapter.dialect.analyze(relation);
  if (!sql) return [];
  try {
    await runStatements(ctx, node, [sql], undefined, false);
    return [];
  } catch (error) {
    if (!ctx.signal?.aborted) throw error;
    return [`statistics of ${relation.schema}.${relation.identifier} not refreshed: the run was interrupted`];
  }
}
