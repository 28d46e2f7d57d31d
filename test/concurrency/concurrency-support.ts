import pg from 'pg';
import type { EngineContext } from '../support/engine-harness.js';
import type { PostgresConnectionInfo } from '../support/postgres-server.js';
import { writeProject } from '../support/temp-project.js';

const NUMBERS = 100_000;

/** Expected contents, from arithmetic rather than from another run. */
const EXPECTED = {
  numbers: { n: NUMBERS, total: (NUMBERS * (NUMBERS - 1)) / 2 },
  squares: { n: NUMBERS, total: ((NUMBERS - 1) * NUMBERS * (2 * NUMBERS - 1)) / 6 },
  buckets: { n: 97, total: (NUMBERS * (NUMBERS - 1)) / 2 },
  thirds: { n: Math.ceil(NUMBERS / 3), total: 3 * ((Math.ceil(NUMBERS / 3) - 1) * Math.ceil(NUMBERS / 3)) / 2 },
  inc_doubled: { n: NUMBERS, total: NUMBERS * (NUMBERS - 1) },
  inc_squares: { n: NUMBERS, total: ((NUMBERS - 1) * NUMBERS * (2 * NUMBERS - 1)) / 6 },
} as const;

/** The column whose sum each model is checked by. */
const CHECKED_COLUMN: Record<keyof typeof EXPECTED, string> = {
  numbers: 'id',
  squares: 'sq',
  buckets: 'total',
  thirds: 'id',
  inc_doubled: 'doubled',
  inc_squares: 'sq',
};

/**
 * Four tables and two incremental models over 100,000 generated rows, in SQL every engine runs. The incremental
 * models add only ids above their current maximum, so a run after the first merges an empty staging table. (Two
 * merges of the same new keys at once are merge-race.test.ts's subject.)
 */
export function concurrencyProject(ctx: EngineContext, schema: string, targetExtra = ''): string {
  const digits = Array.from({ length: 10 }, (_, d) => `select ${d} as d`).join(' union all ');
  return writeProject({
    'project.yml': `name: conc
models:
  +materialized: table
targets:
  dev:
${ctx.targetYaml('')}    schema: ${schema}
${targetExtra}`,
    'models/digits.sql': `{{ config(materialized='ephemeral') }}\n${digits}`,
    'models/numbers.sql': `select a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d as id
from {{ ref('digits') }} a cross join {{ ref('digits') }} b cross join {{ ref('digits') }} c
cross join {{ ref('digits') }} e cross join {{ ref('digits') }} f`,
    'models/squares.sql': `select id, cast(id as bigint) * id as sq from {{ ref('numbers') }}`,
    'models/buckets.sql': `select id % 97 as bucket, count(*) as n, sum(cast(id as bigint)) as total from {{ ref('numbers') }} group by id % 97`,
    'models/thirds.sql': `select n.id, s.sq from {{ ref('numbers') }} n join {{ ref('squares') }} s on s.id = n.id where n.id % 3 = 0`,
    'models/inc_doubled.sql': `{{ config(materialized='incremental', unique_key='id') }}
select id, cast(id as bigint) * 2 as doubled from {{ ref('numbers') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`,
    'models/inc_squares.sql': `{{ config(materialized='incremental', unique_key='id') }}
select id, sq from {{ ref('squares') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`,
  });
}

/** Row count and column sum of every model, compared with EXPECTED; also that ids are unique where they should be. */
export async function checkTables(ctx: EngineContext, dir: string, schema: string): Promise<Record<string, { n: number; total: number; distinctIds?: number }>> {
  const found: Record<string, { n: number; total: number; distinctIds?: number }> = {};
  for (const [name, column] of Object.entries(CHECKED_COLUMN)) {
    const hasId = name !== 'buckets';
    const [row] = await ctx.query(`select count(*) as n, sum(${column}) as total${hasId ? ', count(distinct id) as ids' : ''} from ${schema}.${name}`, dir);
    found[name] = { n: Number(row!.n), total: Number(row!.total), ...(hasId ? { distinctIds: Number(row!.ids) } : {}) };
  }
  return found;
}

export function expectedTables(): Record<string, { n: number; total: number; distinctIds?: number }> {
  return Object.fromEntries(Object.entries(EXPECTED).map(([name, e]) => [name, { ...e, ...(name === 'buckets' ? {} : { distinctIds: e.n }) }]));
}

/** Every relation whose name marks it temporary (`__sqlkit_`), as `schema.name`, sorted. */
export async function temporaryRelations(ctx: EngineContext, dir: string): Promise<string[]> {
  const rows = await ctx.query(
    "select n.nspname || '.' || c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relname like '%\\_\\_sqlkit\\_%' escape '\\' order by 1",
    dir,
  );
  return rows.map((r) => String(r.name));
}

/**
 * The PostgreSQL database behind a PostgreSQL or Redshift (stand-in) context, for a test that must hold a lock or a
 * transaction open on its own connection while sqlkit runs.
 */
export function backingDatabase(ctx: EngineContext, postgres: PostgresConnectionInfo): PostgresConnectionInfo {
  const yaml = ctx.targetYaml('');
  if (ctx.engine === 'postgres') return { ...postgres, database: field(yaml, 'database') };
  if (ctx.engine === 'redshift') return ctx.standin!.pgConnectionFor(field(yaml, 'cluster_identifier'), field(yaml, 'database'));
  throw new Error(`no PostgreSQL database behind ${ctx.engine}`);
}

function field(yaml: string, key: string): string {
  const value = new RegExp(`^\\s*${key}: (\\S+)$`, 'm').exec(yaml)?.[1];
  if (!value) throw new Error(`the test target has no ${key}:\n${yaml}`);
  return value;
}

export async function connect(info: PostgresConnectionInfo): Promise<pg.Client> {
  const client = new pg.Client(info);
  await client.connect();
  return client;
}

/**
 * Backends running a statement containing `text` and waiting for a lock. Asked on a connection of its own: inside a
 * transaction, pg_stat_activity keeps showing what it showed first.
 */
export async function waitingOnLock(ctx: EngineContext, dir: string, text: string): Promise<number> {
  const rows = await ctx.query(
    `select count(*)::int as n from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database() and wait_event_type = 'Lock' and position('${text.replace(/'/g, "''")}' in query) > 0`,
    dir,
  );
  return Number(rows[0]!.n);
}
