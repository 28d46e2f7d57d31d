import type { ManifestNode } from './manifest.js';
import { isModel } from './manifest.js';
import type { PlaceholderTable } from './placeholders.js';
import { quoteIdentifier, quoteRelation, trimStatement } from './sql-names.js';

export const EPHEMERAL_PREFIX = '__sqlkit_cte__';

/**
 * Replaces relation placeholders with quoted relation names, and inlines ephemeral models as CTEs at the top of
 * the query (merged into the query's own WITH when it has one), every ephemeral model it reaches, each once,
 * dependencies first.
 *
 * Each ephemeral body is resolved once; what a query needs is found by an iterative walk and ordered by the
 * graph's topological order, so long chains of ephemeral models neither overflow the stack nor cost quadratic time.
 */
export function createSqlResolver(nodes: Map<string, ManifestNode>, placeholders: PlaceholderTable, renderedSql: Map<string, string>, order: readonly string[]) {
  const ephemeralIds = new Set<string>();
  for (const [id, node] of nodes) if (isModel(node) && node.config.materialized === 'ephemeral') ephemeralIds.add(id);
  const isEphemeral = (id: string) => ephemeralIds.has(id);
  const cteName = (id: string) => quoteIdentifier(EPHEMERAL_PREFIX + nodes.get(id)!.name);
  const relations = new Map<string, string>();
  const relationFor = (id: string) => {
    let relation = relations.get(id);
    if (relation === undefined) {
      const node = nodes.get(id);
      relation = isEphemeral(id) ? cteName(id) : node && 'relation' in node ? quoteRelation(node.relation) : id;
      relations.set(id, relation);
    }
    return relation;
  };
  const position = new Map(order.map((id, i) => [id, i]));
  const ephemerals = new Map<string, { body: string; uses: string[] }>();
  for (const id of order) {
    if (!isEphemeral(id)) continue;
    const sql = trimStatement(renderedSql.get(id) ?? '');
    ephemerals.set(id, { body: trimStatement(placeholders.resolve(sql, relationFor)), uses: placeholders.referencedIn(sql).filter(isEphemeral) });
  }
  const needsOf = (sql: string): string[] => {
    if (ephemeralIds.size === 0) return [];
    const stack = placeholders.referencedIn(sql).filter(isEphemeral);
    const reached = new Set<string>();
    while (stack.length) {
      const id = stack.pop()!;
      if (reached.has(id)) continue;
      reached.add(id);
      stack.push(...(ephemerals.get(id)?.uses ?? []));
    }
    return [...reached].sort((a, b) => position.get(a)! - position.get(b)!);
  };
  const withCtes = (sql: string): string => {
    const body = trimStatement(placeholders.resolve(sql, relationFor));
    const needs = needsOf(sql);
    return needs.length === 0 ? body : injectCtes(body, needs.map((id) => `${cteName(id)} as (\n${ephemerals.get(id)!.body}\n)`));
  };
  return {
    /** A node's SQL ready to run: relations resolved, ephemeral models it reaches inlined. */
    resolve: withCtes,
    /** An ephemeral model's own body, as inlined into the models that use it. */
    ephemeralBody: (id: string) => ephemerals.get(id)?.body,
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
