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
  let length = body.length;
  while (length > 0 && isTrailing(body.charCodeAt(length - 1))) length--;
  return length === body.length ? body : body.slice(0, length);
}

/** Whitespace or `;`, as /[\s;]/ matches them, without a regex anchored at the end (a scan from every position). */
function isTrailing(code: number): boolean {
  return code === 59 || code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029 || (code >= 0x2000 && code <= 0x200a) || code === 0x1680 || code === 0x202f || code === 0x205f || code === 0x3000;
}
