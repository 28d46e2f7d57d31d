import { appendFileSync, cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRows } from '../support/engine-harness.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { DATA_DIR, REPO_ROOT, removeTempProjects, writeProject } from '../support/temp-project.js';

const TABLES = ['songplays', 'users', 'songs', 'artists', 'time'];
const DAYS = readdirSync(join(DATA_DIR, 'log_data', '2018', '11')).sort();

/** A copy of the Sparkify project whose log folder holds only the given days (song files are linked). */
function sparkifyWithDays(days: readonly string[]): string {
  const dir = writeProject({});
  for (const entry of ['project.yml', 'models', 'sources', 'macros', 'data-tests', 'analyses']) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, 'data', 'log_data', '2018', '11'), { recursive: true });
  symlinkSync(join(DATA_DIR, 'song_data'), join(dir, 'data', 'song_data'), 'dir');
  cpSync(join(DATA_DIR, 'log_json_path.json'), join(dir, 'data', 'log_json_path.json'));
  for (const day of days) cpSync(join(DATA_DIR, 'log_data', '2018', '11', day), join(dir, 'data', 'log_data', '2018', '11', day));
  return dir;
}

async function snapshot(dir: string): Promise<Map<string, string[]>> {
  const db = join(dir, 'target', 'sparkify.duckdb');
  const out = new Map<string, string[]>();
  for (const table of TABLES) out.set(table, canonicalRows(await queryDuckdb(db, `select * from main."${table}"`)));
  return out;
}

/**
 * Incremental loads on the real data: a new day of logs is appended (only that file is read), the incremental
 * models add only newer rows, and the result equals a full rebuild from all the files.
 */
describe('the Sparkify warehouse, one day at a time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = sparkifyWithDays(DAYS.slice(0, -1));
    const first = await runCli(['build'], { cwd: dir });
    expect(first.code, first.stdout).toBe(0);
  });
  afterAll(removeTempProjects);

  it('appends the new day and adds only its plays', async () => {
    const db = join(dir, 'target', 'sparkify.duckdb');
    const before = Number((await queryDuckdb<{ n: string }>(db, 'select count(*) as n from main.songplays'))[0]!.n);
    cpSync(join(DATA_DIR, 'log_data', '2018', '11', DAYS.at(-1)!), join(dir, 'data', 'log_data', '2018', '11', DAYS.at(-1)!));
    const run = await runCli(['build'], { cwd: dir });
    expect(run.code, run.stdout).toBe(0);
    const results = readRunResults(dir).results;
    const events = results.find((r) => r.name === 'sparkify.events')!;
    expect(events.message).toMatch(/rows appended from 1 file$/);
    expect(results.find((r) => r.name === 'sparkify.songs')!.message).toBe('no new files');
    // The marts are `rebuild: on_change`: songs and artists read only the song files, which did not change.
    expect(results.filter((r) => r.kept).map((r) => r.name).sort()).toEqual(['artists', 'songs']);
    const lastDayPlays = Number(
      (await queryDuckdb<{ n: string }>(db, `select count(*) as n from main.songplays where start_time >= timestamp '2018-11-30'`))[0]!.n,
    );
    expect(lastDayPlays).toBeGreaterThan(0);
    const songplays = results.find((r) => r.name === 'songplays')!;
    expect(songplays.rowsAffected).toBe(lastDayPlays);
    expect(Number((await queryDuckdb<{ n: string }>(db, 'select count(*) as n from main.songplays'))[0]!.n)).toBe(before + lastDayPlays);
    const loaded = await queryDuckdb<{ n: string }>(db, `select count(*) as n from staging.sqlkit_loaded_files where source_name = 'sparkify.events'`);
    expect(Number(loaded[0]!.n)).toBe(DAYS.length);
  });

  it('ends with the same tables as a full rebuild from every file', async () => {
    const incremental = await snapshot(dir);
    const full = sparkifyWithDays(DAYS);
    expect((await runCli(['build'], { cwd: full })).code).toBe(0);
    expect(incremental).toEqual(await snapshot(full));
    const refreshed = await runCli(['build', '--full-refresh'], { cwd: dir });
    expect(refreshed.code).toBe(0);
    expect(readRunResults(dir).results.find((r) => r.name === 'sparkify.events')!.message).toMatch(/8056 rows loaded from 30 files/);
    expect(await snapshot(dir)).toEqual(incremental);
  });

  it('reloads everything when a loaded file changes or disappears', async () => {
    const file = join(dir, 'data', 'log_data', '2018', '11', DAYS[0]!);
    appendFileSync(file, '\n');
    const changed = await runCli(['run', '-s', 'source:sparkify.events'], { cwd: dir });
    expect(changed.code).toBe(0);
    expect(readRunResults(dir).results[0]!.message).toMatch(/8056 rows loaded from 30 files \(reloaded: .*2018-11-01-events.json changed\)/);
    unlinkSync(file);
    const removed = await runCli(['run', '-s', 'source:sparkify.events'], { cwd: dir });
    expect(removed.code).toBe(0);
    expect(readRunResults(dir).results[0]!.message).toMatch(/rows loaded from 29 files \(reloaded: .*2018-11-01-events.json was removed\)/);
    rmSync(join(dir, 'target'), { recursive: true, force: true });
  });
});
