import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectOk } from '../support/duckdb-e2e.js';
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
