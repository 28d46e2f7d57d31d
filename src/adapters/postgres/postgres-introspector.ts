import type { RelationName } from '../../compile/index.js';
import { sqlStringLiteral } from '../base-dialect.js';
import type { ColumnDescription, Introspector, Relation, Session } from '../types.js';
import { POSTGRES_TEMPORARY_SCHEMA } from './postgres-dialect.js';

/** Reads pg_catalog (no array parameters, so Redshift can reuse these queries). */
export class PostgresIntrospector implements Introspector {
  async listRelations(session: Session, schemas: readonly string[]): Promise<Relation[]> {
    if (schemas.length === 0) return [];
    const result = await session.execute(
      `select n.nspname, c.relname, c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname in (${schemas.map(sqlStringLiteral).join(', ')}) and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
    );
    return result.rows.map(([schema, identifier, kind]) => ({ schema: String(schema), identifier: String(identifier), type: kind === 'v' || kind === 'm' ? 'view' : 'table' }));
  }

  async listColumns(session: Session, relation: RelationName): Promise<ColumnDescription[]> {
    const result = await session.execute(
      `select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace where ${relation.schema === POSTGRES_TEMPORARY_SCHEMA ? 'n.oid = pg_catalog.pg_my_temp_schema()' : `n.nspname = ${sqlStringLiteral(relation.schema)}`} and c.relname = ${sqlStringLiteral(relation.identifier)} and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    );
    return result.rows.map(([name, type]) => ({ name: String(name), type: String(type) }));
  }

  /** Views bind to a table's OID in PostgreSQL, so those reading a table must be rebuilt when it is swapped. */
  async dependentViews(session: Session, relation: RelationName): Promise<{ relation: RelationName; sql: string }[]> {
    const target = `${sqlStringLiteral(`"${relation.schema.replace(/"/g, '""')}"."${relation.identifier.replace(/"/g, '""')}"`)}::regclass`;
    const result = await session.execute(`with recursive dependents(oid, depth) as (
  select distinct r.ev_class, 1
  from pg_catalog.pg_depend d join pg_catalog.pg_rewrite r on r.oid = d.objid
  where d.refobjid = ${target} and d.classid = 'pg_catalog.pg_rewrite'::regclass and r.ev_class <> ${target}
  union
  select distinct r.ev_class, dependents.depth + 1
  from dependents join pg_catalog.pg_depend d on d.refobjid = dependents.oid
  join pg_catalog.pg_rewrite r on r.oid = d.objid
  where d.classid = 'pg_catalog.pg_rewrite'::regclass and r.ev_class <> dependents.oid and dependents.depth < 50
)
select n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid, true), max(dependents.depth) as depth
from dependents join pg_catalog.pg_class c on c.oid = dependents.oid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'v'
group by n.nspname, c.relname, c.oid
order by depth, n.nspname, c.relname`);
    return result.rows.map(([schema, identifier, sql]) => ({ relation: { schema: String(schema), identifier: String(identifier) }, sql: String(sql).replace(/;\s*$/, '') }));
  }
}
