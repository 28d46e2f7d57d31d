import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/index.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { maxInFlight, maxOverlap, parseJsonLines, type JsonEvent } from '../support/json-log.js';
import { readRunResults, runCli, statusByName, type RunResultsFile } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;
}

/** Every executed node started no earlier than each of its executed parents completed. */
function expectParentsFinishedFirst(results: RunResultsFile, manifest: Manifest): number {
  const byId = new Map(results.results.map((r) => [r.uniqueId, r]));
  let checked = 0;
  for (const result of results.results) {
    for (const parent of manifest.nodes[result.uniqueId]!.dependsOn) {
      const done = byId.get(parent);
      if (!done) continue;
      expect(Date.parse(result.startedAt), `${result.name} started before its parent ${done.name} completed`).toBeGreaterThanOrEqual(Date.parse(done.completedAt));
      checked++;
    }
  }
  return checked;
}

/** In the event stream, each node_started comes after the node_finished of every parent that ran. */
function expectStartedAfterParentsFinished(events: JsonEvent[], manifest: Manifest): void {
  const finished = new Set<string>();
  const ran = new Set(events.filter((e) => e.event === 'node_finished').map((e) => (e.result as { uniqueId: string }).uniqueId));
  for (const event of events) {
    if (event.event === 'node_finished') finished.add((event.result as { uniqueId: string }).uniqueId);
    if (event.event !== 'node_started') continue;
    for (const parent of manifest.nodes[event.uniqueId as string]!.dependsOn) {
      if (ran.has(parent)) expect(finished.has(parent), `${event.name as string} started before ${parent} finished`).toBe(true);
    }
  }
}

const table = (sql: string) => `{{ config(materialized='table') }}\n${sql}\n`;

describe('dependency order', () => {
  // root -> left, right -> joined (a diamond) -> five fan-out models, two of them with children of their own
  const files: Record<string, string> = {
    'project.yml': duckdbProjectYml({ threads: 4 }),
    'models/root.sql': table('select range as id, range % 7 as k from range(200000)'),
    'models/left_side.sql': table("select id, k, 'l' as side from {{ ref('root') }} where id % 2 = 0"),
    'models/right_side.sql': "select id, k, 'r' as side from {{ ref('root') }} where id % 2 = 1\n",
    'models/joined.sql': table("select * from {{ ref('left_side') }} union all select * from {{ ref('right_side') }}"),
    'models/schema.yml': `models:
  - name: joined
    columns:
      - name: id
        tests: [unique, not_null]
  - name: root
    columns:
      - name: id
        tests: [not_null]
`,
  };
  for (let i = 1; i <= 5; i++) files[`models/fan_${i}.sql`] = table(`select k, count(*) as n, ${i} as fan from {{ ref('joined') }} group by k`);
  files['models/fan_1_child.sql'] = "select * from {{ ref('fan_1') }}\n";
  files['models/fan_2_child.sql'] = table("select f.*, r.id from {{ ref('fan_2') }} f join {{ ref('root') }} r on r.k = f.k");

  it('starts every node after all its parents completed (run)', async () => {
    const dir = writeProject(files);
    const run = await runCli(['run', '--threads', '4', '--log-format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code, run.stderr).toBe(0);
    const results = readRunResults(dir);
    const manifest = readManifest(dir);
    expect(results.results).toHaveLength(11);
    expect(results.results.every((r) => r.status === 'success')).toBe(true);
    expect(expectParentsFinishedFirst(results, manifest)).toBe(12);
    expectStartedAfterParentsFinished(parseJsonLines(run.stdout), manifest);
    const [row] = await queryDuckdb<{ n: string }>(join(dir, 'target', 'demo.duckdb'), 'select sum(n) as n from main.fan_3');
    expect(Number(row!.n)).toBe(200000);
  });

  it('in build, also starts children after the tests of their parents completed', async () => {
    const dir = writeProject(files);
    const build = await runCli(['build', '--threads', '4', '--log-format', 'json'], { cwd: dir });
    expect(build.stderr).toBe('');
    expect(build.code, build.stderr).toBe(0);
    const results = readRunResults(dir);
    const manifest = readManifest(dir);
    expect(results.results).toHaveLength(14);
    expectParentsFinishedFirst(results, manifest);
    expectStartedAfterParentsFinished(parseJsonLines(build.stdout), manifest);
    const byName = new Map(results.results.map((r) => [r.name, r]));
    const testsOn = (model: string) => results.results.filter((r) => r.kind === 'test' && manifest.nodes[r.uniqueId]!.dependsOn.includes(`model.demo.${model}`));
    expect(testsOn('joined')).toHaveLength(2);
    expect(testsOn('root')).toHaveLength(1);
    for (let i = 1; i <= 5; i++) {
      for (const test of testsOn('joined')) expect(Date.parse(byName.get(`fan_${i}`)!.startedAt)).toBeGreaterThanOrEqual(Date.parse(test.completedAt));
    }
    for (const child of ['left_side', 'right_side', 'fan_2_child']) {
      expect(Date.parse(byName.get(child)!.startedAt)).toBeGreaterThanOrEqual(Date.parse(testsOn('root')[0]!.completedAt));
    }
  });
});

describe('concurrency', () => {
  // eight independent models, each with enough work to still be running when the next ones start
  const files: Record<string, string> = { 'project.yml': duckdbProjectYml({ threads: 4 }) };
  for (let i = 1; i <= 8; i++) files[`models/busy_${i}.sql`] = table(`select ${i} as model, sum(hash(range + ${i})) as h from range(8000000)`);

  async function runWithThreads(threads: number): Promise<{ events: JsonEvent[]; results: RunResultsFile }> {
    const dir = writeProject(files);
    const run = await runCli(['run', '--threads', String(threads), '--log-format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code, run.stderr).toBe(0);
    const events = parseJsonLines(run.stdout);
    const results = readRunResults(dir);
    expect(results.results.map((r) => r.status)).toEqual(Array(8).fill('success'));
    expect(events.filter((e) => e.event === 'node_started')).toHaveLength(8);
    expect(events.find((e) => e.event === 'run_started')!.threads).toBe(threads);
    return { events, results };
  }

  it('runs independent models at once with --threads 4, never more than 4', async () => {
    const { events, results } = await runWithThreads(4);
    const inFlight = maxInFlight(events);
    expect(inFlight).toBeGreaterThan(1);
    expect(inFlight).toBeLessThanOrEqual(4);
    const overlap = maxOverlap(results.results);
    expect(overlap).toBeGreaterThan(1);
    expect(overlap).toBeLessThanOrEqual(4);
  });

  it('runs one model at a time with --threads 1', async () => {
    const { events, results } = await runWithThreads(1);
    expect(maxInFlight(events)).toBe(1);
    expect(maxOverlap(results.results)).toBe(1);
    const ordered = [...results.results].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    for (let i = 1; i < ordered.length; i++) expect(Date.parse(ordered[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(ordered[i - 1]!.completedAt));
  });

  it('takes the thread count from the target when --threads is not given', async () => {
    const dir = writeProject({ ...files, 'project.yml': duckdbProjectYml({ threads: 2 }) });
    const run = await runCli(['run', '--log-format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const events = parseJsonLines(run.stdout);
    expect(events[0]!.threads).toBe(2);
    expect(maxInFlight(events)).toBe(2);
  });
});

describe('failures', () => {
  it('a failing model skips only its descendants; the independent branch completes; exit code 1', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml({ threads: 4 }),
      'models/base.sql': table('select range as id from range(1000)'),
      'models/broken.sql': table("select no_such_column from {{ ref('base') }}"),
      'models/broken_child.sql': "select * from {{ ref('broken') }}\n",
      'models/broken_grandchild.sql': table("select * from {{ ref('broken_child') }}"),
      'models/mixed.sql': table("select * from {{ ref('broken') }} union all select id from {{ ref('healthy') }}"),
      'models/healthy.sql': table("select id * 2 as id from {{ ref('base') }}"),
      'models/healthy_child.sql': table("select count(*) as n from {{ ref('healthy') }}"),
      'models/elsewhere.sql': table('select 42 as answer'),
    });
    const run = await runCli(['run'], { cwd: dir });
    expect(run.code, run.stderr).toBe(1);
    const results = readRunResults(dir);
    expect(statusByName(results)).toEqual({
      base: 'success',
      broken: 'error',
      broken_child: 'skipped',
      broken_grandchild: 'skipped',
      mixed: 'skipped',
      healthy: 'success',
      healthy_child: 'success',
      elsewhere: 'success',
    });
    for (const name of ['broken_child', 'broken_grandchild', 'mixed']) {
      expect(results.results.find((r) => r.name === name)!.skippedBecause).toBe('model.demo.broken');
    }
    for (const r of results.results.filter((r) => r.status !== 'skipped')) expect(r.skippedBecause).toBeUndefined();
    const broken = results.results.find((r) => r.name === 'broken')!;
    expect(broken.error?.code).toBe('ADAPTER_SQL');
    expect(broken.error?.message).toContain('no_such_column');
    const db = join(dir, 'target', 'demo.duckdb');
    const tables = (await queryDuckdb<{ name: string }>(db, "select table_name as name from information_schema.tables where table_schema = 'main'")).map((r) => r.name).sort();
    expect(tables).toEqual(['base', 'elsewhere', 'healthy', 'healthy_child']);
    const [child] = await queryDuckdb<{ n: string }>(db, 'select n from main.healthy_child');
    expect(Number(child!.n)).toBe(1000);
  });

  it('in build, a failing error-severity test skips the descendants of the tested model only', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml({ threads: 4 }),
      'models/dupes.sql': table('select 1 as id union all select 1 union all select 2'),
      'models/dupes_child.sql': table("select * from {{ ref('dupes') }}"),
      'models/dupes_grandchild.sql': "select * from {{ ref('dupes_child') }}\n",
      'models/clean.sql': table('select range as id, 1 as flag from range(10)'),
      'models/clean_child.sql': table("select count(*) as n from {{ ref('clean') }}"),
      'models/both.sql': table("select id from {{ ref('dupes') }} union all select id from {{ ref('clean') }}"),
      'models/schema.yml': `models:
  - name: dupes
    columns:
      - name: id
        tests:
          - unique: { name: dupes_id_unique }
          - not_null: { name: dupes_id_not_null }
  - name: dupes_child
    columns:
      - name: id
        tests:
          - not_null: { name: dupes_child_id_not_null }
  - name: clean
    columns:
      - name: id
        tests:
          - unique: { name: clean_id_unique }
      - name: flag
        tests:
          - accepted_values: { name: clean_flag_is_zero, values: [0], quote: false, severity: warn }
`,
    });
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(1);
    const results = readRunResults(dir);
    expect(statusByName(results)).toEqual({
      dupes: 'success',
      dupes_id_unique: 'fail',
      dupes_id_not_null: 'pass',
      dupes_child: 'skipped',
      dupes_grandchild: 'skipped',
      dupes_child_id_not_null: 'skipped',
      both: 'skipped',
      clean: 'success',
      clean_id_unique: 'pass',
      clean_flag_is_zero: 'warn',
      clean_child: 'success',
    });
    for (const name of ['dupes_child', 'dupes_grandchild', 'dupes_child_id_not_null', 'both']) {
      expect(results.results.find((r) => r.name === name)!.skippedBecause).toBe('test.demo.dupes_id_unique');
    }
    expect(results.results.find((r) => r.name === 'dupes_id_unique')!.failures).toBe(1);
    expect(results.results.find((r) => r.name === 'clean_flag_is_zero')!.failures).toBe(1);
    expect(existsSync(join(dir, 'target', 'demo.duckdb'))).toBe(true);
  });

  it('in build, a warning alone exits 0 and skips nothing', async () => {
    const dir = writeProject({
      'project.yml': duckdbProjectYml(),
      'models/clean.sql': table('select 1 as flag'),
      'models/clean_child.sql': table("select * from {{ ref('clean') }}"),
      'models/schema.yml': `models:
  - name: clean
    columns:
      - name: flag
        tests:
          - accepted_values: { name: clean_flag_is_zero, values: [0], quote: false, severity: warn }
`,
    });
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(statusByName(readRunResults(dir))).toEqual({ clean: 'success', clean_flag_is_zero: 'warn', clean_child: 'success' });
  });
});
