import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckdb } from '../support/duckdb-query.js';
import { expectedStarSchema } from '../support/raw-sparkify.js';
import { readRunResults, runCli, statusByName } from '../support/sqlkit-cli.js';
import { copySparkifyProject, removeTempProjects } from '../support/temp-project.js';

describe('the Sparkify warehouse on DuckDB', () => {
  let dir: string;
  let db: string;
  const expected = expectedStarSchema();

  beforeAll(async () => {
    dir = copySparkifyProject();
    db = join(dir, 'target', 'sparkify.duckdb');
    const first = await runCli(['build'], { cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
  });
  afterAll(removeTempProjects);

  it('loads both sources and builds the five tables, with every data test passing', () => {
    const results = readRunResults(dir);
    const statuses = statusByName(results);
    expect(statuses['sparkify.events']).toBe('success');
    expect(statuses['sparkify.songs']).toBe('success');
    for (const table of ['songplays', 'users', 'songs', 'artists', 'time']) expect(statuses[table]).toBe('success');
    const tests = results.results.filter((r) => r.kind === 'test');
    expect(tests.length).toBeGreaterThan(20);
    expect(tests.filter((t) => t.status !== 'pass')).toEqual([]);
  });

  it('loads every raw event and song', async () => {
    const [events] = await queryDuckdb<{ n: string; logged_out: string }>(db, `select count(*) as n, count(*) filter (where user_id is null) as logged_out from staging.events`);
    expect(Number(events!.n)).toBe(8056);
    const [songs] = await queryDuckdb<{ n: string }>(db, 'select count(*) as n from staging.songs');
    expect(Number(songs!.n)).toBe(14896);
    expect(Number(events!.logged_out)).toBeGreaterThan(0);
  });

  it('matches counts and keys computed independently from the raw JSON', async () => {
    const count = async (table: string) => Number((await queryDuckdb<{ n: string }>(db, `select count(*) as n from main."${table}"`))[0]!.n);
    expect(await count('songplays')).toBe(expected.songplays);
    expect(await count('songs')).toBe(expected.songs);
    expect(await count('artists')).toBe(expected.artists);
    expect(await count('time')).toBe(expected.times);
    expect(await count('users')).toBe(expected.users.size);
    const [matched] = await queryDuckdb<{ n: string }>(db, 'select count(*) as n from main.songplays where song_id is not null');
    expect(Number(matched!.n)).toBe(expected.songplaysWithSong);
    expect(expected.songplaysWithSong).toBe(319);
  });

  it('keeps each user with their latest level', async () => {
    const rows = await queryDuckdb<{ user_id: number; level: string }>(db, 'select user_id, level from main.users order by user_id');
    expect(new Map(rows.map((r) => [Number(r.user_id), r.level]))).toEqual(expected.users);
  });

  it('resolves the same song for every play as a plain lookup does', async () => {
    const rows = await queryDuckdb<{ session_id: number; start_ms: string; song_id: string | null }>(
      db,
      `select session_id, epoch_ms(start_time) as start_ms, song_id from main.songplays`,
    );
    const actual = new Map(rows.map((r) => [`${r.session_id}:${r.start_ms}`, r.song_id]));
    for (const play of expected.plays) expect(actual.get(`${play.sessionId}:${play.ts}`)).toBe(play.songId);
  });

  it('is idempotent: a second build gives the same tables', async () => {
    const before = await queryDuckdb<{ n: string; ids: string }>(db, 'select count(*) as n, sum(hash(songplay_id)) as ids from main.songplays');
    const second = await runCli(['build'], { cwd: dir });
    expect(second.code).toBe(0);
    const after = await queryDuckdb<{ n: string; ids: string }>(db, 'select count(*) as n, sum(hash(songplay_id)) as ids from main.songplays');
    expect(after).toEqual(before);
    const leftovers = await queryDuckdb(db, `select table_name from information_schema.tables where table_name like '%__sqlkit_%'`);
    expect(leftovers).toEqual([]);
  });

  it('answers the analyses with sqlkit show', async () => {
    const shown = await runCli(['show', 'free_vs_paid'], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/\| free +\| +1229 \|/);
    expect(shown.stdout).toMatch(/\| paid +\| +5591 \|/);
    const hours = await runCli(['show', 'plays_by_hour', '--limit', '24', '--log-format', 'json'], { cwd: dir });
    const parsed = JSON.parse(hours.stdout.trim()) as { rows: [number, number][] };
    expect(parsed.rows).toHaveLength(24);
    expect(parsed.rows.reduce((sum, [, plays]) => sum + Number(plays), 0)).toBe(expected.songplays);
  });

  it('shows an ephemeral model by running it with what it inlines', async () => {
    const shown = await runCli(['show', 'stg_events', '--limit', '3', '--log-format', 'json'], { cwd: dir });
    expect(shown.code, shown.stderr).toBe(0);
    const parsed = JSON.parse(shown.stdout.trim()) as { columns: { name: string }[]; rows: unknown[][] };
    expect(parsed.rows).toHaveLength(3);
    expect(parsed.columns.map((c) => c.name)).toContain('start_time');
  });

  it('builds a model dropped into models/ after the model it refs', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'models', 'marts', 'plays_per_user.sql'), "{{ config(materialized='table') }}\nselect user_id, count(*) as plays from {{ ref('songplays') }} group by user_id\n");
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code).toBe(0);
    const results = readRunResults(dir).results;
    const order = results.map((r) => r.name);
    expect(order.indexOf('plays_per_user')).toBeGreaterThan(order.indexOf('songplays'));
    const songplays = results.find((r) => r.name === 'songplays')!;
    const added = results.find((r) => r.name === 'plays_per_user')!;
    expect(Date.parse(added.startedAt)).toBeGreaterThanOrEqual(Date.parse(songplays.completedAt));
    const [row] = await queryDuckdb<{ n: string; plays: string }>(db, 'select count(*) as n, sum(plays) as plays from main.plays_per_user');
    expect(Number(row!.plays)).toBe(expected.songplays);
  });
});
