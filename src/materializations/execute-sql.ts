import { failedStatementIndex, markFailedStatement } from '../adapters/types.js';
import type { QueryResult } from '../adapters/types.js';
import type { ManifestNode } from '../compile/index.js';
import type { MaterializeContext } from './context.js';

/** Runs statements for a node; on failure the engine error becomes a SqlkitError pointing at the node's files. */
export async function runStatements(ctx: MaterializeContext, node: ManifestNode, statements: readonly string[], nodeSql: string | undefined, atomic: boolean): Promise<QueryResult[]> {
  for (const sql of statements) ctx.onStatement?.(sql);
  try {
    if (atomic && statements.length > 1) return await ctx.session.executeAtomic(statements, { signal: ctx.signal });
    const results: QueryResult[] = [];
    for (const [index, sql] of statements.entries()) {
      try {
        results.push(await ctx.session.execute(sql, { signal: ctx.signal }));
      } catch (error) {
        throw markFailedStatement(error, index);
      }
    }
    return results;
  } catch (error) {
    const failed = statements[failedStatementIndex(error) ?? 0] ?? statements[0];
    const offset = nodeSql && failed ? failed.indexOf(nodeSql) : -1;
    throw ctx.adapter.translateError(error, {
      ...(failed ? { sql: failed } : {}),
      ...(offset >= 0 ? { nodeSqlOffset: offset } : {}),
      ...('compiledPath' in node ? { compiledPath: node.compiledPath } : {}),
      nodePath: node.path,
      node: node.uniqueId,
    });
  }
}
