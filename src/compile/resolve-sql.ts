import type { ManifestNode } from './manifest.js';
import { isModel } from './manifest.js';
import type { PlaceholderTable } from './placeholders.js';
import { quoteIdentifier, quoteRelation, trimStatement } from './sql-names.js';

export const EPHEMERAL_PREFIX = '__sqlkit_cte__';

/**
 * Replaces relation placeholders with quoted relation names, and inlines ephemeral models as CTEs at the top of
 * the query (merged into the query's own WITH when it has one). Ephemeral models referencing other ephemeral
 * models contribute their CTEs first, so every CTE is defined before use.
 */
export function createSqlResolver(nodes: Map<string, ManifestNode>, placeholders: PlaceholderTable, renderedSql: Map<string, string>) {
  const resolveBody = (sql: string, ctes: Map<string, string>, visiting: Set<string>): string =>
    placeholders.resolve(sql, (id) => {
      const node = nodes.get(id);
      if (isModel(node) && node.config.materialized === 'ephemeral') {
        if (!ctes.has(id) && !visiting.has(id)) {
          visiting.add(id);
          const body = resolveBody(trimStatement(renderedSql.get(id) ?? ''), ctes, visiting);
          visiting.delete(id);
          ctes.set(id, `${quoteIdentifier(EPHEMERAL_PREFIX + node.name)} as (\n${body}\n)`);
        }
        return quoteIdentifier(EPHEMERAL_PREFIX + node.name);
      }
      if (node && 'relation' in node) return quoteRelation(node.relation);
      return id;
    });

  return (sql: string): string => {
    const ctes = new Map<string, string>();
    const body = trimStatement(resolveBody(sql, ctes, new Set()));
    return ctes.size === 0 ? body : injectCtes(body, [...ctes.values()]);
  };
}

/** Puts CTE definitions in front of a query, joining an existing leading WITH [RECURSIVE]. */
export function injectCtes(sql: string, ctes: string[]): string {
  const prefixEnd = leadingTriviaEnd(sql);
  const head = sql.slice(0, prefixEnd);
  const rest = sql.slice(prefixEnd);
  const withMatch = /^with(\s+recursive)?\b/i.exec(rest);
  if (withMatch) {
    const keyword = withMatch[0];
    return `${head}${keyword} ${ctes.join(',\n')},\n${rest.slice(keyword.length).trimStart()}`;
  }
  return `${head}with ${ctes.join(',\n')}\n${rest}`;
}

/** Index just past leading whitespace and comments. */
function leadingTriviaEnd(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else return i;
  }
}
