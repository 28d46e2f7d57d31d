import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalRows, sparkifyS3Root, startEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines } from '../support/engines.js';
import { expectedStarSchema } from '../support/raw-sparkify.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { copySparkifyProject, removeTempProjects } from '../support/temp-project.js';

const TABLES = ['songplays', 'users', 'songs', 'artists', 'time'];
const engines = testEngines();
const expected = expectedStarSchema();

/**
 * One project, every engine: the unchanged Sparkify project builds on DuckDB, PostgreSQL and the Redshift
 * stand-in (COPY from the stand-in's S3 folder through the real Data API client), passes every data test on each,
 * and yields identical table contents.
 */
describe('the Sparkify project on every engine', () => {
  const contents = new Map<string, Map<string, string[]>>();
  const contexts: EngineContext[] = [];
  const s3Root = sparkifyS3Root();

  beforeAll(async () => {
    for (const engine of engines) contexts.push(await startEngine(engine, inject('postgres'), { s3Root }));
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    removeTempProjects();
  });

  for (const engine of engines) {
    it(`builds and tests on ${engine}`, async () => {
      const ctx = contexts.find((c) => c.engine === engine)!;
      const dir = copySparkifyProject();
      const projectYml = join(dir, 'project.yml');
      const yml = readFileSync(projectYml, 'utf8').replace(/^targets:\n/m, `targets:\n  matrix:\n${ctx.targetYaml(dir)}`);
      writeFileSync(projectYml, yml);
      const build = await runCli(['build', '-t', 'matrix'], { cwd: dir, env: ctx.env });
      expect(build.stderr).toBe('');
      expect(build.code, build.stdout).toBe(0);
      const results = readRunResults(dir).results;
      expect(results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
      expect(results.filter((r) => r.kind === 'test').length, build.stdout + JSON.stringify(results.map((r) => [r.name, r.status]))).toBeGreaterThan(20);

      const [loaded] = await ctx.query('select count(*) as n from staging.events', dir);
      expect(Number(loaded!.n)).toBe(8056);
      const tables = new Map<string, string[]>();
      for (const table of TABLES) tables.set(table, canonicalRows(await ctx.query(`select * from public_or_main."${table}"`.replace('public_or_main', engine === 'duckdb' ? 'main' : 'public'), dir)));
      expect(tables.get('songplays')).toHaveLength(expected.songplays);
      expect(tables.get('time')).toHaveLength(expected.times);
      expect(tables.get('users')).toHaveLength(expected.users.size);
      contents.set(engine, tables);

      // An incremental run reads the newest play with run_query() and adds only newer ones: drop the last day's
      // plays and they come back, exactly, on every engine.
      const schema = engine === 'duckdb' ? 'main' : 'public';
      const [lastDay] = await ctx.query(`select count(*) as n from ${schema}.songplays where start_time >= timestamp '2018-11-30'`, dir);
      expect(Number(lastDay!.n)).toBeGreaterThan(0);
      await ctx.modify(`delete from ${schema}.songplays where start_time >= timestamp '2018-11-30'`, dir);
      const rerun = await runCli(['run', '-t', 'matrix', '-s', 'songplays'], { cwd: dir, env: ctx.env });
      expect(rerun.code, rerun.stdout).toBe(0);
      const songplays = readRunResults(dir).results.find((r) => r.name === 'songplays')!;
      expect(songplays.message).toMatch(/^\d+ rows inserted$/);
      expect(songplays.rowsAffected).toBe(Number(lastDay!.n));
      expect(canonicalRows(await ctx.query(`select * from ${schema}.songplays`, dir))).toEqual(tables.get('songplays'));
    });
  }

  it.runIf(engines.length > 1)('gives identical table contents on every engine', () => {
    const [first, ...others] = engines.filter((e) => contents.has(e));
    expect(others.length).toBeGreaterThan(0);
    for (const engine of others) {
      for (const table of TABLES) {
        expect(contents.get(engine)!.get(table), `${table} on ${engine} vs ${first}`).toEqual(contents.get(first!)!.get(table));
      }
    }
  });
});
