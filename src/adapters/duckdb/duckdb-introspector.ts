import type { RelationName } from '../../compile/index.js';
import type { ColumnDescription, Introspector, Relation, Session } from '../types.js';
import { sqlStringLiteral } from '../base-dialect.js';
import type { DuckdbDialect } from './duckdb-dialect.js';

export class DuckdbIntrospector implements Introspector {
  constructor(private readonly dialect: DuckdbDialect) {}

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

  /** The columns of a query that reads no rows: binding it is all DuckDB does, faster than information_schema. */
  async listColumns(session: Session, relation: RelationName): Promise<ColumnDescription[]> {
    return (await session.execute(`select * from ${this.dialect.quoteRelation(relation)} limit 0`)).columns;
  }
}
