import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeProject, SqlkitAggregateError, SqlkitError } from '../../src/index.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { testEngines } from '../support/engines.js';
import { runCli } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

/**
 * executeProject starts opening an existing DuckDB file while it compiles. Whatever fails before the run takes the
 * database over must close it again (DuckDB lets one process at a time open a file: a leak would lock out the next
 * run), and a database that does not exist yet is not created by a run that never starts.
 */
describe.runIf(testEngines().includes('duckdb'))('opening the warehouse beside the compile', () => {
  const project = () =>
    writeProject({
      'project.yml': duckdbProjectYml({ name: 'early', threads: 2, extra: 'models:\n  +materialized: table\n' }),
      'models/numbers.sql': 'select range as n from range(10)',
      'models/doubled.sql': "select n * 2 as d from {{ ref('numbers') }}",
    });
  const database = (dir: string) => join(dir, 'target', 'demo.duckdb');

  it('a compile error creates no database file', async () => {
    const dir = project();
    writeFileSync(join(dir, 'models', 'doubled.sql'), "select * from {{ ref('missing') }}");
    const failure = await executeProject({ projectDir: dir, command: 'run' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SqlkitAggregateError);
    expect(existsSync(database(dir))).toBe(false);
  });

  it('a compile error closes a database opened beside it, so the next run can open it', async () => {
    const dir = project();
    const first = await executeProject({ projectDir: dir, command: 'run' });
    expect(first.summary.results.map((r) => r.status)).toEqual(['success', 'success']);

    writeFileSync(join(dir, 'models', 'doubled.sql'), "select * from {{ ref('missing') }}");
    const failure = await executeProject({ projectDir: dir, command: 'run' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SqlkitAggregateError);

    // Another process: within this one DuckDB would not see its own lock.
    writeFileSync(join(dir, 'models', 'doubled.sql'), "select n * 3 as d from {{ ref('numbers') }}");
    const next = await runCli(['run'], { cwd: dir });
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(await queryDuckdb(database(dir), 'select sum(d)::int as total from doubled')).toEqual([{ total: 135 }]);
  });

  it('a selection error after the compile closes the database too', async () => {
    const dir = project();
    await executeProject({ projectDir: dir, command: 'run' });
    const failure = await executeProject({ projectDir: dir, command: 'run', select: ['no_such_model'] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SqlkitError);
    expect((failure as SqlkitError).code).toBe('SELECT_INVALID');

    const next = await runCli(['run', '--select', 'doubled'], { cwd: dir });
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(await queryDuckdb(database(dir), 'select sum(d)::int as total from doubled')).toEqual([{ total: 90 }]);
  });
});
