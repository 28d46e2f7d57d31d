import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectOk } from '../support/duckdb-e2e.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { removeTempProjects } from '../support/temp-project.js';

afterAll(removeTempProjects);

/** sources/app.yml for one table of integer ids read from `path`. */
const sourceAt = (path: string, options: { incremental?: boolean } = {}) => `sources:
  - name: app
    schema: raw
    tables:
      - name: events${options.incremental ? '\n        incremental: true' : ''}
        location:
          local:
            path: ${path}
        columns:
          - { name: id, type: integer }
`;
const ids = (...values: number[]) => values.map((id) => JSON.stringify({ id })).join('\n') + '\n';
const loadedIds = async (p: ReturnType<typeof duckdbE2eProject>) => (await p.query<{ id: number }>('select id::int as id from raw.events order by id')).map((r) => r.id);

describe('the files a local source reads', () => {
  it('reads every file under a folder, however deep, and skips hidden files and folders', async () => {
    const p = duckdbE2eProject({
      'sources/app.yml': sourceAt('data/events'),
      'data/events/a.json': ids(1),
      'data/events/2018/11/b.json': ids(2),
      'data/events/2018/11/deeper/c.json': ids(3),
      'data/events/.DS_Store': 'not json',
      'data/events/.git/objects/x.json': 'not json either',
      'data/events/2018/.hidden/d.json': ids(99),
    });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.result('app.events').message).toBe('3 rows loaded from 3 files');
    expect(await loadedIds(p)).toEqual([1, 2, 3]);
  });

  it('treats a path that names no folder as a prefix, as COPY treats an S3 key prefix', async () => {
    const p = duckdbE2eProject({
      'sources/app.yml': sourceAt('data/events/2018-11'),
      'data/events/2018-11-01.json': ids(1),
      'data/events/2018-11-02.json': ids(2),
      'data/events/2018-12-01.json': ids(3),
    });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.result('app.events').message).toBe('2 rows loaded from 2 files');
    expect(await loadedIds(p)).toEqual([1, 2]);
  });
});

// An incremental source reads back which files it loaded as one packed text (see loadedFileStamps); a file name
// holding the separators must still be recognised, or the next run would load that file twice.
describe('the record of loaded files', () => {
  for (const [label, odd] of [['a tab', 'part\t1.json'], ['a newline', 'part\n1.json']] as const) {
    it(`appends only the new file when a loaded file's name holds ${label}`, async () => {
      const p = duckdbE2eProject({ 'sources/app.yml': sourceAt('data/events', { incremental: true }), [`data/events/${odd}`]: ids(1, 2), 'data/events/part-2.json': ids(3) });
      const first = await p.sqlkit('run');
      expectOk(first);
      expect(first.result('app.events')).toMatchObject({ rowsAffected: 3, message: '3 rows loaded from 2 files' });

      const unchanged = await p.sqlkit('run');
      expectOk(unchanged);
      expect(unchanged.result('app.events').message).toBe('no new files');

      p.write({ 'data/events/part-3.json': ids(4, 5) });
      const second = await p.sqlkit('run');
      expectOk(second);
      expect(second.result('app.events')).toMatchObject({ rowsAffected: 2, message: '2 rows appended from 1 file' });
      expect(await loadedIds(p)).toEqual([1, 2, 3, 4, 5]);
    });
  }
});

// A run whose listing of a source's files is exactly as when the record was last written or checked knows them
// unchanged from one row of sqlkit_file_listings; any other listing compares every file with the record.
describe('the summary of the record of loaded files', () => {
  const readsRecord = (statements: string[]) => statements.filter((sql) => /string_agg\(filename|^select filename, size, modified_ms from/.test(sql)).length;
  const writesSummary = (statements: string[]) => statements.filter((sql) => /^insert into "raw"\."sqlkit_file_listings"/.test(sql)).length;

  it('finds unchanged files from the listing alone, and compares them with the record once a stamp changes', async () => {
    const p = duckdbE2eProject({ 'sources/app.yml': sourceAt('data/events', { incremental: true }), 'data/events/a.json': ids(1, 2), 'data/events/b.json': ids(3) });
    const first = await p.sqlkit('run');
    expectOk(first);
    expect(writesSummary(first.statements('source.demo.app.events'))).toBe(1);

    const unchanged = await p.sqlkit('run');
    expectOk(unchanged);
    expect(unchanged.result('app.events').message).toBe('no new files');
    expect(readsRecord(unchanged.statements('source.demo.app.events'))).toBe(0);
    expect(writesSummary(unchanged.statements('source.demo.app.events'))).toBe(0);

    // Same size and content, a new modification time: only the stamp says the file changed.
    const a = join(p.dir, 'data/events/a.json');
    utimesSync(a, new Date(statSync(a).atimeMs), new Date(statSync(a).mtimeMs + 5_000));
    const touched = await p.sqlkit('run');
    expectOk(touched);
    expect(touched.result('app.events').message).toBe('3 rows loaded from 2 files (reloaded: data/events/a.json changed)');
    expect(readsRecord(touched.statements('source.demo.app.events'))).toBe(1);

    const again = await p.sqlkit('run');
    expect(again.result('app.events').message).toBe('no new files');
    expect(readsRecord(again.statements('source.demo.app.events'))).toBe(0);
    expect(await loadedIds(p)).toEqual([1, 2, 3]);
  });

  /** A project whose incremental source has loaded two files. */
  const loadedTwoFiles = async () => {
    const p = duckdbE2eProject({ 'sources/app.yml': sourceAt('data/events', { incremental: true }), 'data/events/a.json': ids(1), 'data/events/b.json': ids(2) });
    expectOk(await p.sqlkit('run'));
    return p;
  };

  it('compares every file where the warehouse has no summary (an older sqlkit wrote it), then writes one', async () => {
    const p = await loadedTwoFiles();
    await queryDuckdb(p.db, 'drop table raw.sqlkit_file_listings', { writable: true });

    const compared = await p.sqlkit('run');
    expectOk(compared);
    expect(compared.result('app.events').message).toBe('no new files');
    expect(readsRecord(compared.statements('source.demo.app.events'))).toBe(1);
    expect(writesSummary(compared.statements('source.demo.app.events'))).toBe(1);

    const trusted = await p.sqlkit('run');
    expect(trusted.result('app.events').message).toBe('no new files');
    expect(readsRecord(trusted.statements('source.demo.app.events'))).toBe(0);
  });

  it('does not trust a summary that disagrees with the record, as after an edit by hand', async () => {
    const p = await loadedTwoFiles();
    // The record now says b.json was never loaded: the record is what a run trusts, so it loads b.json again.
    await queryDuckdb(p.db, "delete from raw.sqlkit_loaded_files where filename = 'data/events/b.json'", { writable: true });
    const run = await p.sqlkit('run');
    expectOk(run);
    expect(run.result('app.events').message).toBe('1 rows appended from 1 file');
    expect(readsRecord(run.statements('source.demo.app.events'))).toBe(1);
  });

  it('checks for empty files again when a source stops allowing them, though no file changed', async () => {
    const source = (allow: boolean) => sourceAt('data/events', { incremental: true }).replace('incremental: true', `incremental: true\n        allow_empty_files: ${allow}`);
    const p = duckdbE2eProject({ 'sources/app.yml': source(true), 'data/events/a.json': ids(1), 'data/events/empty.json': '' });
    expectOk(await p.sqlkit('run'));
    p.write({ 'sources/app.yml': source(false) });
    const run = await p.sqlkit('run');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('LOAD_EMPTY_FILE');
  });
});
