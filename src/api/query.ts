import { createAdapter } from '../adapters/registry.js';
import type { QueryResult } from '../adapters/types.js';
import { isModel, isSource, isTest, quoteRelation, type ManifestNode } from '../compile/index.js';
import { SqlkitError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { atTarget, openProject, type ProjectOptions } from './open-project.js';

export interface QueryOptions extends ProjectOptions {
  /** A model, source (source.table), test or analysis name. */
  name: string;
  limit?: number;
}

/** `sqlkit show`: rows of a built model or source, or the result of an analysis or a test's query. */
export async function queryNode(options: QueryOptions): Promise<{ node: ManifestNode; result: QueryResult }> {
  const { files, compiled, redactor } = openProject(options);
  const nodes = Object.values(compiled.manifest.nodes);
  const node = nodes.find((n) => n.name === options.name) ?? nodes.find((n) => isSource(n) && n.name === options.name.replace(/^source:/, ''));
  if (!node) {
    throw new SqlkitError('PROJECT_UNKNOWN_NODE', `No model, source, test or analysis named '${options.name}'.`, {
      hint: `${didYouMean(options.name, nodes.map((n) => n.name)) ?? ''} Run 'sqlkit ls' to list them.`.trim(),
    });
  }
  const sql =
    (isModel(node) && node.config.materialized !== 'ephemeral') || isSource(node)
      ? `select * from ${quoteRelation(node.relation)}`
      : 'compiledSql' in node
        ? compiled.standaloneSql(node.uniqueId)
        : '';
  const adapter = await createAdapter(files.config.target, files.root);
  await adapter.driver.open().catch((error) => {
    throw atTarget(adapter.translateError(error, {}), files);
  });
  const session = await adapter.driver.acquire();
  try {
    const result = await session.execute(adapter.dialect.limit(sql, options.limit ?? 10));
    return { node, result: redactor.redactDeep(result) };
  } catch (error) {
    const translated = adapter.translateError(error, { sql, ...('compiledPath' in node ? { compiledPath: node.compiledPath } : {}), nodePath: node.path, node: node.uniqueId });
    const missing = /does not exist|not found/i.test(translated.message) && !isTest(node);
    throw missing
      ? new SqlkitError(translated.code, translated.message, { ...translated, hint: `Build it first: sqlkit run -s ${isSource(node) ? `source:${node.name}` : `+${node.name}`}` })
      : translated;
  } finally {
    adapter.driver.release(session);
    await adapter.driver.close();
  }
}
