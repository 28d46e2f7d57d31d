import type pg from 'pg';
import { SqlError } from '../sql/sql-error.js';
import type { RelationName } from '../sql/statement-plan.js';
import { formatName, quoteIdent, quoteLiteral } from '../sql/tokens.js';

/*
 * PostgreSQL views bind to table OIDs, Redshift's late-binding views to names. The registry keeps each view's SQL;
 * DDL on a relation drops the registered views depending on it first and re-creates every missing or unresolved
 * one after, in the same transaction, so a swap (rename old away, rename new in, drop old) leaves the view reading
 * the new table. A view whose relations are missing becomes a placeholder that fails when queried, as in Redshift.
 */

interface RegistryRow {
  schema_name: string;
  view_name: string;
  column_list: string | null;
  definition: string;
  resolved: boolean;
  /** The columns it had when last resolved: an unresolved placeholder keeps them, so SELECT col fails the right way. */
  columns: Array<{ name: string; type: string }> | null;
  present: boolean;
  schema_exists: boolean;
}

const DEPENDENT_VIEWS_SQL = `
WITH RECURSIVE targets AS (
  SELECT to_regclass(t)::oid AS oid FROM unnest($1::text[]) AS t
  UNION
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($2::text[])
), deps(oid, depth) AS (
  SELECT r.ev_class, 1
    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
   WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
     AND d.refobjid IN (SELECT oid FROM targets WHERE oid IS NOT NULL) AND r.ev_class <> d.refobjid
  UNION ALL
  SELECT r.ev_class, deps.depth + 1
    FROM deps JOIN pg_depend d ON d.refobjid = deps.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid
   WHERE r.ev_class <> d.refobjid AND deps.depth < 32
)
SELECT n.nspname AS schema_name, c.relname AS view_name, max(deps.depth) AS depth
  FROM deps
  JOIN pg_class c ON c.oid = deps.oid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN rs_compat.late_binding_views v ON v.schema_name = n.nspname AND v.view_name = c.relname
 GROUP BY 1, 2
 ORDER BY 3 DESC`;

async function hasRegisteredViews(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM rs_compat.late_binding_views LIMIT 1');
  return rows.length > 0;
}

/** Drops the registered late-binding views that depend on the relations a DDL statement is about to change. */
export async function dropDependentViews(client: pg.ClientBase, targets: readonly RelationName[], schemas: readonly string[]): Promise<void> {
  if (!(await hasRegisteredViews(client))) return;
  const { rows } = await client.query<{ schema_name: string; view_name: string }>(DEPENDENT_VIEWS_SQL, [targets.map(formatName), schemas]);
  for (const row of rows) await client.query(`DROP VIEW IF EXISTS ${formatName({ schema: row.schema_name, name: row.view_name })}`);
}

function registryKey(row: RegistryRow): string {
  return `schema_name = ${quoteLiteral(row.schema_name)} AND view_name = ${quoteLiteral(row.view_name)}`;
}

async function trySavepoint(client: pg.ClientBase, statements: string[]): Promise<boolean> {
  await client.query('SAVEPOINT rs_late_binding');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('RELEASE SAVEPOINT rs_late_binding');
    return true;
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT rs_late_binding');
    await client.query('RELEASE SAVEPOINT rs_late_binding');
    return false;
  }
}

/** Re-creates every registered view that is missing or unresolved, retrying while any succeeds (views over views). */
export async function recreateViews(client: pg.ClientBase): Promise<void> {
  if (!(await hasRegisteredViews(client))) return;
  const { rows } = await client.query<RegistryRow>(`
    SELECT v.*, to_regclass(quote_ident(v.schema_name) || '.' || quote_ident(v.view_name)) IS NOT NULL AS present,
           EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = v.schema_name) AS schema_exists
      FROM rs_compat.late_binding_views v ORDER BY v.schema_name, v.view_name`);
  for (const row of rows.filter((r) => !r.schema_exists)) {
    await client.query('DELETE FROM rs_compat.late_binding_views WHERE schema_name = $1 AND view_name = $2', [row.schema_name, row.view_name]);
  }
  let pending = rows.filter((r) => r.schema_exists && (!r.present || !r.resolved));
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const remaining: RegistryRow[] = [];
    for (const row of pending) {
      const name = formatName({ schema: row.schema_name, name: row.view_name });
      const created = await trySavepoint(client, [
        `DROP VIEW IF EXISTS ${name}`,
        `CREATE VIEW ${name}${row.column_list ? ` ${row.column_list}` : ''} AS ${row.definition}`,
        `UPDATE rs_compat.late_binding_views SET resolved = true, columns = (
           SELECT jsonb_agg(jsonb_build_object('name', attname, 'type', format_type(atttypid, atttypmod)) ORDER BY attnum)
             FROM pg_attribute WHERE attrelid = '${name.replace(/'/g, "''")}'::regclass AND attnum > 0 AND NOT attisdropped)
         WHERE ${registryKey(row)}`,
      ]);
      if (created) progress = true;
      else remaining.push(row);
    }
    pending = remaining;
  }
  for (const row of pending.filter((r) => !r.present)) {
    const name = formatName({ schema: row.schema_name, name: row.view_name });
    const label = `${row.schema_name}.${row.view_name}`.replace(/'/g, "''");
    const columns = (row.columns ?? [{ name: 'unresolved', type: 'varchar' }]).map((c) => `NULL::${c.type} AS ${quoteIdent(c.name)}`).join(', ');
    await trySavepoint(client, [
      `DROP VIEW IF EXISTS ${name}`,
      `CREATE VIEW ${name} AS SELECT ${columns} WHERE rs_compat.late_binding_view_unresolved('${label}')`,
      `UPDATE rs_compat.late_binding_views SET resolved = false WHERE ${registryKey(row)}`,
    ]);
  }
}

async function relationKind(client: pg.ClientBase, name: RelationName): Promise<{ schema: string; kind: string } | undefined> {
  const { rows } = await client.query<{ schema: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
    [formatName(name)],
  );
  return rows[0];
}

async function isRegistered(client: pg.ClientBase, schema: string, name: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM rs_compat.late_binding_views WHERE schema_name = $1 AND view_name = $2', [schema, name]);
  return rows.length > 0;
}

/** CREATE [OR REPLACE] VIEW … WITH NO SCHEMA BINDING: records the view; recreateViews builds it. */
export async function registerView(
  client: pg.ClientBase,
  effect: { view: RelationName; columns: string | null; sql: string; orReplace: boolean },
): Promise<void> {
  const schema = effect.view.schema!;
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length === 0) throw new SqlError(`schema "${schema}" does not exist`);
  const existing = await relationKind(client, effect.view);
  if (existing && !effect.orReplace) throw new SqlError(`relation "${effect.view.name}" already exists`);
  if (existing && existing.kind !== 'v') throw new SqlError(`"${effect.view.name}" is not a view`);
  if (existing) await client.query(`DROP VIEW ${formatName(effect.view)}`);
  await client.query(
    `INSERT INTO rs_compat.late_binding_views (schema_name, view_name, column_list, definition, resolved) VALUES ($1, $2, $3, $4, false)
     ON CONFLICT (schema_name, view_name) DO UPDATE SET column_list = EXCLUDED.column_list, definition = EXCLUDED.definition, resolved = false, columns = NULL`,
    [schema, effect.view.name, effect.columns, effect.sql],
  );
}

/** DROP VIEW: forgets registered views (PostgreSQL then drops the view or its placeholder). */
export async function unregisterViews(client: pg.ClientBase, views: readonly RelationName[]): Promise<void> {
  for (const view of views) {
    const schema = view.schema ?? (await relationKind(client, view))?.schema;
    if (schema === undefined) continue;
    await client.query('DELETE FROM rs_compat.late_binding_views WHERE schema_name = $1 AND view_name = $2', [schema, view.name]);
  }
}

/** ALTER … RENAME of a registered view renames the registry entry; returns false when `from` is not one. */
export async function renameRegisteredView(client: pg.ClientBase, from: RelationName, to: string): Promise<boolean> {
  const found = await relationKind(client, from);
  const schema = from.schema ?? found?.schema;
  if (schema === undefined || !(await isRegistered(client, schema, from.name))) return false;
  if (found) await client.query(`DROP VIEW ${formatName({ schema, name: from.name })}`);
  await client.query('UPDATE rs_compat.late_binding_views SET view_name = $3, resolved = false WHERE schema_name = $1 AND view_name = $2', [
    schema,
    from.name,
    to,
  ]);
  return true;
}
