import { createFileListingsTable, createLoadedFilesTable } from '../adapters/loading/file-stamps.js';
import { createLoadErrorsTable } from '../adapters/loading/load-errors-table.js';
import type { Adapter, Relation, Session } from '../adapters/types.js';
import type { ManifestNode, RelationName } from '../compile/index.js';
import { isModel, isSource } from '../compile/index.js';
import { createModelStateTable, FILE_LISTINGS_TABLE, LOAD_ERRORS_TABLE, LOADED_FILES_TABLE, MODEL_STATE_TABLE, RelationCache, rebuildsOnChange, TEMPORARY_MARKER } from '../materializations/index.js';

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

export interface BookkeepingTable {
  relation: RelationName;
  sql: string;
}

/**
 * The tables the run's source loads record rejected rows and loaded files in, `rebuild: on_change` tables
 * what they were built from, and appended tables where their storage ends (engines with TableAppends). They are
 * created before any node runs: two loads creating one at the same time (in this run or another) would make one
 * of them fail.
 */
export function bookkeepingTables(nodes: Iterable<ManifestNode>, adapter: Adapter): BookkeepingTable[] {
  const tables = new Map<string, BookkeepingTable>();
  const add = (schema: string, identifier: string, create: typeof createLoadErrorsTable) => {
    const relation = { schema, identifier };
    tables.set(`${schema}\u0000${identifier}`, { relation, sql: create(adapter.dialect, relation) });
  };
  const appends = adapter.appends;
  for (const node of nodes) {
    if (rebuildsOnChange(node)) add(node.relation.schema, MODEL_STATE_TABLE, createModelStateTable);
    if (appends && isModel(node) && node.config.materialized === 'incremental') add(node.relation.schema, appends.recordTable, appends.createRecordTable);
    if (!isSource(node) || !node.load) continue;
    add(node.relation.schema, LOAD_ERRORS_TABLE, createLoadErrorsTable);
    if (node.load.incremental && adapter.capabilities.loadsLocalFiles) {
      add(node.relation.schema, LOADED_FILES_TABLE, createLoadedFilesTable);
      add(node.relation.schema, FILE_LISTINGS_TABLE, createFileListingsTable);
      if (appends) add(node.relation.schema, appends.recordTable, appends.createRecordTable);
    }
  }
  return [...tables.values()];
}

export interface PreparedWarehouse {
  relations: RelationCache;
  /** Leftovers of dead runs, dropped. */
  removed: string[];
  /** Leftovers of runs still going, left alone. */
  kept: string[];
}

/**
 * Reads relation state once for the run, creates missing schemas and bookkeeping tables, and removes temporary
 * relations that an earlier run left behind (their names carry a run id this run does not use), unless the
 * adapter's run registry says that run is still going: those are a concurrent run's work in progress.
 */
export async function prepareWarehouse(
  adapter: Adapter,
  session: Session,
  schemas: readonly string[],
  runId: string,
  onStatement: (sql: string) => void,
  bookkeeping: readonly BookkeepingTable[] = [],
): Promise<PreparedWarehouse> {
  const existing = await adapter.introspector.listRelations(session, schemas);
  const present = new Set(existing.map((r) => r.schema.toLowerCase()));
  const create = async (sql: string) => {
    onStatement(sql);
    // Two runs creating the same schema or table at once can both find it missing: PostgreSQL then fails the later
    // one with a duplicate key (pg_namespace or pg_type) instead of skipping it. Sent again, `if not exists` finds
    // the other run's object; any other error fails again and is reported.
    await session.execute(sql).catch(() => session.execute(sql));
  };
  for (const schema of schemas) {
    if (!present.has(schema.toLowerCase())) await create(adapter.dialect.createSchema(schema));
  }
  const relations = new RelationCache(existing);
  for (const table of bookkeeping) {
    if (relations.get(table.relation)) continue;
    await create(table.sql);
    relations.set({ ...table.relation, type: 'table' });
  }

  const leftovers = new Map<Relation, string>();
  for (const relation of existing) {
    const owner = TEMPORARY_MARKER.exec(relation.identifier)?.[2];
    if (owner !== undefined && owner !== runId) leftovers.set(relation, owner);
  }
  const live = leftovers.size ? await adapter.runs.liveRuns(session, [...new Set(leftovers.values())]) : new Set<string>();
  const removed: string[] = [];
  const kept: string[] = [];
  for (const [relation, owner] of leftovers) {
    const name = `${relation.schema}.${relation.identifier}`;
    if (live.has(owner)) {
      kept.push(name);
      continue;
    }
    const sql = adapter.dialect.dropRelationIfExists(relation, relation.type);
    onStatement(sql);
    await session.execute(sql);
    relations.delete(relation);
    removed.push(name);
  }
  return { relations, removed, kept };
}
