import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckdb } from '../support/duckdb-query.js';
import { duckdbE2eProject, expectExit, expectOk, type SqlkitRun } from '../support/duckdb-e2e.js';
import { runCli } from '../support/sqlkit-cli.js';
import { removeTempProjects } from '../support/temp-project.js';

afterAll(removeTempProjects);

const ids = (...values: number[]) => values.map((id) => JSON.stringify({ id })).join('\n') + '\n';

/** Tables reading an incremental source directly, through an ephemeral model, and through another kept table. */
const files = {
  'sources/app.yml': `sources:
  - name: app
    schema: raw
    tables:
      - name: events
        incremental: true
        location:
          local: { path: data/events }
        columns:
          - { name: id, type: integer }
`,
  'models/scores.sql': "{{ config(materialized='table', rebuild='on_change') }}\nselect id, id * 10 as score from {{ source('app', 'events') }}",
  'models/totals.sql': "{{ config(materialized='table', rebuild='on_change') }}\nselect count(*) as n, sum(score) as total from {{ ref('scores') }}",
  'models/recent.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ source('app', 'events') }} where id > 1",
  'models/recent_count.sql': "{{ config(materialized='table', rebuild='on_change') }}\nselect count(*) as n from {{ ref('recent') }}",
  'data/events/day1.json': ids(1, 2),
};

const modelsKept = (run: SqlkitRun) => run.results.filter((r) => r.resourceType === 'model' && r.kept).map((r) => r.name).sort();
const totals = async (p: ReturnType<typeof duckdbE2eProject>) => (await p.query<{ n: number; total: number }>('select n::int as n, total::int as total from main.totals'))[0];

describe('rebuild: on_change', () => {
  it('keeps a table whose SQL and inputs are unchanged, without sending it any statement that writes', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    const again = await p.sqlkit('run');
    expectOk(again);
    expect(modelsKept(again)).toEqual(['recent_count', 'scores', 'totals']);
    expect(again.result('scores').message).toBe('kept: its SQL and inputs are as at its last build');
    expect(again.statements('model.demo.scores').filter((sql) => !/^select fingerprint from/.test(sql))).toEqual([]);
    expect(await totals(p)).toEqual({ n: 2, total: 30 });

    const table = await runCli(['run'], { cwd: p.dir });
    expect(table.stdout).toMatch(/table\s+scores\s+unchanged, kept/);
    expect(table.stdout).toMatch(/Done in [\d.]+s: 4 success \(3 kept\)\./);
  });

  it('rebuilds what reads a source when a file arrives or a loaded file changes, and keeps it again after', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));

    p.write({ 'data/events/day2.json': ids(3) });
    const appended = await p.sqlkit('run');
    expectOk(appended);
    expect(appended.result('app.events').message).toBe('1 rows appended from 1 file');
    expect(modelsKept(appended)).toEqual([]);
    expect(await totals(p)).toEqual({ n: 3, total: 60 });
    expect((await p.query<{ n: number }>('select n::int as n from main.recent_count'))[0]!.n).toBe(2);

    p.write({ 'data/events/day1.json': ids(1, 2, 4) });
    const replaced = await p.sqlkit('run');
    expectOk(replaced);
    expect(replaced.result('app.events').message).toMatch(/reloaded: data\/events\/day1.json changed/);
    expect(modelsKept(replaced)).toEqual([]);
    expect(await totals(p)).toEqual({ n: 4, total: 100 });

    expect(modelsKept(await p.sqlkit('run'))).toEqual(['recent_count', 'scores', 'totals']);
  });

  it('rebuilds a table whose SQL changed and what reads it, but not what it reads', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    p.write({ 'models/scores.sql': "{{ config(materialized='table', rebuild='on_change') }}\nselect id, id * 100 as score from {{ source('app', 'events') }}" });
    const edited = await p.sqlkit('run');
    expectOk(edited);
    expect(modelsKept(edited)).toEqual(['recent_count']);
    expect(await totals(p)).toEqual({ n: 2, total: 300 });
  });

  it('keeps the record true when a build fails: the old table stays, and is kept once the SQL is back', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    const good = "{{ config(materialized='table', rebuild='on_change') }}\nselect count(*) as n, sum(score) as total from {{ ref('scores') }}";
    p.write({ 'models/totals.sql': good.replace('sum(score)', 'sum(no_such_column)') });
    const failed = await p.sqlkit('run');
    expectExit(failed, 1);
    expect(failed.result('totals').status).toBe('error');
    expect(await totals(p)).toEqual({ n: 2, total: 30 });

    p.write({ 'models/totals.sql': good });
    const back = await p.sqlkit('run');
    expectOk(back);
    expect(modelsKept(back)).toEqual(['recent_count', 'scores', 'totals']);
  });

  it('rebuilds a table dropped by hand, and keeps what reads it: the rebuilt data is the same', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    await queryDuckdb(p.db, 'drop table main.scores', { writable: true });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.result('scores').rowsAffected).toBe(2);
    expect(modelsKept(run)).toEqual(['recent_count', 'totals']);
  });

  it('reads the versions of inputs a run leaves out from what the warehouse records', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    // A new file the run does not load: the source table, and so totals, are unchanged.
    p.write({ 'data/events/day2.json': ids(3) });
    const onlyTotals = await p.sqlkit('run', '-s', 'totals');
    expectOk(onlyTotals);
    expect(modelsKept(onlyTotals)).toEqual(['totals']);

    // Loaded now, the source has changed, but scores, which totals reads, has not been rebuilt yet.
    expectOk(await p.sqlkit('run', '-s', 'source:app.events'));
    expect(modelsKept(await p.sqlkit('run', '-s', 'totals'))).toEqual(['totals']);
    expect(modelsKept(await p.sqlkit('run', '-s', 'scores'))).toEqual([]);
    expect(modelsKept(await p.sqlkit('run', '-s', 'totals'))).toEqual([]);
    expect(await totals(p)).toEqual({ n: 3, total: 60 });
  });

  it('forgets the record when a table becomes rebuild: always, so switching back rebuilds it', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    const scores = (rebuild: string) => `{{ config(materialized='table', rebuild='${rebuild}') }}\nselect id, id * 10 as score from {{ source('app', 'events') }}`;
    p.write({ 'models/scores.sql': scores('always') });
    const always = await p.sqlkit('run');
    expectOk(always);
    // scores is rebuilt every run now, so its version is unknown to what reads it.
    expect(modelsKept(always)).toEqual(['recent_count']);
    expect(modelsKept(await p.sqlkit('run'))).toEqual(['recent_count']);
    expect(await p.query('select model_id from main.sqlkit_model_state where model_id = \'model.demo.scores\'')).toEqual([]);

    p.write({ 'models/scores.sql': scores('on_change') });
    const back = await p.sqlkit('run');
    expectOk(back);
    expect(modelsKept(back)).toEqual(['recent_count']);
    expect(modelsKept(await p.sqlkit('run'))).toEqual(['recent_count', 'scores', 'totals']);
  });

  it('rebuilds everything on --full-refresh', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run'));
    const refresh = await p.sqlkit('run', '--full-refresh');
    expectOk(refresh);
    expect(modelsKept(refresh)).toEqual([]);
    expect(refresh.result('totals').rowsAffected).toBe(1);
  });

  it('rejects a value other than always or on_change, naming the file', async () => {
    const p = duckdbE2eProject({ ...files, 'models/totals.sql': "{{ config(materialized='table', rebuild='sometimes') }}\nselect 1 as n" });
    const run = await p.sqlkit('run');
    expectExit(run, 2);
    expect(run.stdout + run.stderr).toMatch(/models\/totals\.sql/);
    expect(run.stdout + run.stderr).toMatch(/rebuild/);
  });
});
