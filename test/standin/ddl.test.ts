import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startRedshiftStandin } from '../support/redshift-standin/index.js';
import type { RedshiftStandin } from '../support/redshift-standin/index.js';
import { batch, dataApiClient, execute, executeOk, fetchAll, queryRows } from './data-api-helpers.js';

const postgres = inject('postgres');
const target = { ClusterIdentifier: 'ddl-cluster', Database: 'dev', DbUser: 'awsuser' };

describe.skipIf(!postgres)('Redshift DDL and SQL on PostgreSQL', () => {
  let standin: RedshiftStandin;
  let client: RedshiftDataClient;
  const rows = (sql: string) => queryRows(client, target, sql);
  const ok = (sql: string) => executeOk(client, target, sql);
  const errorOf = async (sql: string) => (await execute(client, target, sql)).Error;

  beforeAll(async () => {
    standin = await startRedshiftStandin({ postgres: postgres!, s3Root: '/nonexistent', clusters: [{ identifier: 'ddl-cluster' }] });
    client = dataApiClient(standin.endpoint, 1);
    await ok('CREATE SCHEMA analytics');
  });

  afterAll(() => standin?.stop());

  test('records DISTSTYLE, DISTKEY, SORTKEY, ENCODE and BACKUP, following renames', async () => {
    await ok(`CREATE TABLE analytics.songplays (
        songplay_id BIGINT IDENTITY(0, 1) ENCODE az64,
        start_time TIMESTAMP NOT NULL SORTKEY,
        user_id INT NOT NULL DISTKEY,
        song_id VARCHAR ENCODE zstd,
        notes TEXT,
        long_notes VARCHAR(MAX)
      ) BACKUP NO`);
    expect(await standin.tableAttributes('analytics', 'songplays')).toEqual({
      diststyle: 'KEY',
      distkey: 'user_id',
      sortkeyStyle: 'COMPOUND',
      sortkey: ['start_time'],
      encodeAuto: false,
      columnEncodings: { songplay_id: 'AZ64', song_id: 'ZSTD' },
      backup: false,
      constraints: [],
    });
    await ok('ALTER TABLE analytics.songplays RENAME TO plays');
    expect(await standin.tableAttributes('analytics', 'plays')).toMatchObject({ distkey: 'user_id' });
    expect(await standin.tableAttributes('analytics', 'songplays')).toBeUndefined();
    await ok('ALTER TABLE analytics.plays ALTER DISTSTYLE ALL');
    await ok('ALTER TABLE analytics.plays ALTER COMPOUND SORTKEY (user_id, start_time)');
    expect(await standin.tableAttributes('analytics', 'plays')).toMatchObject({ diststyle: 'ALL', distkey: null, sortkey: ['user_id', 'start_time'] });

    expect(
      await rows(`SELECT column_name, data_type, character_maximum_length FROM information_schema.columns
                   WHERE table_schema = 'analytics' AND table_name = 'plays' AND data_type LIKE 'character%' ORDER BY ordinal_position`),
    ).toEqual([
      ['song_id', 'character varying', 256],
      ['notes', 'character varying', 256],
      ['long_notes', 'character varying', 65535],
    ]);
  });

  test('records attributes of CTAS tables and validates them like Redshift', async () => {
    await ok(`CREATE TABLE analytics.users DISTSTYLE ALL INTERLEAVED SORTKEY (user_id, level) AS SELECT 1 AS user_id, 'free'::varchar(10) AS level`);
    expect(await standin.tableAttributes('analytics', 'users')).toMatchObject({ diststyle: 'ALL', sortkeyStyle: 'INTERLEAVED', sortkey: ['user_id', 'level'] });
    expect(await errorOf('CREATE TABLE analytics.bad1 (a INT) DISTSTYLE EVEN DISTKEY (a)')).toBe('ERROR: DISTKEY is not allowed with DISTSTYLE EVEN');
    expect(await errorOf('CREATE TABLE analytics.bad2 (a INT) DISTSTYLE KEY')).toBe('ERROR: DISTSTYLE KEY requires a DISTKEY column');
    expect(await errorOf('CREATE TABLE analytics.bad3 (a INT DISTKEY, b INT DISTKEY)')).toBe('ERROR: Only one DISTKEY column is allowed per table');
    expect(await errorOf('CREATE TABLE analytics.bad4 (a INT ENCODE snappy)')).toBe('ERROR: invalid encoding type specified for column "a"\n Position: 43');
    expect(await errorOf('CREATE TABLE analytics.bad5 SORTKEY (nope) AS SELECT 1 AS a')).toBe('ERROR: column "nope" named in SORTKEY does not exist');
    expect(await errorOf('SELECT * FROM analytics.bad5')).toMatch(/does not exist/);
  });

  test('accepts PRIMARY KEY, UNIQUE and FOREIGN KEY without enforcing them', async () => {
    await ok(`CREATE TABLE analytics.artists (
        artist_id VARCHAR(32) PRIMARY KEY, name VARCHAR(256) NOT NULL UNIQUE, label_id INT REFERENCES analytics.labels (label_id),
        CONSTRAINT artists_name_key UNIQUE (name, label_id))`);
    await ok("INSERT INTO analytics.artists VALUES ('a1', 'Same', 1), ('a1', 'Same', 1)");
    expect(await rows("SELECT count(*), count(DISTINCT artist_id) FROM analytics.artists")).toEqual([[2, 1]]);
    expect(await errorOf("INSERT INTO analytics.artists VALUES ('a2', NULL, 1)")).toMatch(/null value in column "name"/);
    expect((await standin.tableAttributes('analytics', 'artists'))!.constraints).toEqual([
      { type: 'primary key', columns: ['artist_id'] },
      { type: 'unique', columns: ['name'] },
      { type: 'foreign key', columns: ['label_id'], references: { table: { schema: 'analytics', name: 'labels' }, columns: ['label_id'] } },
      { type: 'unique', name: 'artists_name_key', columns: ['name', 'label_id'] },
    ]);
    expect(await rows(`SELECT count(*) FROM information_schema.table_constraints WHERE table_name = 'artists' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')`)).toEqual([[0]]);
  });

  test('maps IDENTITY(seed, step) and counts VARCHAR lengths in bytes', async () => {
    await ok('CREATE TABLE analytics.ids (id INT IDENTITY(0, 10), v VARCHAR(4))');
    await ok("INSERT INTO analytics.ids (v) VALUES ('a'), ('b')");
    expect(await rows('SELECT id, v FROM analytics.ids ORDER BY id')).toEqual([[0, 'a'], [10, 'b']]);
    expect(await errorOf("INSERT INTO analytics.ids (id, v) VALUES (5, 'c')")).toMatch(/cannot insert a non-DEFAULT value into column "id"/);
    expect(await errorOf("INSERT INTO analytics.ids (v) VALUES ('ééé')")).toMatch(/violates check constraint/);
    await ok("INSERT INTO analytics.ids (v) VALUES ('éé')");
    expect(await errorOf('CREATE TABLE analytics.bad_id (id VARCHAR(3) IDENTITY(1, 1))')).toMatch(/must be of type INT or BIGINT/);
  });

  test('supports #temp tables, COLLATE CASE_INSENSITIVE and CREATE TABLE IF NOT EXISTS', async () => {
    const temp = await batch(client, target, ['CREATE TABLE #stage (id INT)', 'INSERT INTO #stage VALUES (1), (2)', 'SELECT count(*) FROM #Stage']);
    expect((await fetchAll(client, `${temp.Id}:3`)).records).toEqual([[{ longValue: 2 }]]);
    await ok("CREATE TABLE analytics.people (name VARCHAR(20) COLLATE CASE_INSENSITIVE)");
    await ok("INSERT INTO analytics.people VALUES ('Ann')");
    expect(await rows("SELECT count(*) FROM analytics.people WHERE name = 'aNN'")).toEqual([[1]]);
    await ok('CREATE TABLE analytics.kept (id INT) DISTSTYLE ALL');
    await ok('CREATE TABLE IF NOT EXISTS analytics.kept (id INT) DISTSTYLE EVEN');
    expect(await standin.tableAttributes('analytics', 'kept')).toMatchObject({ diststyle: 'ALL' });
  });

  test('swaps a table atomically in one batch, and a late-binding view reads the new table', async () => {
    await ok('CREATE TABLE analytics.dim_song AS SELECT 1 AS song_id, \'old\'::varchar(10) AS version');
    await ok('CREATE VIEW analytics.v_song AS SELECT song_id, version FROM analytics.dim_song WITH NO SCHEMA BINDING');
    expect(await rows('SELECT version FROM analytics.v_song')).toEqual([['old']]);

    const swap = (select: string) => [
      `CREATE TABLE analytics.dim_song__new DISTSTYLE ALL SORTKEY (song_id) AS ${select}`,
      'ALTER TABLE analytics.dim_song RENAME TO dim_song__old',
      'ALTER TABLE analytics.dim_song__new RENAME TO dim_song',
      'DROP TABLE analytics.dim_song__old',
    ];
    const failed = await batch(client, target, [...swap("SELECT 2 AS song_id, 'broken'::varchar(10) AS version"), 'SELECT 1 / 0']);
    expect(failed.SubStatements!.map((s) => s.Status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FAILED']);
    expect(await rows('SELECT version FROM analytics.v_song')).toEqual([['old']]);

    const swapped = await batch(client, target, swap("SELECT 2 AS song_id, 'new'::varchar(10) AS version, 42 AS extra"));
    expect(swapped.Status).toBe('FINISHED');
    expect(await rows('SELECT * FROM analytics.v_song')).toEqual([[2, 'new']]);
    expect(await standin.tableAttributes('analytics', 'dim_song')).toMatchObject({ diststyle: 'ALL', sortkey: ['song_id'] });
    expect(await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics' AND table_name LIKE 'dim_song%'")).toEqual([['dim_song']]);
  });

  test('late-binding views may reference missing tables and must qualify relations', async () => {
    await ok('CREATE VIEW analytics.v_future AS SELECT id FROM analytics.not_yet WITH NO SCHEMA BINDING');
    expect(await errorOf('SELECT * FROM analytics.v_future')).toMatch(/references a relation that does not exist/);
    expect(await rows("SELECT table_type FROM information_schema.tables WHERE table_schema = 'analytics' AND table_name = 'v_future'")).toEqual([['VIEW']]);
    await ok('CREATE TABLE analytics.not_yet (id INT)');
    await ok('INSERT INTO analytics.not_yet VALUES (7)');
    expect(await rows('SELECT * FROM analytics.v_future')).toEqual([[7]]);
    await ok('DROP TABLE analytics.not_yet');
    expect(await errorOf('SELECT * FROM analytics.v_future')).toMatch(/does not exist/);
    expect(
      await rows('SELECT view_schema, view_name, col_name FROM pg_get_late_binding_view_cols() cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int) ORDER BY 2'),
    ).toEqual([['analytics', 'v_song', 'song_id'], ['analytics', 'v_song', 'version']]);
    expect(await errorOf('CREATE VIEW analytics.v_bad AS SELECT * FROM dim_song WITH NO SCHEMA BINDING')).toMatch(
      /^ERROR: All the relations in no schema binding view should be qualified with a schema name: "dim_song"\n Position: 46$/,
    );
    await ok('CREATE VIEW analytics.v_cte AS WITH s AS (SELECT * FROM analytics.dim_song) SELECT count(*) AS n FROM s WITH NO SCHEMA BINDING');
    await ok('DROP VIEW analytics.v_cte');
    expect(await rows("SELECT count(*) FROM rs_compat.late_binding_views WHERE view_name = 'v_cte'")).toEqual([[0]]);
  });

  test('late-binding views over views follow renames and DROP SCHEMA … CASCADE', async () => {
    await ok('CREATE SCHEMA src');
    await ok('CREATE SCHEMA marts');
    await ok('CREATE TABLE src.t AS SELECT 1 AS x');
    await ok('CREATE VIEW marts.v AS SELECT x FROM src.t WITH NO SCHEMA BINDING');
    await ok('CREATE VIEW marts.w AS SELECT x + 1 AS y FROM marts.v WITH NO SCHEMA BINDING');
    expect(await rows('SELECT y FROM marts.w')).toEqual([[2]]);
    await ok('ALTER TABLE marts.v RENAME TO v_old');
    expect(await errorOf('SELECT y FROM marts.w')).toMatch(/late binding view marts.w references a relation that does not exist/);
    await ok('CREATE VIEW marts.v AS SELECT 10 AS x WITH NO SCHEMA BINDING');
    expect(await rows('SELECT y FROM marts.w')).toEqual([[11]]);
    await ok('DROP SCHEMA src CASCADE');
    expect(await errorOf('SELECT * FROM marts.v_old')).toMatch(/does not exist/);
    await ok('DROP SCHEMA marts CASCADE');
    expect(await rows("SELECT count(*) FROM rs_compat.late_binding_views WHERE schema_name = 'marts'")).toEqual([[0]]);
  });

  test('passes catalog queries through untouched', async () => {
    const described = await executeOk(
      client,
      target,
      `SELECT c.relname, c.relkind, n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'analytics' AND c.relname IN ('users', 'v_song') ORDER BY 1`,
    );
    const { records } = await fetchAll(client, described.Id!);
    expect(records.map((r) => r.map((f) => f.stringValue))).toEqual([['users', 'r', 'analytics'], ['v_song', 'v', 'analytics']]);
    expect(standin.statements.at(-1)!.sql).toContain("c.relname IN ('users', 'v_song')");
    // Like Redshift's, pg_table_def lists only tables on the search_path.
    const tableDef = await batch(client, target, [
      'SET search_path TO analytics',
      "SELECT \"column\", type, distkey, sortkey FROM pg_table_def WHERE tablename = 'users' ORDER BY 1",
    ]);
    expect((await fetchAll(client, `${tableDef.Id}:2`)).records.map((r) => r.map((f) => f.stringValue ?? f.booleanValue ?? f.longValue))).toEqual([
      ['level', 'character varying(10)', false, 2],
      ['user_id', 'integer', false, 1],
    ]);
  });

  test('rewrites Redshift functions and folds identifiers to lowercase', async () => {
    expect(
      await rows(`SELECT nvl(NULL, 'a'), nvl2(NULL, 'set', 'unset'), decode(2, 1, 'one', 2, 'two', 'many'), decode(NULL, NULL, 'null matched'),
                         dateadd(day, 1, '2020-02-28'::date)::varchar, datediff(month, '2020-01-31', '2020-03-01'), len('abc'),
                         convert_timezone('America/New_York', '2020-01-01 12:00:00'::timestamp)::varchar`),
    ).toEqual([['a', 'unset', 'two', 'null matched', '2020-02-29 00:00:00', 2, 3, '2020-01-01 07:00:00']]);
    expect(
      await rows(`SELECT TOP 2 listagg(x, ',') WITHIN GROUP (ORDER BY x DESC), median(x), APPROXIMATE COUNT(DISTINCT x)
                    FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3) t`),
    ).toEqual([['3,2,1', 2, 3]]);
    expect(await rows('SELECT getdate() <= sysdate + interval \'1 second\', date_part(w, \'2020-01-08\'::date)')).toEqual([[true, 2]]);
    const described = await executeOk(client, target, 'SELECT 1 AS "MixedCase"');
    expect((await fetchAll(client, described.Id!)).columns[0]!.name).toBe('mixedcase');
  });

  test('concurrent model builds (swap batches and late-binding views) do not conflict', async () => {
    const models = Array.from({ length: 8 }, (_, i) => `model_${i}`);
    await Promise.all(models.map((m) => ok(`CREATE TABLE analytics.${m} AS SELECT 0 AS version`)));
    const build = (m: string, version: number) =>
      batch(client, target, [
        `CREATE TABLE analytics.${m}__new DISTKEY (version) AS SELECT ${version} AS version`,
        `ALTER TABLE analytics.${m} RENAME TO ${m}__old`,
        `ALTER TABLE analytics.${m}__new RENAME TO ${m}`,
        `DROP TABLE analytics.${m}__old`,
        `CREATE OR REPLACE VIEW analytics.${m}_v AS SELECT version FROM analytics.${m} WITH NO SCHEMA BINDING`,
      ]);
    for (const version of [1, 2]) {
      const results = await Promise.all(models.map((m) => build(m, version)));
      expect(results.map((r) => r.Error ?? r.Status)).toEqual(models.map(() => 'FINISHED'));
    }
    const union = models.map((m) => `SELECT version FROM analytics.${m}_v`).join(' UNION ALL ');
    expect(await rows(`SELECT count(*), min(version), max(version) FROM (${union}) t`)).toEqual([[8, 2, 2]]);
  });

  test('strict mode refuses PostgreSQL-only syntax', async () => {
    await ok('CREATE TABLE analytics.strict_target (id INT)');
    const refused = {
      'INSERT INTO analytics.strict_target VALUES (1) ON CONFLICT DO NOTHING': 'ERROR: syntax error at or near "CONFLICT"\n Position: 51',
      'INSERT INTO analytics.strict_target VALUES (1) RETURNING id': 'ERROR: syntax error at or near "RETURNING"\n Position: 48',
      'CREATE TABLE analytics.u (id UUID)': 'ERROR: type "uuid" does not exist\n Position: 30',
      "SELECT '{}'::jsonb": 'ERROR: type "jsonb" does not exist\n Position: 14',
      'SELECT * FROM (VALUES (1), (2)) AS v(x)': 'ERROR: VALUES used as a table is not supported by Amazon Redshift\n Position: 16',
      'CREATE INDEX i ON analytics.strict_target (id)': 'ERROR: CREATE INDEX is not supported by Amazon Redshift\n Position: 8',
      'SELECT DISTINCT ON (id) id FROM analytics.strict_target': 'ERROR: SELECT DISTINCT ON is not supported by Amazon Redshift\n Position: 8',
    };
    for (const [sql, error] of Object.entries(refused)) expect(await errorOf(sql), sql).toBe(error);
  });
});
