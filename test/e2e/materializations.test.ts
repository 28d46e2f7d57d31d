import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectExit, executeDuckdb, expectOk, RAW_FROM_VARS, vars } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

// View, table and ephemeral materializations end to end: the built CLI against a DuckDB file, checking the rows
// left in the warehouse, run_results.json and the SQL sent (statement events of --debug --log-format json).
// Incremental models are in materializations-incremental.test.ts.

afterAll(removeTempProjects);

describe('view', () => {
  it('is created as a view, and replaced in place when its SQL changes', async () => {
    const p = duckdbE2eProject({
      'models/base.sql': "{{ config(materialized='table') }}\nselect * from range(1, 4) as t(n)\n",
      'models/v.sql': "{{ config(materialized='view') }}\nselect n, n * 10 as tens from {{ ref('base') }}\n",
    });
    const first = await p.sqlkit('run');
    expectOk(first);
    expect(await p.relationType('v')).toBe('VIEW');
    expect(await p.query('select n::int as n, tens::int as tens from main.v order by n')).toEqual([
      { n: 1, tens: 10 },
      { n: 2, tens: 20 },
      { n: 3, tens: 30 },
    ]);
    expect(first.statements('model.demo.v')).toEqual(['create or replace view "main"."v" as\n\nselect n, n * 10 as tens from "main"."base"']);
    expect(first.result('v')).toMatchObject({ kind: 'view', status: 'success', message: 'view created' });

    p.write({ 'models/v.sql': "{{ config(materialized='view') }}\nselect n, n * 100 as hundreds from {{ ref('base') }} where n > 1\n" });
    const second = await p.sqlkit('run', '-s', 'v');
    expectOk(second);
    expect(second.results.map((r) => r.name)).toEqual(['v']);
    expect(await p.relationType('v')).toBe('VIEW');
    expect(await p.columns('v')).toEqual(['n', 'hundreds']);
    expect(await p.query('select n::int as n, hundreds::int as hundreds from main.v order by n')).toEqual([
      { n: 2, hundreds: 200 },
      { n: 3, hundreds: 300 },
    ]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('replaces a table of the same name with a view and a view with a table, through a temporary name', async () => {
    const p = duckdbE2eProject({
      'models/thing.sql': "{{ config(materialized=var('mat')) }}\nselect id, '{{ var('label') }}' as label from range(1, 3) as t(id)\n",
      'models/reader.sql': "{{ config(materialized='view') }}\nselect id, label from {{ ref('thing') }}\n",
    });
    const read = () => p.query<{ id: number; label: string }>('select id::int as id, label from main.reader order by id');

    expectOk(await p.sqlkit('run', ...vars({ mat: 'table', label: 'first' })));
    expect(await p.relationType('thing')).toBe('BASE TABLE');
    expect(await read()).toEqual([{ id: 1, label: 'first' }, { id: 2, label: 'first' }]);

    const toView = await p.sqlkit('run', ...vars({ mat: 'view', label: 'second' }));
    expectOk(toView);
    expect(await p.relationType('thing')).toBe('VIEW');
    expect(await read()).toEqual([{ id: 1, label: 'second' }, { id: 2, label: 'second' }]);
    const r1 = toView.runId!;
    expect(toView.statements('model.demo.thing')).toEqual([
      `create view "main"."thing__sqlkit_new_${r1}" as\n\nselect id, 'second' as label from range(1, 3) as t(id)`,
      `alter table "main"."thing" rename to "thing__sqlkit_old_${r1}"`,
      `alter view "main"."thing__sqlkit_new_${r1}" rename to "thing"`,
      `drop table "main"."thing__sqlkit_old_${r1}"`,
    ]);

    const toTable = await p.sqlkit('run', ...vars({ mat: 'table', label: 'third' }));
    expectOk(toTable);
    expect(await p.relationType('thing')).toBe('BASE TABLE');
    expect(await read()).toEqual([{ id: 1, label: 'third' }, { id: 2, label: 'third' }]);
    const r2 = toTable.runId!;
    expect(toTable.statements('model.demo.thing')).toEqual([
      `create table "main"."thing__sqlkit_new_${r2}" as\n\nselect id, 'third' as label from range(1, 3) as t(id)`,
      `alter view "main"."thing" rename to "thing__sqlkit_old_${r2}"`,
      `alter table "main"."thing__sqlkit_new_${r2}" rename to "thing"`,
      `drop view "main"."thing__sqlkit_old_${r2}"`,
    ]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('reports an error and keeps the old view when the new SQL does not bind', async () => {
    const p = duckdbE2eProject({ 'models/v.sql': "{{ config(materialized='view') }}\nselect 1 as a, 2 as b\n" });
    expectOk(await p.sqlkit('run'));
    p.write({ 'models/v.sql': "{{ config(materialized='view') }}\nselect no_such_column from (select 1 as a)\n" });
    const failed = await p.sqlkit('run');
    expectExit(failed, 1);
    expect(failed.result('v')).toMatchObject({ status: 'error', error: { code: 'ADAPTER_SQL' } });
    expect(failed.result('v').message).toContain('no_such_column');
    expect(await p.query('select a::int as a, b::int as b from main.v')).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('table', () => {
  const files = {
    'models/raw.sql': RAW_FROM_VARS,
    'models/facts.sql': "{{ config(materialized='table') }}\nselect id, val, id * 2 as doubled from {{ ref('raw') }}\n",
  };
  const batch1 = { rows: [[1, 'a'], [2, 'b'], [3, 'c']] };
  const facts = (p: ReturnType<typeof duckdbE2eProject>) =>
    p.query<{ id: number; val: string; doubled: number }>('select id::int as id, val, doubled::int as doubled from main.facts order by id');

  it('is built under a temporary name and swapped in within one transaction; a rebuild brings the new rows', async () => {
    const p = duckdbE2eProject(files);
    const first = await p.sqlkit('run', ...vars(batch1));
    expectOk(first);
    expect(first.result('facts')).toMatchObject({ kind: 'table', status: 'success', rowsAffected: 3, message: '3 rows' });
    expect(await facts(p)).toEqual([
      { id: 1, val: 'a', doubled: 2 },
      { id: 2, val: 'b', doubled: 4 },
      { id: 3, val: 'c', doubled: 6 },
    ]);
    // Nothing to rename away on the first build.
    expect(first.statements('model.demo.facts')).toEqual([
      `create table "main"."facts__sqlkit_new_${first.runId}" as\n\nselect id, val, id * 2 as doubled from "main"."raw"`,
      `alter table "main"."facts__sqlkit_new_${first.runId}" rename to "facts"`,
    ]);

    const second = await p.sqlkit('run', ...vars({ rows: [[7, 'x'], [8, 'y']] }));
    expectOk(second);
    expect(second.result('facts').rowsAffected).toBe(2);
    expect(await facts(p)).toEqual([
      { id: 7, val: 'x', doubled: 14 },
      { id: 8, val: 'y', doubled: 16 },
    ]);
    const r = second.runId!;
    expect(second.statements('model.demo.facts')).toEqual([
      `create table "main"."facts__sqlkit_new_${r}" as\n\nselect id, val, id * 2 as doubled from "main"."raw"`,
      `alter table "main"."facts" rename to "facts__sqlkit_old_${r}"`,
      `alter table "main"."facts__sqlkit_new_${r}" rename to "facts"`,
      `drop table "main"."facts__sqlkit_old_${r}"`,
    ]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('keeps the old table whole when the new SQL fails at run time, and skips what reads it', async () => {
    const p = duckdbE2eProject({
      ...files,
      'models/downstream.sql': "{{ config(materialized='table') }}\nselect count(*) as n, '{{ var('marker', 'm1') }}' as marker from {{ ref('facts') }}\n",
      'models/independent.sql': "{{ config(materialized='table') }}\nselect '{{ var('marker', 'm1') }}' as marker\n",
    });
    expectOk(await p.sqlkit('run', ...vars(batch1)));
    const before = await facts(p);
    expect(before).toHaveLength(3);

    // A value that only fails when the row is cast, i.e. while the new table is being filled.
    p.write({ 'models/facts.sql': "{{ config(materialized='table') }}\nselect id, val, cast(val as integer) as doubled from {{ ref('raw') }}\n" });
    const failed = await p.sqlkit('run', ...vars({ rows: [[1, '10'], [2, 'not a number'], [3, '30']], marker: 'm2' }));
    expectExit(failed, 1);
    const error = failed.result('facts');
    expect(error.status).toBe('error');
    expect(error.error).toMatchObject({ code: 'ADAPTER_SQL', file: 'target/compiled/demo/models/facts.sql' });
    expect(error.message).toMatch(/Conversion Error/);
    expect(error.message).toContain('not a number');
    expect(failed.result('raw').status).toBe('success');
    expect(failed.result('downstream')).toMatchObject({ status: 'skipped', skippedBecause: 'model.demo.facts' });
    expect(failed.result('independent').status).toBe('success');
    expect(await p.query('select marker from main.independent')).toEqual([{ marker: 'm2' }]);

    expect(await facts(p)).toEqual(before);
    expect(await p.query('select n::int as n, marker from main.downstream')).toEqual([{ n: 3, marker: 'm1' }]);
    expect(await p.leftovers()).toEqual([]);
  });

  it('keeps the old table whole when the new SQL references a missing column', async () => {
    const p = duckdbE2eProject(files);
    expectOk(await p.sqlkit('run', ...vars(batch1)));
    const before = await facts(p);
    p.write({ 'models/facts.sql': "{{ config(materialized='table') }}\nselect id, missing_column from {{ ref('raw') }}\n" });
    const failed = await p.sqlkit('run', ...vars({ rows: [[9, 'z']] }));
    expectExit(failed, 1);
    expect(failed.result('facts')).toMatchObject({ status: 'error', error: { code: 'ADAPTER_SQL' } });
    expect(failed.result('facts').message).toContain('missing_column');
    // raw was rebuilt (one row now) but facts still holds the three rows of the last good build.
    expect(await p.query('select count(*)::int as n from main.raw')).toEqual([{ n: 1 }]);
    expect(await facts(p)).toEqual(before);
    expect(await p.columns('facts')).toEqual(['id', 'val', 'doubled']);
    expect(await p.leftovers()).toEqual([]);
  });

  it('fails mid-way through a large build without leaving the half-built table behind', async () => {
    const p = duckdbE2eProject({
      'models/big.sql': "{{ config(materialized='table') }}\nselect i, case when i = {{ var('fail_at', -1) }} then error('boom at ' || i) else i * 2 end as v from range(200000) as t(i)\n",
    });
    expectOk(await p.sqlkit('run'));
    const before = await p.query<{ n: number; total: string }>('select count(*)::int as n, sum(v)::varchar as total from main.big');
    expect(before).toEqual([{ n: 200000, total: String(200000 * 199999) }]);
    const failed = await p.sqlkit('run', ...vars({ fail_at: 150000 }));
    expectExit(failed, 1);
    expect(failed.result('big').message).toContain('boom at 150000');
    expect(await p.query('select count(*)::int as n, sum(v)::varchar as total from main.big')).toEqual(before);
    expect(await p.leftovers()).toEqual([]);
  });

  it('drops the temporary relations an interrupted earlier run left behind', async () => {
    const p = duckdbE2eProject({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id\n" });
    expectOk(await p.sqlkit('run'));
    await executeDuckdb(p.db, [
      'create table main."t__sqlkit_new_0a1b2c3d4e" as select 42 as id',
      'create view main."t__sqlkit_old_0a1b2c3d4e" as select 43 as id',
      'create table main."t__sqlkit_backup" as select 44 as id',
    ]);
    expect(await p.leftovers()).toEqual(['main.t__sqlkit_backup', 'main.t__sqlkit_new_0a1b2c3d4e', 'main.t__sqlkit_old_0a1b2c3d4e']);
    expectOk(await p.sqlkit('run'));
    // Only names with a run id are sqlkit's own; anything else is left alone.
    expect(await p.leftovers()).toEqual(['main.t__sqlkit_backup']);
    expect(await p.query('select id::int as id from main.t')).toEqual([{ id: 1 }]);
  });
});

describe('ephemeral', () => {
  it('is never created in the warehouse and is inlined as a CTE', async () => {
    const p = duckdbE2eProject({
      'models/nums.sql': "{{ config(materialized='ephemeral') }}\nselect * from range(1, 6) as t(n)\n",
      'models/squares.sql': "{{ config(materialized='table') }}\nselect n, n * n as sq from {{ ref('nums') }}\n",
    });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.results.map((r) => r.name)).toEqual(['squares']);
    expect(await p.query("select table_name from information_schema.tables where table_name ilike '%nums%'")).toEqual([]);
    const compiled = p.compiled('models/squares.sql');
    expect(compiled).toMatch(/^\s*with "__sqlkit_cte__nums" as \(\s*select \* from range\(1, 6\) as t\(n\)\s*\)\s*select n, n \* n as sq from "__sqlkit_cte__nums"\s*$/);
    expect(compiled).toContain('from "__sqlkit_cte__nums"');
    expect(run.statements('model.demo.squares')[0]).toContain(compiled.trim());
    expect(run.statements().some((sql) => /create (table|view) "main"\."nums/.test(sql))).toBe(false);
    expect(await p.query('select n::int as n, sq::int as sq from main.squares order by n')).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, sq: n * n })));
  });

  it('merges into a consuming model that starts with WITH, and inlines an ephemeral model of an ephemeral model first (its trailing ; and comment dropped)', async () => {
    const p = duckdbE2eProject({
      'models/nums.sql': "{{ config(materialized='ephemeral') }}\n-- one to ten\nselect * from range(1, 11) as t(n);\n-- a closing note after the semicolon\n",
      'models/evens.sql': "{{ config(materialized='ephemeral') }}\nwith src as (select n from {{ ref('nums') }})\nselect n from src where n % 2 = 0\n",
      'models/report.sql': `{{ config(materialized='view') }}
/* evens, doubled */
WITH doubled AS (
  select n * 2 as d from {{ ref('evens') }}
)
select d, (select count(*) from {{ ref('nums') }}) as total from doubled
`,
    });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.results.map((r) => r.name)).toEqual(['report']);
    const compiled = p.compiled('models/report.sql');
    // One WITH: the query's own, with the CTEs in front of `doubled`, nums before evens which reads it.
    expect(compiled.trimStart().startsWith('/* evens, doubled */\nWITH "__sqlkit_cte__nums" as (')).toBe(true);
    expect(compiled.match(/with\s+"__sqlkit_cte__/gi)).toHaveLength(1);
    expect(compiled.match(/\bWITH doubled\b/gi)).toBeNull();
    const numsAt = compiled.indexOf('"__sqlkit_cte__nums" as (');
    const evensAt = compiled.indexOf('"__sqlkit_cte__evens" as (');
    const doubledAt = compiled.indexOf('doubled AS (');
    expect(numsAt).toBeGreaterThan(0);
    expect(evensAt).toBeGreaterThan(numsAt);
    expect(doubledAt).toBeGreaterThan(evensAt);
    expect(compiled.split('"__sqlkit_cte__nums" as (').length - 1).toBe(1);
    expect(compiled).not.toContain(';');
    expect(compiled).not.toContain('closing note');
    expect(await p.query('select d::int as d, total::int as total from main.report order by d')).toEqual([4, 8, 12, 16, 20].map((d) => ({ d, total: 10 })));
    const names = await p.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'main' order by 1");
    expect(names.map((r) => r.table_name)).toEqual(['report']);
  });
});
