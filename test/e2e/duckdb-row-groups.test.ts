import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectOk, vars, type DuckdbE2eProject, type SqlkitRun } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

// Appends on DuckDB keep the table's row groups full (src/adapters/duckdb/duckdb-row-groups.ts): a part-filled last
// group under half full is written again with the new rows when DuckDB would merge it with them otherwise (for a
// model, whose new rows are not counted beforehand, whenever it is under half full and not the whole table), and
// where the last group starts is recorded beside the table. Each run is checked against DuckDB's own description of
// the table's storage, read after sqlkit closed the database (so after its checkpoint), and against the rows the
// table must hold.

afterAll(removeTempProjects);

const GROUP = 122_880;

/** Row groups holding `rows` rows written in order: full ones, then the rest. */
const packed = (rows: number): number[] => [...Array<number>(Math.floor(rows / GROUP)).fill(GROUP), ...(rows % GROUP ? [rows % GROUP] : [])];

/** Rows per row group, in order, as DuckDB stores the table (deleted rows included). */
async function groupSizes(p: DuckdbE2eProject, table: string): Promise<number[]> {
  const rows = await p.query<{ rows: number }>(
    `select sum(count)::int as rows from pragma_storage_info('${table}') where column_id = 0 and column_path = '[0, 0]' group by row_group_id order by row_group_id`,
  );
  return rows.map((r) => r.rows);
}

async function recorded(p: DuckdbE2eProject, schema: string, table: string): Promise<{ tail_start: number; row_end: number } | undefined> {
  const rows = await p.query<{ tail_start: number; row_end: number }>(`select tail_start::int as tail_start, row_end::int as row_end from ${schema}.sqlkit_row_groups where table_name = '${table}'`);
  return rows[0];
}

/** The record says where the part-filled groups at the end start and where the table ends, as DuckDB has them. */
async function expectRecordMatchesStorage(p: DuckdbE2eProject, schema: string, table: string): Promise<number[]> {
  const sizes = await groupSizes(p, `${schema}.${table}`);
  const end = sizes.reduce((a, b) => a + b, 0);
  let tail = sizes.length;
  while (tail > 0 && sizes[tail - 1]! < GROUP) tail--;
  expect(await recorded(p, schema, table)).toEqual({ tail_start: sizes.slice(0, tail).reduce((a, b) => a + b, 0), row_end: end });
  return sizes;
}

const movesTail = (run: SqlkitRun, id: string) => run.statements(id).some((sql) => sql.includes(" as sqlkit_tail where sqlkit_tail.rowid >= "));

async function writeByHand(p: DuckdbE2eProject, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(p.db);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('appends to an incremental model on DuckDB', () => {
  const model = `{{ config(materialized='incremental') }}
select id, md5(id::varchar) as tag, '{{ var('run_marker') }}' as run_marker
from range({{ var('from', 0) }}, {{ var('to') }}) as r(id)
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
`;
  const rowsOf = (p: DuckdbE2eProject) =>
    p.query<{ n: number; ids: number; low: number; high: number }>('select count(*)::int as n, count(distinct id)::int as ids, min(id)::int as low, max(id)::int as high from main.events_log');

  it('moves a tail under half a group into each append, and keeps every row once', async () => {
    const p = duckdbE2eProject({ 'models/events_log.sql': model });
    const id = 'model.demo.events_log';

    expectOk(await p.sqlkit('run', ...vars({ to: 150_000, run_marker: 'm1' })));
    const built = await expectRecordMatchesStorage(p, 'main', 'events_log');
    expect(built.reduce((a, b) => a + b, 0)).toBe(150_000);
    const tail = built.at(-1)!;
    expect(tail).toBeLessThan(GROUP / 2);

    // 250,760 new rows after a tail under half a group: left where it is, the tail, the append's two full groups
    // and its last 5,000 rows would fit in three groups, which DuckDB's checkpoint would rewrite. So the tail's
    // rows are written again ahead of the new ones, and the table ends in full groups and one part-filled group.
    const second = await p.sqlkit('run', ...vars({ to: 400_760, run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('events_log')).toMatchObject({ rowsAffected: 250_760, message: '250760 rows inserted' });
    expect(movesTail(second, id)).toBe(true);
    const afterSecond = await expectRecordMatchesStorage(p, 'main', 'events_log');
    expect(afterSecond).toEqual([...built.slice(0, -1), ...packed(tail + 250_760)]);
    expect(await rowsOf(p)).toEqual([{ n: 400_760, ids: 400_760, low: 0, high: 400_759 }]);

    // 10,000 rows: a model's new rows are inserted straight from its query, not counted first, so the tail moves
    // with them too, and the table still ends in one part-filled group.
    const third = await p.sqlkit('run', ...vars({ to: 410_760, run_marker: 'm3' }));
    expectOk(third);
    expect(third.result('events_log')).toMatchObject({ rowsAffected: 10_000 });
    expect(movesTail(third, id)).toBe(true);
    const afterThird = await expectRecordMatchesStorage(p, 'main', 'events_log');
    const smallTail = afterSecond.at(-1)! + 10_000;
    expect(afterThird).toEqual([...afterSecond.slice(0, -1), smallTail]);

    // 300,000 new rows: the part-filled groups move, and every group but the last is full.
    const fourth = await p.sqlkit('run', ...vars({ to: 710_760, run_marker: 'm4' }));
    expectOk(fourth);
    expect(fourth.result('events_log')).toMatchObject({ rowsAffected: 300_000 });
    expect(movesTail(fourth, id)).toBe(true);
    const afterFourth = await expectRecordMatchesStorage(p, 'main', 'events_log');
    expect(afterFourth).toEqual([...afterSecond.slice(0, -1), ...packed(smallTail + 300_000)]);
    expect(await rowsOf(p)).toEqual([{ n: 710_760, ids: 710_760, low: 0, high: 710_759 }]);
    expect(await p.query(`select run_marker, count(*)::int as n from main.events_log group by 1 order by 1`)).toEqual([
      { run_marker: 'm1', n: 150_000 },
      { run_marker: 'm2', n: 250_760 },
      { run_marker: 'm3', n: 10_000 },
      { run_marker: 'm4', n: 300_000 },
    ]);
  });

  it('reads the storage again when the table changed outside sqlkit, and moves no rows of a table with a unique index', async () => {
    const p = duckdbE2eProject({ 'models/events_log.sql': model });
    const id = 'model.demo.events_log';
    expectOk(await p.sqlkit('run', ...vars({ to: 130_000, run_marker: 'm1' })));
    await expectRecordMatchesStorage(p, 'main', 'events_log');

    // Rows appended by hand: the record no longer says where the table ends.
    await writeByHand(p, `insert into main.events_log select id, 'by hand', 'hand' from range(130000, 130010) as r(id)`);
    const second = await p.sqlkit('run', ...vars({ to: 400_000, run_marker: 'm2' }));
    expectOk(second);
    expect(second.result('events_log')).toMatchObject({ rowsAffected: 269_990 });
    expect(movesTail(second, id)).toBe(true);
    const sizes = await expectRecordMatchesStorage(p, 'main', 'events_log');
    expect(sizes).toEqual(packed(400_000));
    expect(await rowsOf(p)).toEqual([{ n: 400_000, ids: 400_000, low: 0, high: 399_999 }]);
    expect(await p.query(`select count(*)::int as n from main.events_log where run_marker = 'hand' and tag = 'by hand'`)).toEqual([{ n: 10 }]);

    // With a unique index, the tail would move (under half a group, and DuckDB could merge it with the append's
    // groups, were it not that it never merges the groups of a table with an index) but stays.
    await writeByHand(p, 'create unique index events_log_id on main.events_log (id)');
    const third = await p.sqlkit('run', ...vars({ to: 530_000, run_marker: 'm3' }));
    expectOk(third);
    expect(movesTail(third, id)).toBe(false);
    expect(await rowsOf(p)).toEqual([{ n: 530_000, ids: 530_000, low: 0, high: 529_999 }]);
  });

  it('keeps the old rows and the old record when the append fails', async () => {
    const failing = `{{ config(materialized='incremental') }}
select id, {% if var('fail', false) %}'x' || id{% else %}id{% endif %} as n from range(0, {{ var('to') }}) as r(id)
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
`;
    const p = duckdbE2eProject({ 'models/numbers.sql': failing });
    const built = GROUP + 1_000;
    expectOk(await p.sqlkit('run', ...vars({ to: built })));
    const before = await recorded(p, 'main', 'numbers');
    // A tail of 1,000 rows, then two full groups and 1,000 rows: left where it is, the tail would be merged with them.
    const to = built + 2 * GROUP + 1_000;
    const failed = await p.sqlkit('run', ...vars({ to, fail: true }));
    expect(failed.result('numbers')).toMatchObject({ status: 'error' });
    // The new rows' text cannot go into the integer column: the insert of the tail's rows and the new ones fails,
    // and the transaction leaves the table as it was.
    expect(movesTail(failed, 'model.demo.numbers')).toBe(true);
    expect(await p.query('select count(*)::int as n, count(distinct id)::int as ids from main.numbers')).toEqual([{ n: built, ids: built }]);
    expect(await recorded(p, 'main', 'numbers')).toEqual(before);
    expectOk(await p.sqlkit('run', ...vars({ to })));
    expect(await p.query('select count(*)::int as n, count(distinct id)::int as ids from main.numbers')).toEqual([{ n: to, ids: to }]);
    await expectRecordMatchesStorage(p, 'main', 'numbers');
  });
});

describe('appends to an incremental source on DuckDB', () => {
  const sourceYml = `sources:
  - name: app
    schema: raw
    tables:
      - name: events
        incremental: true
        location:
          local:
            path: data/events
        columns:
          - { name: id, type: integer }
`;
  const ids = (from: number, to: number) => {
    const lines: string[] = [];
    for (let id = from; id < to; id++) lines.push(`{"id": ${id}}`);
    return lines.join('\n') + '\n';
  };

  it("writes a new file's rows after the moved tail, in full groups, and counts only the new rows", async () => {
    const p = duckdbE2eProject({ 'sources/app.yml': sourceYml, 'data/events/part-1.json': ids(0, 130_000) });
    expectOk(await p.sqlkit('run'));
    const built = await expectRecordMatchesStorage(p, 'raw', 'events');
    expect(built.at(-1)).toBeLessThan(GROUP / 2);

    // The new file's rows are estimated from its size (at the bytes per row of the first file) to fill a group
    // with the tail's, so the tail moves.
    p.write({ 'data/events/part-2.json': ids(130_000, 260_000) });
    const second = await p.sqlkit('run');
    expectOk(second);
    expect(second.result('app.events').message).toBe('130000 rows appended from 1 file');
    expect(movesTail(second, 'source.demo.app.events')).toBe(true);
    const sizes = await expectRecordMatchesStorage(p, 'raw', 'events');
    expect(sizes).toEqual([...built.slice(0, -1), ...packed(built.at(-1)! + 130_000)]);
    expect(await p.query('select count(*)::int as n, count(distinct id)::int as ids, max(id)::int as high from raw.events')).toEqual([{ n: 260_000, ids: 260_000, high: 259_999 }]);

    // A file too small to fill a group with the tail is appended after it.
    p.write({ 'data/events/part-3.json': ids(260_000, 261_000) });
    const third = await p.sqlkit('run');
    expectOk(third);
    expect(movesTail(third, 'source.demo.app.events')).toBe(false);
    await expectRecordMatchesStorage(p, 'raw', 'events');
    expect(await p.query('select count(*)::int as n, count(distinct id)::int as ids from raw.events')).toEqual([{ n: 261_000, ids: 261_000 }]);
  });

  it('leaves a tail under half a group where the groups a new file fills could not merge with it', async () => {
    const p = duckdbE2eProject({ 'sources/app.yml': sourceYml, 'data/events/part-1.json': ids(0, 150_000) });
    expectOk(await p.sqlkit('run'));
    const built = await expectRecordMatchesStorage(p, 'raw', 'events');
    expect(built).toEqual([GROUP, 150_000 - GROUP]);

    // The tail and the file's 100,000 rows hold more than a group, so DuckDB cannot merge them: both stay as
    // written, through sqlkit's close and DuckDB's checkpoint.
    p.write({ 'data/events/part-2.json': ids(150_000, 250_000) });
    const second = await p.sqlkit('run');
    expectOk(second);
    expect(second.result('app.events').message).toBe('100000 rows appended from 1 file');
    expect(movesTail(second, 'source.demo.app.events')).toBe(false);
    expect(await expectRecordMatchesStorage(p, 'raw', 'events')).toEqual([...built, 100_000]);
    expect(await p.query('select count(*)::int as n, count(distinct id)::int as ids, max(id)::int as high from raw.events')).toEqual([{ n: 250_000, ids: 250_000, high: 249_999 }]);
  });
});
