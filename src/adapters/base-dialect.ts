import type { ColumnType, RelationName } from '../compile/index.js';
import type { ModelConfig } from '../config/index.js';
import type { ColumnDescription, InsertedRows, RelationType, SqlDialect } from './types.js';

/** A SQL string literal: quotes doubled, the same on every engine (and in catalog queries made outside a dialect). */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** SQL shared by DuckDB, PostgreSQL and Redshift; each engine's dialect overrides only what differs. */
export class BaseDialect implements SqlDialect {
  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  quoteRelation(relation: RelationName): string {
    return `${this.quoteIdentifier(relation.schema)}.${this.quoteIdentifier(relation.identifier)}`;
  }

  stringLiteral(value: string): string {
    return sqlStringLiteral(value);
  }

  columnType(type: ColumnType): string {
    switch (type.base) {
      case 'varchar':
        return type.length ? `varchar(${type.length})` : 'varchar';
      case 'char':
        return `char(${type.length ?? 1})`;
      case 'double':
        return 'double precision';
      case 'numeric':
        return type.precision ? `numeric(${type.precision}, ${type.scale ?? 0})` : 'numeric(18, 0)';
      case 'timestamptz':
        return 'timestamp with time zone';
      default:
        return type.base;
    }
  }

  createSchema(schema: string): string {
    return `create schema if not exists ${this.quoteIdentifier(schema)}`;
  }

  createTableAs(relation: RelationName, sql: string, _config?: ModelConfig): string {
    return `create table ${this.quoteRelation(relation)} as\n${sql}`;
  }

  createTable(relation: RelationName, columns: readonly { name: string; type: ColumnType }[]): string {
    const list = columns.map((c) => `  ${this.quoteIdentifier(c.name)} ${this.columnType(c.type)}`).join(',\n');
    return `create table ${this.quoteRelation(relation)} (\n${list}\n)`;
  }

  createView(relation: RelationName, sql: string, _config?: ModelConfig): string {
    return `create view ${this.quoteRelation(relation)} as\n${sql}`;
  }

  replaceView(relation: RelationName, sql: string, _config?: ModelConfig): string {
    return `create or replace view ${this.quoteRelation(relation)} as\n${sql}`;
  }

  renameRelation(relation: RelationName, type: RelationType, newIdentifier: string): string {
    return `alter ${type} ${this.quoteRelation(relation)} rename to ${this.quoteIdentifier(newIdentifier)}`;
  }

  dropRelation(relation: RelationName, type: RelationType): string {
    return `drop ${type} ${this.quoteRelation(relation)}`;
  }

  dropRelationIfExists(relation: RelationName, type: RelationType): string {
    return `drop ${type} if exists ${this.quoteRelation(relation)}`;
  }

  /**
   * The schema name that reaches the session's temporary tables, where an incremental run stages its new rows;
   * undefined where statements of one node may run in different sessions, which then stage beside the target.
   */
  protected readonly temporarySchema: string | undefined = undefined;

  stagingRelation(target: RelationName, identifier: string): RelationName {
    return { schema: this.temporarySchema ?? target.schema, identifier };
  }

  createStagingTableAs(relation: RelationName, sql: string, config?: ModelConfig): string {
    return this.temporarySchema === undefined ? this.createTableAs(relation, sql, config) : `create temporary table ${this.quoteRelation(relation)} as\n${sql}`;
  }

  describeQuery(sql: string): string {
    return `select * from (\n${sql}\n) as sqlkit_model limit 0`;
  }

  deleteMatching(target: RelationName, staging: RelationName, uniqueKey: readonly string[], predicates: readonly string[] = []): string {
    const t = this.keyQualifier(target);
    const s = this.keyQualifier(staging);
    const on = uniqueKey.map((k) => `${t}.${this.quoteIdentifier(k)} = ${s}.${this.quoteIdentifier(k)}`).join(' and ');
    const names = { sqlkit_dest: this.quoteRelation(target), sqlkit_new: this.quoteRelation(staging) };
    const narrowed = predicates.map((p) => ` and (${bindRelationPlaceholders(p, names)})`).join('');
    return `delete from ${this.quoteRelation(target)} using ${this.quoteRelation(staging)} where ${on}${narrowed}`;
  }

  /**
   * Deletes the rows that were in the target before an insert and share a unique_key with a row it added, where
   * `insertedRows` tells the inserted rows apart (see AppendPlan.insertedRows). The predicates' `sqlkit_new` names
   * the inserted rows, as it names the staging relation in deleteMatching.
   */
  deleteReplaced(target: RelationName, uniqueKey: readonly string[], predicates: readonly string[], insertedRows: InsertedRows): string {
    const table = this.quoteRelation(target);
    const on = uniqueKey.map((k) => `${table}.${this.quoteIdentifier(k)} = sqlkit_new.${this.quoteIdentifier(k)}`).join(' and ');
    const narrowed = predicates.map((p) => ` and (${bindRelationPlaceholders(p, { sqlkit_dest: table, sqlkit_new: 'sqlkit_new' })})`).join('');
    return `with sqlkit_new as (${insertedRows.added})
delete from ${table} using sqlkit_new where ${on} and ${insertedRows.older(table, 'sqlkit_new')}${narrowed}`;
  }

  /** How the delete of a merge qualifies a relation's key columns. */
  protected keyQualifier(relation: RelationName): string {
    return this.quoteRelation(relation);
  }

  insertFrom(target: RelationName, staging: RelationName, columns: readonly string[]): string {
    const list = columns.map((c) => this.quoteIdentifier(c)).join(', ');
    return `insert into ${this.quoteRelation(target)} (${list})\nselect ${list} from ${this.quoteRelation(staging)}`;
  }

  addColumn(target: RelationName, column: ColumnDescription): string {
    return `alter table ${this.quoteRelation(target)} add column ${this.quoteIdentifier(column.name)} ${column.type}`;
  }

  analyze(_relation: RelationName): string | undefined {
    return undefined;
  }

  /** DuckDB admits one writing process; Redshift's serializable isolation fails the second merge instead. */
  lockForMerge(_relation: RelationName): string | undefined {
    return undefined;
  }

  countRows(sql: string): string {
    return `select count(*) as sqlkit_count from (\n${sql}\n) as sqlkit_counted`;
  }

  limit(sql: string, limit: number): string {
    return `select * from (\n${sql}\n) as sqlkit_limited limit ${Math.max(0, Math.floor(limit))}`;
  }
}

/**
 * Replaces the bare words sqlkit_dest and sqlkit_new with the relations they stand for, outside string literals
 * and quoted identifiers, so a predicate can name both tables on every engine (Redshift's DELETE takes no alias).
 */
export function bindRelationPlaceholders(sql: string, names: { sqlkit_dest: string; sqlkit_new: string }): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\bsqlkit_(dest|new)\b/gi, (match, which: string | undefined) =>
    which ? (which.toLowerCase() === 'dest' ? names.sqlkit_dest : names.sqlkit_new) : match,
  );
}
