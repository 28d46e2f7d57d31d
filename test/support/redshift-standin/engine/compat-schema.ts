import type pg from 'pg';
import { quoteIdent } from '../sql/tokens.js';

/** rs_compat: Redshift system tables, registries and functions PostgreSQL lacks (spec §3.1). */
const COMPAT_SQL = String.raw`
CREATE SCHEMA rs_compat;

CREATE TABLE rs_compat.stl_load_errors (
  userid integer, slice integer, tbl integer, starttime timestamp, session integer, query integer,
  filename char(256), line_number bigint, colname char(127), type char(10), col_length char(10), position integer,
  raw_line char(1024), raw_field_value char(1024), err_code integer, err_reason char(100)
);

CREATE TABLE rs_compat.table_attributes (
  table_oid oid PRIMARY KEY,
  diststyle text NOT NULL,
  distkey text,
  sortkey_style text NOT NULL,
  sortkey text[] NOT NULL DEFAULT '{}',
  encode_auto boolean NOT NULL,
  column_encodings jsonb NOT NULL DEFAULT '{}',
  backup boolean NOT NULL,
  constraints jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE rs_compat.late_binding_views (
  schema_name text NOT NULL,
  view_name text NOT NULL,
  column_list text,
  definition text NOT NULL,
  resolved boolean NOT NULL DEFAULT false,
  columns jsonb,
  PRIMARY KEY (schema_name, view_name)
);

CREATE FUNCTION rs_compat.getdate() RETURNS timestamp LANGUAGE sql STABLE
  AS $$ SELECT date_trunc('second', statement_timestamp())::timestamp $$;

CREATE FUNCTION rs_compat.convert_timezone(target text, ts timestamp) RETURNS timestamp LANGUAGE sql STABLE
  AS $$ SELECT (ts AT TIME ZONE 'UTC') AT TIME ZONE target $$;

CREATE FUNCTION rs_compat.convert_timezone(source text, target text, ts timestamp) RETURNS timestamp LANGUAGE sql STABLE
  AS $$ SELECT (ts AT TIME ZONE source) AT TIME ZONE target $$;

CREATE FUNCTION rs_compat.dateadd(part text, n bigint, ts timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE lower(part) WHEN 'quarter' THEN ts + make_interval(months => (n * 3)::int)
                                ELSE ts + n * ('1 ' || lower(part))::interval END $$;

CREATE FUNCTION rs_compat.datediff(part text, a timestamp, b timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE
  AS $$ SELECT (CASE lower(part)
    WHEN 'year' THEN extract(year FROM b) - extract(year FROM a)
    WHEN 'quarter' THEN (extract(year FROM b) * 4 + extract(quarter FROM b)) - (extract(year FROM a) * 4 + extract(quarter FROM a))
    WHEN 'month' THEN (extract(year FROM b) * 12 + extract(month FROM b)) - (extract(year FROM a) * 12 + extract(month FROM a))
    WHEN 'week' THEN (date_trunc('week', b)::date - date_trunc('week', a)::date) / 7
    WHEN 'day' THEN b::date - a::date
    WHEN 'hour' THEN floor(extract(epoch FROM date_trunc('hour', b) - date_trunc('hour', a)) / 3600)
    WHEN 'minute' THEN floor(extract(epoch FROM date_trunc('minute', b) - date_trunc('minute', a)) / 60)
    WHEN 'second' THEN floor(extract(epoch FROM date_trunc('second', b) - date_trunc('second', a)))
    WHEN 'milliseconds' THEN floor(extract(epoch FROM date_trunc('milliseconds', b) - date_trunc('milliseconds', a)) * 1000)
    WHEN 'microseconds' THEN floor(extract(epoch FROM b - a) * 1000000)
  END)::bigint $$;

CREATE FUNCTION rs_compat.len(value text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT length(value) $$;

CREATE FUNCTION rs_compat.charindex(needle text, haystack text) RETURNS integer LANGUAGE sql IMMUTABLE
  AS $$ SELECT strpos(haystack, needle) $$;

CREATE FUNCTION rs_compat.months_between(a date, b date) RETURNS double precision LANGUAGE sql IMMUTABLE
  AS $$ SELECT ((extract(year FROM a) - extract(year FROM b)) * 12 + extract(month FROM a) - extract(month FROM b)
               + (extract(day FROM a) - extract(day FROM b)) / 31.0)::double precision $$;

CREATE FUNCTION rs_compat.json_parse(value text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$ SELECT value::jsonb $$;

CREATE FUNCTION rs_compat.json_serialize(value jsonb) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$ SELECT value::text $$;

CREATE FUNCTION rs_compat.is_valid_json(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN PERFORM value::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$;

CREATE FUNCTION rs_compat.json_extract_path_text(value text, VARIADIC path text[]) RETURNS varchar LANGUAGE sql IMMUTABLE
  AS $$ SELECT pg_catalog.json_extract_path_text(value::json, VARIADIC path) $$;

CREATE FUNCTION rs_compat.pg_last_copy_id() RETURNS integer LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('rs_compat.last_copy_id', true), ''), '-1')::integer $$;

CREATE FUNCTION rs_compat.pg_last_copy_count() RETURNS bigint LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('rs_compat.last_copy_count', true), ''), '0')::bigint $$;

CREATE FUNCTION rs_compat.late_binding_view_unresolved(view_name text) RETURNS boolean LANGUAGE plpgsql VOLATILE
  AS $$ BEGIN RAISE EXCEPTION 'late binding view % references a relation that does not exist', view_name USING ERRCODE = '42P01'; END $$;

CREATE FUNCTION rs_compat.pg_get_late_binding_view_cols() RETURNS SETOF record LANGUAGE sql STABLE
  AS $$ SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)::varchar, a.attnum::integer
          FROM rs_compat.late_binding_views v
          JOIN pg_namespace n ON n.nspname = v.schema_name
          JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = v.view_name
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE v.resolved
         ORDER BY 1, 2, 5 $$;

CREATE VIEW rs_compat.pg_table_def AS
  SELECT n.nspname AS schemaname, c.relname AS tablename, a.attname AS "column",
         format_type(a.atttypid, a.atttypmod) AS type,
         coalesce(lower(ta.column_encodings ->> a.attname), 'none') AS encoding,
         coalesce(ta.distkey = a.attname, false) AS distkey,
         coalesce(array_position(ta.sortkey, a.attname::text), 0) AS sortkey,
         a.attnotnull AS notnull
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN rs_compat.table_attributes ta ON ta.table_oid = c.oid
   WHERE c.relkind IN ('r', 'v', 'm') AND pg_table_is_visible(c.oid)
     AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'rs_compat');

CREATE VIEW rs_compat.svv_table_info AS
  SELECT current_database() AS database, n.nspname AS schema, c.oid::integer AS table_id, c.relname AS "table",
         CASE WHEN ta.encode_auto THEN 'Y, AUTO(ENCODE)' ELSE 'Y' END AS encoded,
         CASE WHEN ta.diststyle = 'KEY' THEN 'KEY(' || ta.distkey || ')' ELSE coalesce(ta.diststyle, 'AUTO') END AS diststyle,
         ta.sortkey[1] AS sortkey1, coalesce(cardinality(ta.sortkey), 0) AS sortkey_num,
         c.reltuples::bigint AS tbl_rows
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN rs_compat.table_attributes ta ON ta.table_oid = c.oid
   WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'rs_compat') AND n.nspname NOT LIKE 'pg_toast%';
`;

const CASE_INSENSITIVE_COLLATION = `CREATE COLLATION rs_compat.case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`;

/** Installs rs_compat and the Redshift session defaults into a freshly created database. */
export async function installCompatSchema(client: pg.ClientBase, database: string, isolation: string): Promise<void> {
  await client.query(COMPAT_SQL);
  // PostgreSQL without ICU cannot make the collation; COLLATE CASE_INSENSITIVE then fails at CREATE TABLE.
  await client.query(CASE_INSENSITIVE_COLLATION).catch(() => undefined);
  const db = quoteIdent(database);
  // Database-level defaults survive the DISCARD ALL run between Data API sessions.
  await client.query(`ALTER DATABASE ${db} SET search_path = "$user", public, rs_compat`);
  await client.query(`ALTER DATABASE ${db} SET "TimeZone" = 'UTC'`);
  await client.query(`ALTER DATABASE ${db} SET "DateStyle" = 'ISO, MDY'`);
  await client.query(`ALTER DATABASE ${db} SET default_transaction_isolation = '${isolation}'`);
}
