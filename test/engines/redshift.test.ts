import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStatementsCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queryPostgres } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { startRedshiftStandin, type RedshiftStandin } from '../support/redshift-standin/index.js';
import { readRunResults, runCli, statusByName } from '../support/sqlkit-cli.js';
import { DATA_DIR, removeTempProjects, writeProject } from '../support/temp-project.js';

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1' };
const CLUSTER = 'warehouse';

/**
 * Redshift through the real AWS SDK clients against the local Data API / control-plane stand-in (executing on the
 * test PostgreSQL server): retries, failures, timeouts, physical options, COPY and the cluster lifecycle.
 */
describe.runIf(testEngines().includes('redshift'))('Redshift through the Data API stand-in', () => {
  let standin: RedshiftStandin;
  let s3Root: string;
  const postgres = inject('postgres')!;

  beforeAll(async () => {
    s3Root = mkdtempSync(join(tmpdir(), 'sqlkit-s3-'));
    cpSync(join(DATA_DIR, 'log_data'), join(s3Root, 'bucket', 'logs'), { recursive: true });
    standin = await startRedshiftStandin({ postgres, s3Root, clusters: [{ identifier: CLUSTER, database: 'dev' }], workgroups: [{ name: 'serverless', database: 'analytics' }], pageSize: 2 });
  });
  afterAll(async () => {
    await standin.stop();
    rmSync(s3Root, { recursive: true, force: true });
    removeTempProjects();
  });

  const project = (models: Record<string, string>, extraTarget = '', extraFiles: Record<string, string> = {}) =>
    writeProject({
      'project.yml': `name: rs
targets:
  dev:
    type: redshift
    cluster_identifier: ${CLUSTER}
    database: dev
    db_user: awsuser
    region: us-east-1
    endpoint: ${standin.endpoint}
    schema: s_${Math.random().toString(36).slice(2, 8)}
    iam_role: arn:aws:iam::123456789012:role/loader
    threads: 4
    poll_initial_ms: 5
${extraTarget}`,
      ...Object.fromEntries(Object.entries(models).map(([name, sql]) => [`models/${name}.sql`, sql])),
      ...extraFiles,
    });
  const query = (sql: string) => queryPostgres(standin.pgConnectionFor(CLUSTER, 'dev'), sql);
  const schemaOf = (dir: string) => /schema: (s_\w+)/.exec(readFileSync(join(dir, 'project.yml'), 'utf8'))![1]!;

  it('runs on a Redshift Serverless workgroup, and on a cluster with a Secrets Manager secret', async () => {
    const models = { a: "{{ config(materialized='table') }}\nselect 1 as id union all select 2", b: "select id * 2 as twice from {{ ref('a') }}" };
    const serverless = writeProject({
      'project.yml': `name: rs\ntargets:\n  dev:\n    type: redshift\n    workgroup_name: serverless\n    database: analytics\n    region: us-east-1\n    endpoint: ${standin.endpoint}\n    poll_initial_ms: 5\n`,
      ...Object.fromEntries(Object.entries(models).map(([name, sql]) => [`models/${name}.sql`, sql])),
    });
    const run = await runCli(['run'], { cwd: serverless, env: CREDENTIALS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await queryPostgres(standin.pgConnectionFor('serverless', 'analytics'), 'select twice from public.b order by twice')).toEqual([{ twice: 2 }, { twice: 4 }]);
    const calls = standin.statements.filter((s) => s.target.kind === 'workgroup');
    expect(calls.length).toBeGreaterThan(0);

    const secret = writeProject({
      'project.yml': `name: rs\ntargets:\n  dev:\n    type: redshift\n    cluster_identifier: ${CLUSTER}\n    database: dev\n    secret_arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:sqlkit-AbCdEf\n    schema: with_secret\n    region: us-east-1\n    endpoint: ${standin.endpoint}\n    poll_initial_ms: 5\n`,
      ...Object.fromEntries(Object.entries(models).map(([name, sql]) => [`models/${name}.sql`, sql])),
    });
    expect((await runCli(['run'], { cwd: secret, env: CREDENTIALS })).code).toBe(0);
    expect(await query('select count(*)::int as n from with_secret.a')).toEqual([{ n: 2 }]);
  });

  it('retries throttled calls and finishes the run', async () => {
    const dir = project({ a: "{{ config(materialized='table') }}\nselect 1 as id", b: "{{ config(materialized='table') }}\nselect id + 1 as id from {{ ref('a') }}" });
    standin.faults.throttle('ExecuteStatement', { times: 3 });
    standin.faults.throttle('BatchExecuteStatement', { times: 2, error: 'ActiveStatementsExceededException' });
    standin.faults.throttle('DescribeStatement', { times: 2 });
    const run = await runCli(['run'], { cwd: dir, env: CREDENTIALS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(standin.faults.injected.filter((f) => f.kind === 'throttle').length).toBe(7);
    const rows = await query(`select id from ${schemaOf(dir)}.b`);
    expect(rows).toEqual([{ id: 2 }]);
  });

  it('reports a FAILED statement, skips only its descendants and keeps the old table', async () => {
    const dir = project({
      a: "{{ config(materialized='table') }}\nselect 1 as id union all select 2",
      b: "{{ config(materialized='table') }}\nselect id * 10 as id from {{ ref('a') }}",
      c: "{{ config(materialized='table') }}\nselect id from {{ ref('b') }}",
      d: "{{ config(materialized='table') }}\nselect 42 as answer",
    });
    expect((await runCli(['run'], { cwd: dir, env: CREDENTIALS })).code).toBe(0);
    const schema = schemaOf(dir);
    standin.faults.failStatement(`"${schema}"."b__sqlkit_new_`, 'division by zero');
    const run = await runCli(['run'], { cwd: dir, env: CREDENTIALS });
    expect(run.code).toBe(1);
    const results = readRunResults(dir);
    expect(statusByName(results)).toEqual({ a: 'success', b: 'error', c: 'skipped', d: 'success' });
    const b = results.results.find((r) => r.name === 'b')!;
    expect(b.error?.code).toBe('ADAPTER_SQL');
    expect(b.error?.message).toContain('division by zero');
    expect(b.error?.file).toBe('target/compiled/rs/models/b.sql');
    expect(run.stdout).toContain('division by zero');
    expect(await query(`select id from ${schema}.b order by id`)).toEqual([{ id: 10 }, { id: 20 }]);
    expect(await query(`select count(*)::int as n from pg_class where relname like 'b__sqlkit_%'`)).toEqual([{ n: 0 }]);
  });

  it('cancels a statement that runs past statement_timeout', async () => {
    const dir = project({ slow_model: "{{ config(materialized='table') }}\nselect 1 as id" }, '    statement_timeout: 1\n');
    standin.faults.slowStatement('slow_model__sqlkit_new', 20_000);
    const run = await runCli(['run'], { cwd: dir, env: CREDENTIALS });
    expect(run.code).toBe(1);
    const result = readRunResults(dir).results.find((r) => r.name === 'slow_model')!;
    expect(result.error?.code).toBe('ADAPTER_TIMEOUT');
    const client = new RedshiftDataClient({ endpoint: standin.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    const aborted = await client.send(new ListStatementsCommand({ Status: 'ABORTED', MaxResults: 100 }));
    client.destroy();
    expect(aborted.Statements?.some((s) => (s.QueryString ?? s.QueryStrings?.join(';') ?? '').includes('slow_model__sqlkit_new'))).toBe(true);
  });

  it('swaps a table in one BatchExecuteStatement and emits dist, sort and late-binding views', async () => {
    const dir = project({
      plays: "{{ config(materialized='table', dist='user_id', sort=['start_time', 'user_id'], sort_type='compound') }}\nselect 7 as user_id, timestamp '2018-11-01 00:00:00' as start_time",
      everywhere: "{{ config(materialized='table', dist='all', sort='user_id', sort_type='interleaved') }}\nselect user_id from {{ ref('plays') }}",
      latest: "{{ config(materialized='view', bind=false) }}\nselect user_id from {{ ref('plays') }}",
    });
    expect((await runCli(['run'], { cwd: dir, env: CREDENTIALS })).code).toBe(0);
    const schema = schemaOf(dir);
    const attributes = await standin.tableAttributes(schema, 'plays', { target: CLUSTER, database: 'dev' });
    expect(attributes).toMatchObject({ diststyle: 'KEY', distkey: 'user_id', sortkeyStyle: 'COMPOUND', sortkey: ['start_time', 'user_id'] });
    expect(await standin.tableAttributes(schema, 'everywhere', { target: CLUSTER, database: 'dev' })).toMatchObject({ diststyle: 'ALL', sortkeyStyle: 'INTERLEAVED', sortkey: ['user_id'] });
    const view = standin.statements.find((s) => s.sql.includes(`"${schema}"."latest`));
    expect(view?.sql).toMatch(/with no schema binding/);

    const before = standin.statements.length;
    expect((await runCli(['run', '-s', 'plays'], { cwd: dir, env: CREDENTIALS })).code).toBe(0);
    const swap = standin.statements.slice(before).filter((s) => s.sql.includes(`"${schema}"."plays`));
    const batchIds = new Set(swap.filter((s) => /create table|rename to|drop table/i.test(s.sql)).map((s) => s.id.split(':')[0]));
    expect(batchIds.size).toBe(1);
    expect(await query(`select user_id from ${schema}.latest`)).toEqual([{ user_id: 7 }]);
  });

  it('loads a source with COPY, records rejected rows under max_errors and fails past it', async () => {
    const bucket = join(s3Root, 'bucket', 'logs', '2018', '11');
    appendFileSync(join(bucket, '2018-11-30-events.json'), '{"artist": "broken line",\n');
    const sources = (maxErrors: number) => `sources:
  - name: app
    schema: raw_${maxErrors}
    tables:
      - name: events
        json: jsonpaths
        timeformat: epochmillisecs
        max_errors: ${maxErrors}
        location:
          s3: { path: "s3://bucket/logs", jsonpaths: "s3://bucket/log_json_path.json", region: us-west-2 }
        columns:
${['artist varchar(512)', 'auth varchar(32)', 'first_name varchar(256)', 'gender varchar(8)', 'item_in_session integer', 'last_name varchar(256)', 'length double precision', 'level varchar(16)', 'location varchar(512)', 'method varchar(16)', 'page varchar(64)', 'registration double precision', 'session_id integer', 'song varchar(512)', 'status integer', 'ts bigint', 'user_agent varchar(512)', 'user_id integer'].map((c) => `          - { name: ${c.split(' ')[0]}, type: "${c.split(' ').slice(1).join(' ')}" }`).join('\n')}
`;
    cpSync(join(DATA_DIR, 'log_json_path.json'), join(s3Root, 'bucket', 'log_json_path.json'));
    const tolerant = project({}, '', { 'sources/app.yml': sources(2) });
    const ok = await runCli(['run'], { cwd: tolerant, env: CREDENTIALS });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/8,056 rows loaded|8,056 rows/);
    const copy = standin.statements.find((s) => /^copy /i.test(s.sql) && s.sql.includes('raw_2'));
    expect(copy?.sql).toMatch(/format as json 's3:\/\/bucket\/log_json_path.json'/i);
    expect(copy?.sql).toMatch(/timeformat 'epochmillisecs'/i);
    expect(copy?.sql).toMatch(/maxerror 3/i);
    const rejected = await query(`select filename, line_number, reason from raw_2.sqlkit_load_errors`);
    expect(rejected).toHaveLength(1);
    expect(String(rejected[0]!.filename)).toContain('2018-11-30-events.json');

    const strict = project({}, '', { 'sources/app.yml': sources(0) });
    const failed = await runCli(['run', '--log-format', 'json'], { cwd: strict, env: CREDENTIALS });
    expect(failed.code).toBe(1);
    const result = readRunResults(strict).results.find((r) => r.name === 'app.events')!;
    expect(result.status).toBe('error');
    expect(result.error?.file).toContain('2018-11-30-events.json');
    expect(result.error?.line).toBeGreaterThan(1);
  });
});

describe.runIf(testEngines().includes('redshift'))('sqlkit cluster up | status | down', () => {
  let standin: RedshiftStandin;
  let dir: string;
  const env = { ...CREDENTIALS, SPARKIFY_MASTER_PASSWORD: 'Str0ngMasterPassw0rd' };

  beforeAll(async () => {
    standin = await startRedshiftStandin({ postgres: inject('postgres')!, s3Root: tmpdir(), clusterTransitionMs: 1500 });
    dir = writeProject({
      'project.yml': `name: lifecycle
targets:
  dev: { type: duckdb }
cluster:
  identifier: sparkify-test
  node_type: dc2.large
  number_of_nodes: 2
  database: dev
  master_username: awsuser
  master_password_env: SPARKIFY_MASTER_PASSWORD
  iam_roles: [arn:aws:iam::123456789012:role/sparkify-s3-read]
  region: us-east-1
  endpoint: ${standin.endpoint}
`,
    });
  });
  afterAll(async () => {
    await standin.stop();
    removeTempProjects();
  });

  const wait = ['--poll-min', '1', '--poll-max', '2', '--wait-timeout', '60'];

  it('creates, reports and deletes the cluster, waiting for each state', async () => {
    const missing = await runCli(['cluster', 'status'], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('not found');

    const up = await runCli(['cluster', 'up', ...wait], { cwd: dir, env });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/Created: sparkify-test/);
    expect(up.stdout).toMatch(/status +available/);
    expect(up.stdout).toMatch(/endpoint +127\.0\.0\.1:\d+/);
    expect(up.stdout + up.stderr).not.toContain('Str0ngMasterPassw0rd');

    const again = await runCli(['cluster', 'up', ...wait], { cwd: dir, env });
    expect(again.stdout).toMatch(/Ready: sparkify-test/);

    const status = await runCli(['cluster', 'status', '--log-format', 'json'], { cwd: dir, env });
    // IAM role ARNs are credentials to sqlkit: redacted like passwords (src/errors/redact.ts)
    expect(JSON.parse(status.stdout.trim())).toMatchObject({ event: 'cluster', action: 'status', state: { identifier: 'sparkify-test', status: 'available', nodes: 2, iamRoles: ['*****'] } });

    const refused = await runCli(['cluster', 'down'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');

    const down = await runCli(['cluster', 'down', '--yes', ...wait], { cwd: dir, env });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('Cluster deleted.');
    expect((await runCli(['cluster', 'status'], { cwd: dir, env })).code).toBe(1);
  });

  it('refuses to create a cluster without the master password variable', async () => {
    const run = await runCli(['cluster', 'up', ...wait], { cwd: dir, env: CREDENTIALS });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SPARKIFY_MASTER_PASSWORD');
  });
});
