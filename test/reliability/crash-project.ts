import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import type { EngineContext } from '../support/engine-harness.js';
import { writeProject } from '../support/temp-project.js';

export const CRASH_SCHEMA = 'crash';

/** Rows per generated table: enough that every build takes a noticeable time on each engine. */
export const CRASH_ROWS = { duckdb: 500_000, postgres: 200_000 } as const;
export const LOG_ROWS_PER_RUN = 1000;
/** Small tables read from `base`: their builds are short, so their swaps fill a good share of a run. */
export const FANOUT = 8;
const PARTS = Array.from({ length: FANOUT }, (_, k) => `part_${k}`);
export const CRASH_TABLES = ['base', 'doubled', 'summary', 'joined', 'events', 'log', ...PARTS];
export const CRASH_VIEWS = ['base_head'] as const;

/**
 * A project whose every relation changes with `var('v')`, so each run writes a new version of every table:
 * tables built from `range()` / `generate_series` (`base` feeding the rest, some big, some small), a view over
 * `base` (rebuilt inside its swap on PostgreSQL), an incremental delete+insert model replacing a quarter of its rows per run, and
 * an incremental append model that appends each version once (its filter makes a repeated run a no-op).
 */
export function writeCrashProject(ctx: EngineContext, rows: number): string {
  return writeProject({
    'project.yml': `name: crash
models:
  +materialized: table
targets:
  dev:
${ctx.targetYaml('')}    schema: ${CRASH_SCHEMA}
`,
    'macros/series.sql': `{% macro duckdb__series(n) %}range(0, {{ n }}) as t(i){% endmacro %}
{% macro postgres__series(n) %}generate_series(0, {{ n }} - 1) as t(i){% endmacro %}
`,
    'models/base.sql': `select i as id, (i * {{ var('v') }}) % 1000003 as val, md5(cast(i * {{ var('v') }} as varchar)) as payload
from {{ series(${rows}) }}`,
    'models/doubled.sql': "select id, val * 2 as val2, payload from {{ ref('base') }} where id % 2 = 0",
    'models/summary.sql': "select val % 1000 as bucket, count(*) as n, sum(val) as total, max(payload) as top from {{ ref('base') }} group by val % 1000",
    'models/joined.sql': "select a.id, a.val + b.val2 as val, b.payload from {{ ref('base') }} as a join {{ ref('doubled') }} as b on a.id = b.id",
    ...Object.fromEntries(PARTS.map((name, k) => [`models/${name}.sql`, `select id, val from {{ ref('base') }} where id < 20000 and id % ${FANOUT} = ${k}`])),
    'models/base_head.sql': "{{ config(materialized='view') }}\nselect id, val from {{ ref('base') }} where id < 1000",
    'models/events.sql': `{{ config(materialized='incremental', unique_key='id') }}
select i as id, {{ var('v') }} as version, md5(cast(i + {{ var('v') }} as varchar)) as payload
from {{ series(${rows}) }}
{% if is_incremental() %}where i % 4 = {{ var('v') }} % 4{% endif %}`,
    'models/log.sql': `{{ config(materialized='incremental') }}
select i as id, {{ var('v') }} as version from {{ series(${LOG_ROWS_PER_RUN}) }}
{% if is_incremental() %}where not exists (select 1 from {{ this }} as done where done.version = {{ var('v') }}){% endif %}`,
  });
}

/**
 * One read-only connection for a batch of checks (opening a DuckDB file replays its WAL, so once per batch, not
 * per query). DuckDB's file lock means it must be closed before sqlkit runs again.
 */
export interface Reader {
  /** Rows of a query; values as text. */
  query(sql: string): Promise<Record<string, string | null>[]>;
  /** Row count and an order-independent checksum of every row of a relation, or `missing`. */
  checksum(relation: string): Promise<string>;
  /** The same for what a query selects now (e.g. a model's compiled SQL: what its table must hold after a run). */
  queryChecksum(sql: string): Promise<string>;
  /** Relations named like sqlkit's temporary ones, in any schema. */
  temporaryRelations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function withReader<T>(ctx: EngineContext, dir: string, connection: pg.ClientConfig | undefined, use: (reader: Reader) => Promise<T>): Promise<T> {
  const reader = await openReader(ctx, dir, connection);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}

async function openReader(ctx: EngineContext, dir: string, connection: pg.ClientConfig | undefined): Promise<Reader> {
  let query: Reader['query'];
  let close: () => Promise<void>;
  if (ctx.engine === 'duckdb') {
    const instance = await DuckDBInstance.create(join(dir, 'target', 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    query = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));
    close = async () => {
      conn.closeSync();
      instance.closeSync();
    };
  } else {
    const client = new pg.Client({ ...connection, types: { getTypeParser: () => (value: string) => value } });
    await client.connect();
    query = async (sql) => (await client.query(sql)).rows as Record<string, string | null>[];
    close = () => client.end();
  }
  const hashOf = (from: string) =>
    ctx.engine === 'duckdb'
      ? `select count(*)::varchar || ':' || coalesce(sum(hash(t)), 0)::varchar as c from ${from} as t`
      : `select count(*)::text || ':' || coalesce(sum(hashtext(t::text)::bigint), 0)::text as c from ${from} as t`;
  return {
    query,
    async checksum(relation) {
      try {
        return String((await query(hashOf(`${CRASH_SCHEMA}.${relation}`)))[0]!.c);
      } catch (error) {
        if (/does not exist/i.test((error as Error).message)) return 'missing';
        throw error;
      }
    },
    queryChecksum: async (sql) => String((await query(hashOf(`(${sql})`)))[0]!.c),
    async temporaryRelations() {
      const sql =
        ctx.engine === 'duckdb'
          ? "select table_schema || '.' || table_name as name from information_schema.tables where table_name like '%\\_\\_sqlkit\\_%' escape '\\' order by 1"
          : "select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname like '%\\_\\_sqlkit\\_%' order by 1";
      return (await query(sql)).map((r) => String(r.name));
    },
    close,
  };
}

/** A small seeded PRNG (mulberry32), so a failing trial can be replayed with the same kill delays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a killed run was doing, from the events it printed before the kill. */
export function killPhase(events: Record<string, unknown>[]): string {
  if (events.some((e) => e.event === 'run_finished')) return 'finished';
  const finished = new Set(events.filter((e) => e.event === 'node_finished').map((e) => (e.result as { uniqueId: string }).uniqueId));
  const running = events.filter((e) => e.event === 'node_started' && !finished.has(String(e.uniqueId)));
  if (!events.some((e) => e.event === 'run_started')) return 'starting';
  if (running.length === 0) return finished.size === 0 ? 'setup' : 'between nodes';
  const phases = running.map((node) => {
    const statements = events.filter((e) => e.event === 'statement' && e.uniqueId === node.uniqueId).map((e) => String(e.sql));
    const last = statements[statements.length - 1] ?? '';
    const name = String(node.name);
    if (/^delete from|^insert into/i.test(last) || /^drop table .*__sqlkit_incr_/i.test(last)) return `${name}: delete+insert`;
    if (/__sqlkit_incr_/.test(last)) return `${name}: incremental staging`;
    if (/^analyze/i.test(last)) return `${name}: analyze`;
    if (statements.some((sql) => /rename to/i.test(sql))) return `${name}: build+swap`;
    if (statements.length === 0) return `${name}: introspection`;
    return `${name}: ${last.split(/\s+/).slice(0, 2).join(' ')}`;
  });
  return phases.sort().join(' | ');
}
