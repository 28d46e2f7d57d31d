import type { ModelNode } from '../compile/index.js';
import type { MaterializeContext } from './context.js';
import { runStatements } from './execute-sql.js';

/**
 * The SQL a model runs: its compiled SQL, unless it renders again now, because it runs incrementally or calls
 * run_query(). Each run_query() statement goes through the node's session and shows in its debug output.
 */
export async function modelSql(node: ModelNode, ctx: MaterializeContext, incremental = false): Promise<string> {
  if (!incremental && !ctx.renderer.runsQueries(node.uniqueId)) return node.compiledSql;
  return ctx.renderer.render(node.uniqueId, {
    incremental,
    query: async (sql) => (await runStatements(ctx, node, [sql], sql, false))[0]!,
  });
}
