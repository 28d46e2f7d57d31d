import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../reliability/live-cli.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

const ROWS = 200_000;

/**
 * DuckDB lets one process at a time open a database file. `gate` reads a named pipe, so the first run holds the
 * file (and `wide` is already rebuilt) until the test writes to the pipe: the second run is refused while the first
 * is certainly still running, and must not wait for it.
 */
describe.runIf(testEngines().includes('duckdb'))('two runs on one DuckDB file', () => {
  afterAll(() => removeTempProjects());

  it('the second fails at once with ADAPTER_LOCKED (exit 2) and the first finishes with whole tables', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml({ name: 'locked', threads: 1, extra: 'models:\n  +materialized: table\n' }),
      'models/wide.sql': `select range as id, range * 2 as doubled from range(${ROWS})`,
      'models/gate.sql': `select g.a, count(*) as n from {{ ref('wide') }} w cross join read_csv('gate.fifo', columns = {'a': 'integer'}, header = false) g group by g.a`,
      'models/after_gate.sql': `select a, n from {{ ref('gate') }}`,
    });
    const fifo = join(dir, 'gate.fifo');
    execFileSync('mkfifo', [fifo]);
    const setupFeed = feed(fifo, '7\n');
    const setup = await runCli(['run'], { cwd: dir });
    expect(setup.code, setup.stdout + setup.stderr).toBe(0);
    await setupFeed;

    const first = startCli(['run'], { cwd: dir });
    await first.waitForEvent((e) => e.event === 'node_started' && e.name === 'gate');

    const second = await runCli(['run'], { cwd: dir });
    expect(second.code, second.stdout + second.stderr).toBe(2);
    expect(second.stderr).toContain('error[ADAPTER_LOCKED]');
    expect(second.stderr).toContain(`is in use by another process (PID ${first.pid})`);
    expect(second.stderr).toContain('Wait for the other sqlkit run');
    // It did not queue behind the first run: that one is still reading the pipe.
    expect(first.exited()).toBe(false);

    await feed(fifo, '7\n8\n');
    const done = await first.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);

    const db = join(dir, 'target', 'demo.duckdb');
    expect(await queryDuckdb(db, 'select count(*)::int as n, sum(doubled)::double as total from wide')).toEqual([{ n: ROWS, total: ROWS * (ROWS - 1) }]);
    expect(await queryDuckdb(db, 'select a, n::int as n from gate order by a')).toEqual([{ a: 7, n: ROWS }, { a: 8, n: ROWS }]);
    expect(await queryDuckdb(db, 'select a, n::int as n from after_gate order by a')).toEqual([{ a: 7, n: ROWS }, { a: 8, n: ROWS }]);
    expect(await queryDuckdb(db, "select table_name from information_schema.tables where table_name like '%\\_\\_sqlkit\\_%' escape '\\'")).toEqual([]);
  });
});

/** Writes `text` into the named pipe once a reader opens it (opening blocks until then). */
function feed(fifo: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(fifo);
    stream.on('error', reject);
    stream.end(text, () => resolve());
  });
}
