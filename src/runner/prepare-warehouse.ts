import type { Adapter, Session } from '../adapters/types.js';
import type { ManifestNode } from '../compile/index.js';
import { isModel, isSource } from '../compile/index.js';
import { RelationCache, TEMPORARY_MARKER } from '../materializations/index.js';

/** Schemas a run writes to: model schemas, loaded sources' schemas, and the test-failures schema if used. */
export function schemasWritten(nodes: Iterable<ManifestNode>, failuresSchema: string | undefined): string[] {
  const schemas = new Set<string>();
  for (const node of nodes) {
    if (isModel(node) && node.config.materialized !== 'ephemeral') schemas.add(node.relation.schema);
    if (isSource(node) && node.load) schemas.add(node.relation.schema);
  }
  if (failuresSchema) schemas.add(failuresSchema);
  return [...schemas].sort();
}

/**
 * Reads relation state once for the run, creates missing schemas, and removes temporary relations that an
 * interrupted earlier run left behind (their names carry a run id this run does not use).
 */
export async function prepareWarehouse(adapter: Adapter, session: Session, schemas: readonly string[], runId: string, onStatement: (sql: string) => void): Promise<{ relations: RelationCache; removed: string[] }> {
  const existing = await adapter.introspector.listRelations(session, schemas);
  const present = new Set(existing.map((r) => r.schema.toLowerCase()));
  for (const schema of schemas) {
    if (present.has(schema.toLowerCase())) continue;
    const sql = adapter.dialect.createSchema(schema);
    onStatement(sql);
    await session.execute(sql);
  }
  const removed: string[] = [];
  const keep = [];
  for (const relation of existing) {
    const marker = TEMPORARY_MARKER.exec(relation.identifier);
    if (marker && marker[2] !== runId) {
      const sql = adapter.dialect.dropRelationIfExists(relation, relation.type);
      onStatement(sql);
      await session.execute(sql);
      removed.push(`${relation.schema}.${relation.identifier}`);
    } else keep.push(relation);
  }
  return { relations: new RelationCache(keep), removed };
}
