import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, executeDuckdb, expectExit, expectOk, vars, type DuckdbE2eProject } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

// DuckDB incremental runs that insert the new rows straight from the model's query, with no staging table. The rows
// a delete+insert replaces are deleted after the insert. Mostly the table's last row group is at least half full
// (70,000 rows here), so no rows move with the append; the last test moves them (see duckdb-row-groups.ts).

afterAll(removeTempProjects);

/** Ids from..to-1 (vars), each with the run's marker; `extra` adds columns, `fail_at` makes one row fail at run time. */
const rangeModel = (config: string, extra = '') => `{{ config(materialized='incremental'${config}) }}
select cast(range as integer) as id,
       {% if var('fail_at', none) is not none %}case when range = {{ var('fail_at') }} then error('boom at ' || range) else '{{ var('run_marker') }}' end{% else %}'{{ var('run_marker') }}'{% endif %} as run_marker${extra}
from range({{ var('from') }}, {{ var('to') }})
`;

const markers = (p: DuckdbE2eProject, table: string) =>
  p.query<{ run_marker: string; rows: number; ids: number; low: number; high: number }>(
    `select run_marker, count(*)::int as rows, count(distinct id)::int as ids, min(id)::int as low, max(id)::int as high from main.${table} group by run_marker order by run_marker`,
  );

/** A project whose model `plays` is built with ids 0 to 69,999 (run marker m1): its last row group is over half full. */
async function builtWith70000Rows(model: string): Promise<DuckdbE2eProject> {
  const p = duckdbE2eProject({ 'models/plays.sql': model });
  expectOk(await p.sqlkit('run', ...vars({ from: 0, to: 70_000, run_marker: 'm1' })));
  return p;
}

describe('incremental runs that insert straight from the query (DuckDB)', () => {
  it('with unique_key, inserts the new rows and deletes the older rows they replace, with no staging table', async () => {
    const p = await builtWith70000Rows(rangeModel(", unique_key='id'"));

    const second = await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('plays')).toMatchObject({ status: 'success', rowsAffected: 20_000, message: '20000 rows inserted, 10000 replaced' });
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 60_000, ids: 60_000, low: 0, high: 59_999 },
      { run_marker: 'm2', rows: 20_000, ids: 20_000, low: 60_000, high: 79_999 },
    ]);
    const sent = second.statements('model.demo.plays');
    expect(sent[0]).toMatch(/^select \* from \(\n[\s\S]*\n\) as sqlkit_model limit 0$/);
    expect(sent.some((sql) => /create temporary table/.test(sql))).toBe(false);
    const insert = sent.findIndex((sql) => sql.startsWith('insert into "main"."plays"'));
    expect(sent[insert]).toContain('from range(60000, 80000)');
    expect(sent[insert + 1]).toBe(
      `with sqlkit_new as (select * from "main"."plays" where "main"."plays".rowid >= 70000)
delete from "main"."plays" using sqlkit_new where "main"."plays"."id" = sqlkit_new."id" and "main"."plays".rowid < 70000`,
    );
    // The record of where the table's storage ends counts the deleted rows' slots too, as DuckDB's row ids do.
    expect(await p.query('select tail_start::int as tail_start, row_end::int as row_end from main.sqlkit_row_groups')).toEqual([{ tail_start: 0, row_end: 90_000 }]);
    expect(await p.query('select (max(rowid) + 1)::int as slots from main.plays')).toEqual([{ slots: 90_000 }]);
    expect(await p.leftovers()).toEqual([]);

    // The next run starts from the record the direct append left, and replaces rows it inserted.
    const third = await p.sqlkit('run', ...vars({ from: 79_990, to: 80_010, run_marker: 'm3' }));
    expectOk(third);
    expect(third.result('plays').message).toBe('20 rows inserted, 10 replaced');
    expect(await p.query('select count(*)::int as rows, count(distinct id)::int as ids from main.plays')).toEqual([{ rows: 80_010, ids: 80_010 }]);
  });

  it('replaces rows when the new rows fill whole row groups, which DuckDB writes to the file before the commit', async () => {
    const p = await builtWith70000Rows(rangeModel(", unique_key='id'"));
    const second = await p.sqlkit('run', ...vars({ from: 65_000, to: 330_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.statements('model.demo.plays')[0]).toMatch(/ as sqlkit_model limit 0$/);
    expect(second.result('plays').message).toBe('265000 rows inserted, 5000 replaced');
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 65_000, ids: 65_000, low: 0, high: 64_999 },
      { run_marker: 'm2', rows: 265_000, ids: 265_000, low: 65_000, high: 329_999 },
    ]);
  });

  it('narrows the delete with incremental_predicates, which name the inserted rows sqlkit_new', async () => {
    const predicate = `incremental_predicates=["sqlkit_dest.id >= (select min(id) + 5000 from sqlkit_new)"]`;
    const p = await builtWith70000Rows(rangeModel(`, unique_key='id', ${predicate}`));
    const second = await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2' }));
    expectOk(second);
    // Old rows 60,000 to 64,999 are outside the predicate, so they stay beside their new copies.
    expect(second.result('plays').message).toBe('20000 rows inserted, 5000 replaced');
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 65_000, ids: 65_000, low: 0, high: 64_999 },
      { run_marker: 'm2', rows: 20_000, ids: 20_000, low: 60_000, high: 79_999 },
    ]);
    expect(second.statements('model.demo.plays').some((sql) => sql.includes('and ("main"."plays".id >= (select min(id) + 5000 from sqlkit_new))'))).toBe(true);
  });

  it('appends every new row when the model has no unique_key', async () => {
    const p = await builtWith70000Rows(rangeModel(''));
    const second = await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('plays').message).toBe('20000 rows inserted');
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 70_000, ids: 70_000, low: 0, high: 69_999 },
      { run_marker: 'm2', rows: 20_000, ids: 20_000, low: 60_000, high: 79_999 },
    ]);
    expect(second.statements('model.demo.plays').some((sql) => sql.startsWith('with sqlkit_new'))).toBe(false);
  });

  it('takes a model that ends in a semicolon and a comment, as the query it wraps', async () => {
    const p = await builtWith70000Rows(`${rangeModel(", unique_key='id'")};\n-- the last line is a comment\n`);
    const second = await p.sqlkit('run', ...vars({ from: 69_000, to: 71_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.statements('model.demo.plays')[0]).toMatch(/ as sqlkit_model limit 0$/);
    expect(second.result('plays').message).toBe('2000 rows inserted, 1000 replaced');
  });

  it('keeps every old row when a new row fails at run time, and names the model', async () => {
    const p = await builtWith70000Rows(rangeModel(", unique_key='id'"));
    const failed = await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2', fail_at: 75_000 }));
    expectExit(failed, 1);
    expect(failed.result('plays')).toMatchObject({ status: 'error' });
    expect(failed.result('plays').message).toContain('boom at 75000');
    expect(await markers(p, 'plays')).toEqual([{ run_marker: 'm1', rows: 70_000, ids: 70_000, low: 0, high: 69_999 }]);
    expect(await p.leftovers()).toEqual([]);
    // The table's record is as the last good run left it, so the next run appends after the same rows.
    expect(await p.query('select row_end::int as row_end from main.sqlkit_row_groups')).toEqual([{ row_end: 70_000 }]);
    expectOk(await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2' })));
    expect(await p.query('select count(*)::int as rows from main.plays')).toEqual([{ rows: 80_000 }]);
  });

  it('stages the rows when the table has a unique index, which an insert ahead of the delete would break', async () => {
    const p = await builtWith70000Rows(rangeModel(", unique_key='id'"));
    await executeDuckdb(p.db, ['create unique index plays_id on main.plays (id)']);
    const second = await p.sqlkit('run', ...vars({ from: 60_000, to: 80_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('plays').message).toBe('20000 rows inserted, 10000 replaced');
    expect(second.statements('model.demo.plays')[0]).toMatch(/^create temporary table /);
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 60_000, ids: 60_000, low: 0, high: 59_999 },
      { run_marker: 'm2', rows: 20_000, ids: 20_000, low: 60_000, high: 79_999 },
    ]);
  });

  it('adds a new column (on_schema_change append_new_columns), leaving it null in the old rows', async () => {
    const p = await builtWith70000Rows(rangeModel(", unique_key='id', on_schema_change='append_new_columns'"));
    p.write({ 'models/plays.sql': rangeModel(", unique_key='id', on_schema_change='append_new_columns'", `,\n       id * 2 as doubled`) });
    const second = await p.sqlkit('run', ...vars({ from: 70_000, to: 70_005, run_marker: 'm2' }));
    expectOk(second);
    expect(await p.columns('plays')).toEqual(['id', 'run_marker', 'doubled']);
    expect(await p.query('select count(*)::int as rows, count(doubled)::int as doubled, sum(doubled)::int as total from main.plays')).toEqual([{ rows: 70_005, doubled: 5, total: 2 * (70_000 + 70_001 + 70_002 + 70_003 + 70_004) }]);
  });

  it('with a moved tail, replaces rows before it and in it, counts them once, and keeps new rows that share a key', async () => {
    // 150,000 rows: one full group and a tail of 27,120 rows, under half a group, which moves with the append.
    const p = duckdbE2eProject({ 'models/plays.sql': rangeModel(", unique_key='id'") });
    expectOk(await p.sqlkit('run', ...vars({ from: 0, to: 150_000, run_marker: 'm1' })));
    expect(await p.query('select tail_start::int as tail_start, row_end::int as row_end from main.sqlkit_row_groups')).toEqual([{ tail_start: 122_880, row_end: 150_000 }]);

    // Ids 100,000 to 149,999 are replaced: 22,880 of them before the tail, 27,120 in it. Ids 200,000 and 200,001
    // come twice each: new rows that share a key are all kept, as where no rows move.
    p.write({ 'models/plays.sql': `${rangeModel(", unique_key='id'").trimEnd()}\nunion all select id, '{{ var('run_marker') }}' from (values (200000), (200001)) as twice(id)\n` });
    const second = await p.sqlkit('run', ...vars({ from: 100_000, to: 250_000, run_marker: 'm2' }));
    expectOk(second);
    const sent = second.statements('model.demo.plays');
    expect(sent[0]).toMatch(/ as sqlkit_model limit 0$/);
    expect(sent.some((sql) => sql.includes('as sqlkit_tail where sqlkit_tail.rowid >= 122880 and sqlkit_tail.rowid < 150000'))).toBe(true);
    expect(second.result('plays')).toMatchObject({ rowsAffected: 150_002, message: '150002 rows inserted, 50000 replaced' });
    expect(await markers(p, 'plays')).toEqual([
      { run_marker: 'm1', rows: 100_000, ids: 100_000, low: 0, high: 99_999 },
      { run_marker: 'm2', rows: 150_002, ids: 150_000, low: 100_000, high: 249_999 },
    ]);
    expect(await p.query('select id::int as id, count(*)::int as n from main.plays where id in (199999, 200000, 200001) group by id order by id')).toEqual([
      { id: 199_999, n: 1 },
      { id: 200_000, n: 2 },
      { id: 200_001, n: 2 },
    ]);
    expect(await p.leftovers()).toEqual([]);

    // A third run replaces rows the second one wrote, wherever DuckDB's checkpoint left them.
    const third = await p.sqlkit('run', ...vars({ from: 249_990, to: 250_010, run_marker: 'm3' }));
    expectOk(third);
    expect(third.result('plays').message).toBe('22 rows inserted, 14 replaced');
    expect(await p.query('select count(*)::int as rows, count(distinct id)::int as ids from main.plays')).toEqual([{ rows: 250_010, ids: 250_010 }]);
  });
});
