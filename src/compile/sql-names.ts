import type { RelationName } from './manifest.js';

/** Double-quoted identifier: the one quoting DuckDB, PostgreSQL and Redshift share. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteRelation(relation: RelationName): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}

/** The SQL text a model's body reduces to once comments and whitespace are removed; empty means no query. */
export function stripSqlComments(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .trim();
}

/**
 * Removes trailing semicolons and whitespace; users often end a model with `;`. Comments after the last `;`
 * go too: once the query is wrapped (an ephemeral CTE, a test's count) they would leave a `;` inside it.
 */
export function trimStatement(sql: string): string {
  const end = sql.lastIndexOf(';');
  const body = end !== -1 && stripSqlComments(sql.slice(end + 1)) === '' ? sql.slice(0, end) : sql;
  return body.replace(/[\s;]+$/, '');
}
