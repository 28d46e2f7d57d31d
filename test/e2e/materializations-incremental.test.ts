import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, executeDuckdb, expectExit, expectOk, RAW_FROM_VARS, vars } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

// Incremental models end to end over several runs: the built CLI against a DuckDB file, checking the rows left in
// the warehouse (a run_marker var shows which run wrote each row), run_results.json and the SQL sent.

afterAll(removeTempProjects);

describe('incremental', () => {
  const events = (lines: [number, string][]) => lines.map(([id, kind]) => JSON.stringify({ id, kind })).join('\n') + '\n';
  const sourceYml = `sources:
  - name: app
    schema: raw
    tables:
      - name: events
        location:
          local:
            path: data/events
        columns:
          - { name: id, type: integer }
          - { name: kind, type: varchar(16) }
`;

  it('builds every row on the first run, then inserts only the new rows', async () => {
    const p = duckdbE2eProject({
      'sources/app.yml': sourceYml,
      'data/events/part-1.json': events([[1, 'open'], [2, 'click'], [3, 'close']]),
      'models/events_log.sql': `{{ config(materialized='incremental') }}
select id, kind, '{{ var('run_marker') }}' as run_marker
from {{ source('app', 'events') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
`,
    });
    const log = () => p.query<{ id: number; kind: string; run_marker: string }>('select id::int as id, kind, run_marker from main.events_log order by id');

    const first = await p.sqlkit('run', ...vars({ run_marker: 'm1' }));
    expectOk(first);
    expect(first.result('app.events')).toMatchObject({ status: 'success', rowsAffected: 3 });
    expect(first.result('events_log')).toMatchObject({ kind: 'incremental', status: 'success', rowsAffected: 3, message: '3 rows (first build)' });
    expect(await log()).toEqual([
      { id: 1, kind: 'open', run_marker: 'm1' },
      { id: 2, kind: 'click', run_marker: 'm1' },
      { id: 3, kind: 'close', run_marker: 'm1' },
    ]);

    p.write({ 'data/events/part-2.json': events([[4, 'open'], [5, 'buy']]) });
    const second = await p.sqlkit('run', ...vars({ run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('app.events').rowsAffected).toBe(5);
    expect(second.result('events_log')).toMatchObject({ status: 'success', rowsAffected: 2, message: '2 rows inserted' });
    expect(await log()).toEqual([
      { id: 1, kind: 'open', run_marker: 'm1' },
      { id: 2, kind: 'click', run_marker: 'm1' },
      { id: 3, kind: 'close', run_marker: 'm1' },
      { id: 4, kind: 'open', run_marker: 'm2' },
      { id: 5, kind: 'buy', run_marker: 'm2' },
    ]);
    const sent = second.statements('model.demo.events_log');
    // The new rows go from the model's query straight into the table; the query's columns come first, from a
    // statement that reads no rows.
    expect(sent[0]).toMatch(/^select \* from \(\n[\s\S]*\n\) as sqlkit_model limit 0$/);
    expect(sent[0]).toContain('where id > (select max(id) from "main"."events_log")');
    // Append: the existing table is never renamed or dropped. Where the table's storage ends is recorded for the
    // next append (see duckdb-row-groups.test.ts).
    expect(sent[1]).toMatch(/^insert into "main"\."events_log" by name\n/);
    expect(sent[1]).toContain('where id > (select max(id) from "main"."events_log")');
    expect(sent.slice(2)).toEqual([
      `delete from "main"."sqlkit_row_groups" where table_name = 'events_log'`,
      `insert into "main"."sqlkit_row_groups" (table_name, tail_start, row_end)\nselect 'events_log', case when n >= 122880 then 3 + n // 122880 * 122880 else 0 end, 3 + n\nfrom (select count(*) as n from "main"."events_log" where rowid >= 3)`,
    ]);
    expect(await p.query('select table_name, tail_start::int as tail_start, row_end::int as row_end from main.sqlkit_row_groups')).toEqual([{ table_name: 'events_log', tail_start: 0, row_end: 5 }]);

    const third = await p.sqlkit('run', ...vars({ run_marker: 'm3' }));
    expectOk(third);
    expect(third.result('events_log')).toMatchObject({ rowsAffected: 0, message: '0 rows inserted' });
    expect(await log()).toHaveLength(5);
    expect(await p.leftovers()).toEqual([]);
  });

  const upsertModel = (uniqueKey: string, columns: string) => `{{ config(materialized='incremental', unique_key=${uniqueKey}) }}
select ${columns}, batch, '{{ var('run_marker') }}' as run_marker
from {{ ref('raw') }}
{% if is_incremental() %}
where batch > (select max(batch) from {{ this }})
{% endif %}
`;

  it('with unique_key, replaces rows whose key matches (delete+insert) instead of duplicating them', async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/users.sql': upsertModel("'id'", 'id, val') });
    const cols = 'id, val, batch';
    expectOk(await p.sqlkit('run', ...vars({ cols, run_marker: 'm1', rows: [[1, 'a', 1], [2, 'b', 1], [3, 'c', 1]] })));
    // Batch 2 changes id 2 and adds id 4; ids 1 and 3 are unchanged (and not re-selected).
    const second = await p.sqlkit('run', ...vars({ cols, run_marker: 'm2', rows: [[1, 'a', 1], [2, 'B', 2], [3, 'c', 1], [4, 'd', 2]] }));
    expectOk(second);
    expect(second.result('users')).toMatchObject({ status: 'success', rowsAffected: 2, message: '2 rows inserted, 1 replaced' });
    expect(await p.query('select id::int as id, val, batch::int as batch, run_marker from main.users order by id')).toEqual([
      { id: 1, val: 'a', batch: 1, run_marker: 'm1' },
      { id: 2, val: 'B', batch: 2, run_marker: 'm2' },
      { id: 3, val: 'c', batch: 1, run_marker: 'm1' },
      { id: 4, val: 'd', batch: 2, run_marker: 'm2' },
    ]);
    const sent = second.statements('model.demo.users');
    // The new rows go in first; then the older rows they replace are deleted: those before the new rows' row ids.
    expect(sent[1]).toMatch(/^insert into "main"\."users" by name\n/);
    expect(sent[2]).toBe(`with sqlkit_new as (select * from "main"."users" where "main"."users".rowid >= 3)
delete from "main"."users" using sqlkit_new where "main"."users"."id" = sqlkit_new."id" and "main"."users".rowid < 3`);
    expect(await p.leftovers()).toEqual([]);
  });

  it('rolls back the delete when the insert of an incremental run fails, keeping every old row', async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/users.sql': upsertModel("'id'", 'id, val') });
    const cols = 'id, val, batch';
    expectOk(await p.sqlkit('run', ...vars({ cols, run_marker: 'm1', rows: [[1, 10, 1], [2, 20, 1]] })));
    // A unique index makes DuckDB stage the new rows and delete the rows they replace before inserting them (see
    // incremental-direct.test.ts). The new row for id 2 has a value that cannot go into the integer column: the
    // delete of id 2 runs first, then the insert fails, and the transaction must bring id 2 back.
    await executeDuckdb(p.db, ['create unique index users_id on main.users (id)']);
    const failed = await p.sqlkit('run', ...vars({ cols, run_marker: 'm2', rows: [[1, '10', 1], [2, 'oops', 2], [3, '30', 2]] }));
    expectExit(failed, 1);
    expect(failed.result('users')).toMatchObject({ status: 'error', error: { code: 'ADAPTER_SQL' } });
    expect(failed.result('users').message).toContain('oops');
    const sent = failed.statements('model.demo.users');
    expect(sent.map((sql) => sql.split(/\s/)[0])).toEqual(['create', 'delete', 'insert', 'delete', 'insert', 'drop']);
    expect(await p.query('select id::int as id, val::int as val, run_marker from main.users order by id')).toEqual([
      { id: 1, val: 10, run_marker: 'm1' },
      { id: 2, val: 20, run_marker: 'm1' },
    ]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('with a composite unique_key, replaces only rows matching on every key column', async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/stock.sql': upsertModel("['region', 'id']", 'region, id, val') });
    const cols = 'region, id, val, batch';
    expectOk(await p.sqlkit('run', ...vars({ cols, run_marker: 'm1', rows: [['eu', 1, 'x', 1], ['us', 1, 'y', 1], ['eu', 2, 'z', 1]] })));
    // (eu, 1) changes; (us, 2) is new. A key on id alone would also delete (us, 1) and (eu, 2).
    const second = await p.sqlkit('run', ...vars({ cols, run_marker: 'm2', rows: [['eu', 1, 'X', 2], ['us', 1, 'y', 1], ['eu', 2, 'z', 1], ['us', 2, 'w', 2]] }));
    expectOk(second);
    expect(second.result('stock').message).toBe('2 rows inserted, 1 replaced');
    expect(await p.query('select region, id::int as id, val, run_marker from main.stock order by region, id')).toEqual([
      { region: 'eu', id: 1, val: 'X', run_marker: 'm2' },
      { region: 'eu', id: 2, val: 'z', run_marker: 'm1' },
      { region: 'us', id: 1, val: 'y', run_marker: 'm1' },
      { region: 'us', id: 2, val: 'w', run_marker: 'm2' },
    ]);
    expect(second.statements('model.demo.stock')[2]).toContain(
      `delete from "main"."stock" using sqlkit_new where "main"."stock"."region" = sqlkit_new."region" and "main"."stock"."id" = sqlkit_new."id" and `,
    );
  });

  it('--full-refresh rebuilds the table from scratch', async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/users.sql': upsertModel("'id'", 'id, val') });
    const cols = 'id, val, batch';
    expectOk(await p.sqlkit('run', ...vars({ cols, run_marker: 'm1', rows: [[1, 'a', 1], [2, 'b', 1]] })));
    // Id 1 changes without a new batch number: an incremental run cannot see it, a full refresh must.
    const changed = { cols, rows: [[1, 'A', 1], [3, 'c', 2]] };
    expectOk(await p.sqlkit('run', ...vars({ ...changed, run_marker: 'm2' })));
    expect(await p.query('select id::int as id, val, run_marker from main.users order by id')).toEqual([
      { id: 1, val: 'a', run_marker: 'm1' },
      { id: 2, val: 'b', run_marker: 'm1' },
      { id: 3, val: 'c', run_marker: 'm2' },
    ]);
    const full = await p.sqlkit('run', '--full-refresh', ...vars({ ...changed, run_marker: 'm3' }));
    expectOk(full);
    expect(full.result('users')).toMatchObject({ rowsAffected: 2, message: '2 rows (full refresh)' });
    expect(await p.query('select id::int as id, val, run_marker from main.users order by id')).toEqual([
      { id: 1, val: 'A', run_marker: 'm3' },
      { id: 3, val: 'c', run_marker: 'm3' },
    ]);
    const r = full.runId!;
    const sent = full.statements('model.demo.users');
    expect(sent[0]).toMatch(new RegExp(`^create table "main"\\."users__sqlkit_new_${r}" as\\n`));
    expect(sent[0]).not.toContain('where batch >');
    expect(sent.slice(1)).toEqual([
      `alter table "main"."users" rename to "users__sqlkit_old_${r}"`,
      `alter table "main"."users__sqlkit_new_${r}" rename to "users"`,
      `drop table "main"."users__sqlkit_old_${r}"`,
      // Where the rebuilt table's storage ends, for the next append.
      `delete from "main"."sqlkit_row_groups" where table_name = 'users'`,
      `insert into "main"."sqlkit_row_groups" (table_name, tail_start, row_end) values ('users', 0, 2)`,
    ]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('config full_refresh=false keeps a model incremental even under --full-refresh', async () => {
    const p = duckdbE2eProject({
      'models/raw.sql': RAW_FROM_VARS,
      'models/ledger.sql': `{{ config(materialized='incremental', full_refresh=false) }}
select id, '{{ var('run_marker') }}' as run_marker from {{ ref('raw') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
`,
    });
    expectOk(await p.sqlkit('run', ...vars({ run_marker: 'm1', rows: [[1, 'a'], [2, 'b']] })));
    const second = await p.sqlkit('run', '--full-refresh', ...vars({ run_marker: 'm2', rows: [[1, 'a'], [2, 'b'], [3, 'c']] }));
    expectOk(second);
    expect(second.result('ledger').message).toBe('1 rows inserted');
    expect(second.statements('model.demo.ledger').some((sql) => sql.includes('rename to'))).toBe(false);
    expect(await p.query('select id::int as id, run_marker from main.ledger order by id')).toEqual([
      { id: 1, run_marker: 'm1' },
      { id: 2, run_marker: 'm1' },
      { id: 3, run_marker: 'm2' },
    ]);
  });

  const schemaChangeModel = (mode: string) => `{{ config(materialized='incremental', on_schema_change='${mode}') }}
select id, val{% if var('extra', false) %}, 'e' || id as extra{% endif %}
from {{ ref('raw') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
`;

  it("on_schema_change 'fail' stops with MATERIALIZE_SCHEMA_CHANGE when a column is added, leaving the table as it was", async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/inc.sql': schemaChangeModel('fail') });
    expectOk(await p.sqlkit('run', ...vars({ rows: [[1, 'a'], [2, 'b']] })));
    const failed = await p.sqlkit('run', ...vars({ extra: true, rows: [[1, 'a'], [2, 'b'], [3, 'c']] }));
    expectExit(failed, 1);
    expect(failed.result('inc')).toMatchObject({ status: 'error', error: { code: 'MATERIALIZE_SCHEMA_CHANGE', file: 'models/inc.sql' } });
    expect(failed.result('inc').message).toContain('+extra');
    expect(failed.result('inc').error?.hint).toContain('--full-refresh');
    expect(await p.columns('inc')).toEqual(['id', 'val']);
    expect(await p.query('select id::int as id, val from main.inc order by id')).toEqual([{ id: 1, val: 'a' }, { id: 2, val: 'b' }]);
    expect(failed.statements('model.demo.inc').some((sql) => sql.startsWith('insert into'))).toBe(false);
    expect(await p.leftovers()).toEqual([]);
  });

  it("on_schema_change 'append_new_columns' adds the column; old rows get null", async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/inc.sql': schemaChangeModel('append_new_columns') });
    expectOk(await p.sqlkit('run', ...vars({ rows: [[1, 'a'], [2, 'b']] })));
    const second = await p.sqlkit('run', ...vars({ extra: true, rows: [[1, 'a'], [2, 'b'], [3, 'c']] }));
    expectOk(second);
    expect(second.statements('model.demo.inc')).toContain('alter table "main"."inc" add column "extra" VARCHAR');
    expect(await p.columns('inc')).toEqual(['id', 'val', 'extra']);
    expect(await p.query('select id::int as id, val, extra from main.inc order by id')).toEqual([
      { id: 1, val: 'a', extra: null },
      { id: 2, val: 'b', extra: null },
      { id: 3, val: 'c', extra: 'e3' },
    ]);
  });

  it("on_schema_change 'ignore' (the default) keeps the old columns and still inserts the new rows", async () => {
    const p = duckdbE2eProject({ 'models/raw.sql': RAW_FROM_VARS, 'models/inc.sql': schemaChangeModel('ignore') });
    expectOk(await p.sqlkit('run', ...vars({ rows: [[1, 'a']] })));
    expectOk(await p.sqlkit('run', ...vars({ extra: true, rows: [[1, 'a'], [2, 'b']] })));
    expect(await p.columns('inc')).toEqual(['id', 'val']);
    expect(await p.query('select id::int as id, val from main.inc order by id')).toEqual([{ id: 1, val: 'a' }, { id: 2, val: 'b' }]);
  });

  it('a ref used only inside is_incremental() fails the incremental run with TEMPLATE_UNDECLARED_DEPENDENCY', async () => {
    const model = (dependsOn: string) => `{{ config(materialized='incremental') }}
${dependsOn}select id, val from {{ ref('raw') }}
{% if is_incremental() %}
where id > (select coalesce(max(id), 0) from {{ ref('watermark') }})
{% endif %}
`;
    const p = duckdbE2eProject({
      'models/raw.sql': RAW_FROM_VARS,
      'models/watermark.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
      'models/inc.sql': model(''),
    });
    const first = await p.sqlkit('run', ...vars({ rows: [[1, 'a']] }));
    expectOk(first);
    const second = await p.sqlkit('run', ...vars({ rows: [[1, 'a'], [2, 'b']] }));
    expectExit(second, 1);
    expect(second.result('inc')).toMatchObject({ status: 'error', error: { code: 'TEMPLATE_UNDECLARED_DEPENDENCY', file: 'models/inc.sql' } });
    expect(second.result('inc').message).toContain('watermark');
    expect(second.result('inc').error?.hint).toContain("-- depends_on: {{ ref('watermark') }}");
    expect(await p.query('select id::int as id from main.inc')).toEqual([{ id: 1 }]);

    // The fix the hint gives works.
    p.write({ 'models/inc.sql': model("-- depends_on: {{ ref('watermark') }}\n") });
    const fixed = await p.sqlkit('run', ...vars({ rows: [[1, 'a'], [2, 'b']] }));
    expectOk(fixed);
    expect(fixed.result('inc').message).toBe('1 rows inserted');
    expect(await p.query('select id::int as id from main.inc order by id')).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

