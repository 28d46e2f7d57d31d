import { afterAll, describe, expect, it } from 'vitest';
import { duckdbE2eProject, expectOk } from '../support/duckdb-e2e.js';
import { removeTempProjects } from '../support/temp-project.js';

afterAll(removeTempProjects);

// An incremental source reads back which files it loaded as one packed text (see loadedFileStamps); a file name
// holding the separators must still be recognised, or the next run would load that file twice.
describe('the record of loaded files', () => {
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
  const rows = (...ids: number[]) => ids.map((id) => JSON.stringify({ id })).join('\n') + '\n';

  for (const [label, odd] of [['a tab', 'part\t1.json'], ['a newline', 'part\n1.json']] as const) {
    it(`appends only the new file when a loaded file's name holds ${label}`, async () => {
      const p = duckdbE2eProject({ 'sources/app.yml': sourceYml, [`data/events/${odd}`]: rows(1, 2), 'data/events/part-2.json': rows(3) });
      const first = await p.sqlkit('run');
      expectOk(first);
      expect(first.result('app.events')).toMatchObject({ rowsAffected: 3, message: '3 rows loaded from 2 files' });

      const unchanged = await p.sqlkit('run');
      expectOk(unchanged);
      expect(unchanged.result('app.events').message).toBe('no new files');

      p.write({ 'data/events/part-3.json': rows(4, 5) });
      const second = await p.sqlkit('run');
      expectOk(second);
      expect(second.result('app.events')).toMatchObject({ rowsAffected: 2, message: '2 rows appended from 1 file' });
      expect(Number((await p.query<{ n: unknown }>('select count(*) as n from raw.events'))[0]!.n)).toBe(5);
    });
  }
});
