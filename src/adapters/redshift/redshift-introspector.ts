import type { RelationName } from '../../compile/index.js';
import { sqlStringLiteral } from '../base-dialect.js';
import { PostgresIntrospector } from '../postgres/postgres-introspector.js';
import type { Session } from '../types.js';

/**
 * Redshift's regular views depend on the tables they read, as in PostgreSQL, but recursive CTEs there need
 * UNION ALL and forbid DISTINCT; dependents are walked level by level instead, one query per level.
 * Late-binding views have no dependencies and are never returned.
 */
export class RedshiftIntrospector extends PostgresIntrospector {
  override async dependentViews(session: Session, relation: RelationName): Promise<{ relation: RelationName; sql: string }[]> {
    const found = new Map<string, { relation: RelationName; sql: string; depth: number }>();
    let frontier = [relation];
    for (let depth = 1; frontier.length && depth <= 20; depth++) {
      const conditions = frontier.map((r) => `(rn.nspname = ${sqlStringLiteral(r.schema)} and rc.relname = ${sqlStringLiteral(r.identifier)})`).join(' or ');
      const result = await session.execute(`select distinct vn.nspname, vc.relname, pg_catalog.pg_get_viewdef(vc.oid, true)
from pg_catalog.pg_depend d
join pg_catalog.pg_rewrite r on r.oid = d.objid
join pg_catalog.pg_class vc on vc.oid = r.ev_class
join pg_catalog.pg_namespace vn on vn.oid = vc.relnamespace
join pg_catalog.pg_class rc on rc.oid = d.refobjid
join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
where vc.relkind = 'v' and vc.oid <> rc.oid and (${conditions})`);
      frontier = [];
      for (const [schema, identifier, sql] of result.rows) {
        const key = `${schema}.${identifier}`;
        const view = { relation: { schema: String(schema), identifier: String(identifier) }, sql: String(sql).replace(/;\s*$/, ''), depth };
        if (!found.has(key)) frontier.push(view.relation);
        found.set(key, view);
      }
    }
    return [...found.values()].sort((a, b) => a.depth - b.depth).map(({ relation: r, sql }) => ({ relation: r, sql }));
  }
}
