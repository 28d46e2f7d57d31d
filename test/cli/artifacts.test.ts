import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_SCHEMA_VERSION, RUN_RESULTS_SCHEMA_VERSION, type Manifest } from '../../src/index.js';
import { queryDuckdb } from '../support/duckdb-query.js';
import { readRunResults, runCli, type RunResultsFile } from '../support/sqlkit-cli.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../support/temp-project.js';

afterAll(removeTempProjects);

const EVENTS_PART_1 = '{"id": 1, "kind": "a"}\n{"id": 2, "kind": "b"}\n{"id": 3, "kind": "a"}\n';
const EVENTS_PART_2 = '{"id": 4, "kind": "c"}\n';

/**
 * A project whose build produces every status: a loaded source, an ephemeral, a table and a view (success),
 * a broken model (error) and its child (skipped), and tests that pass, fail and warn; plus an analysis.
 */
const FILES: Record<string, string> = {
  'project.yml': duckdbProjectYml({ threads: 2 }),
  'data/events/part1.jsonl': EVENTS_PART_1,
  'data/events/part2.jsonl': EVENTS_PART_2,
  'sources/raw.yml': `sources:
  - name: raw
    schema: raw
    tables:
      - name: events
        format: jsonl
        location:
          local:
            path: data/events
        columns:
          - { name: id, type: integer }
          - { name: kind, type: varchar(8) }
`,
  'models/staging/stg_events.sql': "{{ config(materialized='ephemeral') }}\nselect id, upper(kind) as kind from {{ source('raw', 'events') }}\n",
  'models/kinds.sql': "{{ config(materialized='table') }}\nselect kind, count(*) as n from {{ ref('stg_events') }} group by kind\n",
  'models/kinds_view.sql': "select * from {{ ref('kinds') }} where n > 0\n",
  'models/broken.sql': "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('kinds') }}\n",
  'models/broken_child.sql': "select * from {{ ref('broken') }}\n",
  'models/schema.yml': `models:
  - name: kinds
    columns:
      - name: kind
        tests:
          - unique: { name: kinds_kind_unique }
          - not_null: { name: kinds_kind_not_null }
      - name: n
        tests:
          - accepted_values: { name: kinds_n_is_one, values: [1], quote: false, severity: warn }
`,
  // on a leaf, so its failure skips nothing in build
  'data-tests/kinds_seen_once.sql': "select * from {{ ref('kinds_view') }} where n > 1\n",
  'analyses/total_events.sql': "select sum(n) as total from {{ ref('kinds') }}\n",
};

const STATUSES = ['success', 'error', 'fail', 'warn', 'skipped', 'pass'];

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as Manifest;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('manifest.json and run_results.json after a build', () => {
  let dir: string;
  let manifest: Manifest;
  let runResults: RunResultsFile & Record<string, unknown>;
  let exitCode: number | null;
  let stderr: string;

  beforeAll(async () => {
    dir = writeProject(FILES);
    const build = await runCli(['build'], { cwd: dir });
    exitCode = build.code;
    stderr = build.stderr;
    manifest = readManifest(dir);
    runResults = readRunResults(dir) as RunResultsFile & Record<string, unknown>;
  });

  it('the build failed as designed (exit code 1)', () => {
    expect(exitCode, stderr).toBe(1);
  });

  describe('manifest.json', () => {
    it('has a schemaVersion and the project and target', () => {
      expect(manifest.schemaVersion).toBe(MANIFEST_SCHEMA_VERSION);
      expect(manifest.schemaVersion).toMatch(/^sqlkit\/manifest\/v\d+$/);
      expect(manifest.project.name).toBe('demo');
      expect(manifest.target).toMatchObject({ name: 'dev', type: 'duckdb' });
    });

    it('has every node of the project', () => {
      const names = Object.values(manifest.nodes).map((n) => `${n.resourceType}:${n.name}`).sort();
      expect(names).toEqual(
        [
          'analysis:total_events',
          'model:broken',
          'model:broken_child',
          'model:kinds',
          'model:kinds_view',
          'model:stg_events',
          'source:raw.events',
          'test:kinds_seen_once',
          'test:kinds_n_is_one',
          'test:kinds_kind_not_null',
          'test:kinds_kind_unique',
        ].sort(),
      );
    });

    it('gives every node its id, name, resource type, file, dependencies and checksum', () => {
      for (const [id, node] of Object.entries(manifest.nodes)) {
        expect(node.uniqueId).toBe(id);
        expect(node.name).toMatch(/\S/);
        expect(['model', 'source', 'test', 'analysis']).toContain(node.resourceType);
        expect(existsSync(join(dir, node.path)), `${id}: ${node.path}`).toBe(true);
        expect(Array.isArray(node.dependsOn)).toBe(true);
        for (const dep of node.dependsOn) expect(manifest.nodes[dep], `${id} depends on ${dep}`).toBeDefined();
        expect(node.checksum).toMatch(/^[0-9a-f]{16,}$/);
      }
      const byName = (name: string) => Object.values(manifest.nodes).find((n) => n.name === name)!;
      expect(byName('kinds').dependsOn).toEqual(['model.demo.stg_events']);
      expect(byName('stg_events').dependsOn).toEqual(['source.demo.raw.events']);
      expect(byName('total_events').dependsOn).toEqual(['model.demo.kinds']);
      expect(byName('kinds_seen_once').dependsOn).toEqual(['model.demo.kinds_view']);
    });

    it('checksums are the sha256 of the file the node comes from', () => {
      for (const node of Object.values(manifest.nodes)) {
        if (node.resourceType === 'test' && node.path.endsWith('.yml')) continue; // generic tests hash their spec
        expect(node.checksum, node.name).toBe(sha256(FILES[node.path]!));
      }
    });

    it('models and tests carry their config; every node with SQL has a compiledPath that exists', () => {
      for (const node of Object.values(manifest.nodes)) {
        if (node.resourceType === 'model' || node.resourceType === 'test') expect(typeof node.config, node.name).toBe('object');
        if (node.resourceType === 'source') continue; // a source has no SQL of its own
        const compiledPath = (node as { compiledPath?: string }).compiledPath;
        expect(compiledPath, node.name).toMatch(/^target\/compiled\//);
        expect(existsSync(join(dir, compiledPath!)), compiledPath).toBe(true);
      }
      const byName = (name: string) => Object.values(manifest.nodes).find((n) => n.name === name) as unknown as { config: Record<string, unknown> };
      expect(byName('kinds').config.materialized).toBe('table');
      expect(byName('kinds_view').config.materialized).toBe('view');
      expect(byName('stg_events').config.materialized).toBe('ephemeral');
      expect(byName('kinds_n_is_one').config.severity).toBe('warn');
      expect(byName('kinds_kind_unique').config.severity).toBe('error');
    });

    it('compiled files hold the SQL with refs resolved', () => {
      const kinds = manifest.nodes['model.demo.kinds'] as { compiledPath: string };
      const sql = readFileSync(join(dir, kinds.compiledPath), 'utf8');
      expect(sql).not.toContain('{{');
      expect(sql).toContain('"raw"."events"');
    });
  });

  describe('run_results.json', () => {
    it('has a schemaVersion, the command, and a total elapsedTime', () => {
      expect(runResults.schemaVersion).toBe(RUN_RESULTS_SCHEMA_VERSION);
      expect(runResults.schemaVersion).toMatch(/^sqlkit\/run-results\/v\d+$/);
      expect(runResults.command).toBe('build');
      expect(typeof runResults.elapsedTime).toBe('number');
      expect(runResults.elapsedTime).toBeGreaterThanOrEqual(0);
    });

    it('has one result per executed node, each with a known status and a message', () => {
      const executed = Object.values(manifest.nodes).filter((n) => n.resourceType !== 'analysis' && !(n.resourceType === 'model' && (n.config as { materialized: string }).materialized === 'ephemeral'));
      expect(runResults.results.map((r) => r.uniqueId).sort()).toEqual(executed.map((n) => n.uniqueId).sort());
      for (const result of runResults.results) {
        expect(STATUSES).toContain(result.status);
        expect(result.name).toBe(manifest.nodes[result.uniqueId]!.name);
        expect(typeof result.message).toBe('string');
        expect(result.message.length, result.name).toBeGreaterThan(0);
      }
      expect(new Set(runResults.results.map((r) => r.status))).toEqual(new Set(STATUSES));
    });

    it('gives every result timings that agree with each other and lie within the run', () => {
      const runStart = Date.parse(runResults.startedAt as string);
      const runEnd = runStart + runResults.elapsedTime * 1000;
      for (const result of runResults.results as (RunResultsFile['results'][number] & { executionTime: number })[]) {
        const started = Date.parse(result.startedAt);
        const completed = Date.parse(result.completedAt);
        expect(new Date(started).toISOString()).toBe(result.startedAt);
        expect(new Date(completed).toISOString()).toBe(result.completedAt);
        expect(completed).toBeGreaterThanOrEqual(started);
        expect(result.executionTime).toBeCloseTo((completed - started) / 1000, 3);
        expect(started).toBeGreaterThanOrEqual(runStart);
        expect(completed).toBeLessThanOrEqual(runEnd + 1);
      }
    });

    it('has rowsAffected for tables and loads, matching the warehouse and the files', async () => {
      const byName = (name: string) => runResults.results.find((r) => r.name === name)!;
      const lines = (EVENTS_PART_1 + EVENTS_PART_2).trim().split('\n').length;
      expect(byName('raw.events')).toMatchObject({ kind: 'load', status: 'success', rowsAffected: lines });
      const [kinds] = await queryDuckdb<{ n: string }>(join(dir, 'target', 'demo.duckdb'), 'select count(*) as n from main.kinds');
      expect(byName('kinds')).toMatchObject({ kind: 'table', status: 'success', rowsAffected: Number(kinds!.n) });
      expect(Number(kinds!.n)).toBe(3);
      expect(byName('kinds_view')).toMatchObject({ kind: 'view', status: 'success' });
    });

    it('describes errors, skips and test failures', () => {
      const byName = (name: string) => runResults.results.find((r) => r.name === name)!;
      const broken = byName('broken');
      expect(broken.status).toBe('error');
      expect(broken.error).toMatchObject({ code: 'ADAPTER_SQL' });
      expect(broken.error!.message).toContain('no_such_column');
      expect(byName('broken_child')).toMatchObject({ status: 'skipped', skippedBecause: 'model.demo.broken' });
      expect(byName('kinds_seen_once')).toMatchObject({ status: 'fail', failures: 1 });
      expect(byName('kinds_n_is_one')).toMatchObject({ status: 'warn', failures: 1 });
      expect(byName('kinds_kind_unique')).toMatchObject({ status: 'pass', failures: 0 });
      for (const result of runResults.results.filter((r) => r.status !== 'skipped')) {
        const compiledPath = (result as { compiledPath?: string }).compiledPath;
        if (compiledPath) expect(existsSync(join(dir, compiledPath)), compiledPath).toBe(true);
      }
    });

    it('leaves no temporary files next to the artifacts', () => {
      expect(readdirSync(join(dir, 'target')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });
});

describe('checksums follow the files', () => {
  it('change for the node whose file changed, and only for it', async () => {
    const dir = writeProject(FILES);
    expect((await runCli(['compile'], { cwd: dir })).code).toBe(0);
    const before = readManifest(dir);
    appendFileSync(join(dir, 'models', 'kinds.sql'), '-- a comment\n');
    writeFileSync(join(dir, 'models', 'schema.yml'), FILES['models/schema.yml']!.replace('values: [1]', 'values: [1, 2]'));
    expect((await runCli(['compile'], { cwd: dir })).code).toBe(0);
    const after = readManifest(dir);
    const changed = Object.keys(after.nodes).filter((id) => after.nodes[id]!.checksum !== before.nodes[id]?.checksum).map((id) => after.nodes[id]!.name).sort();
    // the test keeps its id (it is named in the YAML) while its arguments, and so its checksum, change
    expect(changed).toEqual(['kinds', 'kinds_n_is_one']);
    expect(Object.keys(after.nodes).sort()).toEqual(Object.keys(before.nodes).sort());
    expect(after.nodes['model.demo.kinds']!.checksum).toBe(sha256(readFileSync(join(dir, 'models', 'kinds.sql'), 'utf8')));
    expect(readFileSync(join(dir, (after.nodes['model.demo.kinds'] as { compiledPath: string }).compiledPath), 'utf8')).toContain('-- a comment');
  });

  it('a recompile with nothing changed rewrites neither the compiled files nor their index; an edit rewrites both', async () => {
    const dir = writeProject(FILES);
    expect((await runCli(['compile'], { cwd: dir })).code).toBe(0);
    const index = join(dir, 'target', 'compiled', '.index.json');
    const kinds = join(dir, (readManifest(dir).nodes['model.demo.kinds'] as { compiledPath: string }).compiledPath);
    const written = (file: string) => statSync(file).mtimeMs;
    const [indexBefore, kindsBefore] = [written(index), written(kinds)];
    const again = await runCli(['compile'], { cwd: dir });
    expect(again.stdout).toContain('(0 files written');
    expect([written(index), written(kinds)]).toEqual([indexBefore, kindsBefore]);

    appendFileSync(join(dir, 'models', 'kinds.sql'), '-- an edit\n');
    const edited = await runCli(['compile'], { cwd: dir });
    expect(edited.stdout).toContain('(1 file written');
    expect(written(index)).toBeGreaterThan(indexBefore);
    expect(readFileSync(kinds, 'utf8')).toContain('-- an edit');
  });

  it('run_results.json is rewritten by each command and reflects that command', async () => {
    const dir = writeProject(FILES);
    expect((await runCli(['run', '-s', '+kinds'], { cwd: dir })).code).toBe(0);
    const run = readRunResults(dir) as RunResultsFile & { command: string };
    expect(run.command).toBe('run');
    expect(run.results.map((r) => r.name)).toEqual(['raw.events', 'kinds']);
    expect((await runCli(['test', '-s', 'kinds'], { cwd: dir })).code).toBe(0); // the only failing test here warns
    const test = readRunResults(dir) as RunResultsFile & { command: string };
    expect(test.command).toBe('test');
    expect(test.results.every((r) => r.kind === 'test')).toBe(true);
    const testsOnKinds = Object.values(readManifest(dir).nodes).filter((n) => n.resourceType === 'test' && n.dependsOn.includes('model.demo.kinds'));
    expect(test.results.map((r) => r.uniqueId).sort()).toEqual(testsOnKinds.map((n) => n.uniqueId).sort());
    expect(test.results.length).toBe(3);
  });
});
