import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalRows, startEngine, type EngineContext } from '../support/engine-harness.js';
import { testEngines, type TestEngine } from '../support/engines.js';
import { readRunResults, runCli } from '../support/sqlkit-cli.js';
import { removeTempProjects, writeProject } from '../support/temp-project.js';

const engines = testEngines();

/**
 * Raw files exercising COPY's JSON rules: documents per file, layout, value conversion and rejected rows.
 * (How many errors a malformed document spanning lines counts as is not known for real Redshift, so that case is
 * tested per engine in test/e2e/load-errors.test.ts rather than compared here.)
 */
const FILES: Record<string, string> = {
  'one.json': '{"id": 1, "name": "single", "score": "12.5", "tags": ["a", "b"], "flag": true}',
  'lines.json': '{"id": 2, "name": "first of two"}\n{"id": 3, "name": "second of two", "score": ""}\n',
  'spread.json': '{\n  "id": 4,\n  "name": "over several lines",\n  "nested": {"k": [1, 2]}\n}   {"id": 5, "name": "after it on the same line"}',
  // COPY ... JSON 'auto' needs an object at the root: an array is one bad document (it needs a jsonpaths file).
  'array.json': '[{"id": 6, "name": "in an array"}, {"id": 7, "name": "also", "score": 3}]',
  'bad.json': '{"id": 8, "name": "good before the bad one"}\n{"id": "nine", "name": "not an integer"}\n',
  'empty.json': '',
};

function project(ctx: EngineContext, dataDir: string): string {
  return writeProject({
    'project.yml': `name: loading\ntargets:\n  dev:\n${ctx.targetYaml('')}`,
    'sources/raw.yml': `sources:
  - name: raw
    schema: raw_docs
    tables:
      - name: docs
        format: json
        max_errors: 2
        allow_empty_files: true   # as COPY from S3 accepts them, so every engine loads the same
        location:
          local: { path: ${dataDir} }
          s3: { path: "s3://docs/files", region: us-east-1 }
        columns:
          - { name: id, type: integer }
          - { name: name, type: varchar(64) }
          - { name: score, type: double precision }
          - { name: tags, type: varchar(64) }
          - { name: nested, type: varchar(64) }
          - { name: flag, type: boolean }
`,
  });
}

describe('whole-file JSON sources on every engine', () => {
  const contexts = new Map<TestEngine, EngineContext>();
  const loaded = new Map<TestEngine, string[]>();
  let dataDir: string;
  let s3Root: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sqlkit-docs-'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dataDir, name), text);
    s3Root = mkdtempSync(join(tmpdir(), 'sqlkit-docs-s3-'));
    mkdirSync(join(s3Root, 'docs'));
    symlinkSync(dataDir, join(s3Root, 'docs', 'files'), 'dir');
    for (const engine of engines) contexts.set(engine, await startEngine(engine, inject('postgres'), { s3Root }));
  });
  afterAll(async () => {
    for (const ctx of contexts.values()) await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(s3Root, { recursive: true, force: true });
    removeTempProjects();
  });

  for (const engine of engines) {
    it(`loads every good document and rejects the two bad ones on ${engine}`, async () => {
      const ctx = contexts.get(engine)!;
      const dir = project(ctx, dataDir);
      const run = await runCli(['run'], { cwd: dir, env: ctx.env });
      expect(run.code, run.stdout).toBe(0);
      const result = readRunResults(dir).results[0]!;
      expect(result.rowsAffected).toBe(6);
      expect(result.warnings?.[0]).toMatch(/2 bad row\(s\) skipped/);
      const rows = await ctx.query('select id, name, score, tags, nested, flag from raw_docs.docs order by id', dir);
      expect(rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 8]);
      const errors = await ctx.query('select filename, line_number, reason from raw_docs.sqlkit_load_errors order by filename, line_number', dir);
      expect(errors.map((e) => [String(e.filename).split('/').pop(), Number(e.line_number)])).toEqual([
        ['array.json', 1],
        ['bad.json', 2],
      ]);
      loaded.set(engine, canonicalRows(rows));
    });
  }

  it.runIf(engines.length > 1)('loads the same values on every engine', () => {
    expect([...loaded.keys()].sort()).toEqual([...engines].sort());
    const [first, ...others] = engines;
    for (const engine of others) expect(loaded.get(engine), engine).toEqual(loaded.get(first!));
  });
});
