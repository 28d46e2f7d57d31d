import type { RelationName } from '../../compile/index.js';
import type { ColumnDescription, Introspector, Relation, Session } from '../types.js';
import { sqlStringLiteral } from '../base-dialect.js';
import { DUCKDB_TEMPORARY_SCHEMA } from './duckdb-dialect.js';

export class DuckdbIntrospector implements Introspector {
  async listRelations(session: Session, schemas: readonly string[]): Promise<Relation[]> {
    if (schemas.length === 0) return [];
    const list = schemas.map(sqlStringLiteral).join(', ');
    const result = await session.execute(
      `select table_schema, table_name, table_type from information_schema.tables where table_schema in (${list}) and table_catalog = current_database()`,
    );
    return result.rows.map(([schema, identifier, type]) => ({
      schema: String(schema),
      identifier: String(identifier),
      type: String(type).toUpperCase() === 'VIEW' ? 'view' : 'table',
    }));
  }

  async listColumns(session: Session, relation: RelationName): Promise<ColumnDescription[]> {
    // Temporary tables live in DuckDB's `temp` catalog, in its schema main.
    const where =
      relation.schema === DUCKDB_TEMPORARY_SCHEMA ? "table_catalog = 'temp' and table_schema = 'main'" : `table_catalog = current_database() and table_schema = ${sqlStringLiteral(relation.schema)}`;
    const result = await session.execute(
      `select column_name, data_type from information_schema.columns where ${where} and table_name = ${sqlStringLiteral(relation.identifier)} order by ordinal_position`,
    );
    return result.rows.map(([name, type]) => ({ name: String(name), type: String(type) }));
  }
}
