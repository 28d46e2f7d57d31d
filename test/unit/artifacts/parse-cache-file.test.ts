import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParseCache, writeParseCache, type ParseCacheOrigin } from '../../../src/artifacts/index.js';
import { compileProject, type CompiledProject } from '../../../src/compile/index.js';
import { createRedactor, type Redactor } from '../../../src/errors/index.js';
import { readProject } from '../../../src/project/index.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../../support/temp-project.js';

afterAll(removeTempProjects);

const MODELS = 60;

function projectFiles(): Record<string, string> {
  const files: Record<string, string> = { 'project.yml': `${duckdbProjectYml()}vars:\n  factor: 2\n` };
  for (let i = 0; i < MODELS; i++) files[`models/m${i}.sql`] = i === 0 ? "select 1 as id, {{ var('factor') }} as f\n" : `select * from {{ ref('m${i - 1}') }}\n`;
  return files;
}

const base = (dir: string) => join(dir, 'target', 'partial_parse.bin');
const delta = (dir: string) => `${base(dir)}.delta`;

/** One compile as `sqlkit compile` does it: read the cache, compile (files stamped 10 s after they were written), write the cache. */
function compileOnce(dir: string, options: { vars?: Record<string, unknown>; redactor?: Redactor } = {}): CompiledProject {
  const files = readProject({ projectDir: dir, env: {}, ...(options.vars ? { cliVars: options.vars } : {}) });
  const stored = readParseCache(dir, 'target');
  const compiled = compileProject({ ...files, readAt: files.readAt! + 10_000 }, { env: {}, ...(stored ? { parseCache: stored.cache } : {}) });
  if (compiled.parseCache.changed) writeParseCache(dir, 'target', compiled.parseCache, options.redactor ?? createRedactor(), stored?.origin);
  return compiled;
}

/** The stored cache's content, comparable across compiles: each model's checksum and SQL, each file's checksum. */
function content(dir: string) {
  const { cache } = readParseCache(dir, 'target')!;
  return {
    key: cache.key,
    models: Object.fromEntries([...cache.models].map(([path, e]) => [path, [e.checksum, e.render.renderedSql]])),
    files: Object.fromEntries([...cache.files].map(([path, e]) => [path, e.checksum])),
  };
}

function expected(compiled: CompiledProject) {
  const { parseCache } = compiled;
  return {
    key: parseCache.key,
    models: Object.fromEntries([...parseCache.models].map(([path, e]) => [path, [e.checksum, e.render.renderedSql]])),
    files: Object.fromEntries([...parseCache.files].map(([path, e]) => [path, e.checksum])),
  };
}

describe('parse cache file: base and delta', () => {
  it('writes an edit to one model as a small delta beside an untouched base, and reads both back as one cache', () => {
    const dir = writeProject(projectFiles());
    compileOnce(dir);
    const baseBytes = readFileSync(base(dir));
    expect(existsSync(delta(dir))).toBe(false);

    writeFileSync(join(dir, 'models/m30.sql'), "select *, 'edited' as note from {{ ref('m29') }}\n");
    const edited = compileOnce(dir);
    expect(edited.parseCache.reusedModels).toBe(MODELS - 1);
    expect(readFileSync(base(dir)).equals(baseBytes)).toBe(true);
    expect(statSync(delta(dir)).size).toBeLessThan(baseBytes.length / 10);
    expect(content(dir)).toEqual(expected(edited));

    // The next compile starts from base + delta: it renders nothing again.
    const next = compileOnce(dir);
    expect(next.parseCache.reusedModels).toBe(MODELS);
    expect(next.manifest.nodes['model.demo.m30']).toMatchObject({ compiledSql: expect.stringContaining("'edited' as note") });
  });

  it('keeps every change since the base in the delta, and forgets a removed model', () => {
    const dir = writeProject(projectFiles());
    compileOnce(dir);
    writeFileSync(join(dir, 'models/m10.sql'), "select *, 1 as first_edit from {{ ref('m9') }}\n");
    compileOnce(dir);
    writeFileSync(join(dir, 'models/m20.sql'), "select *, 2 as second_edit from {{ ref('m19') }}\n");
    rmSync(join(dir, 'models/m59.sql'));
    const last = compileOnce(dir);

    const stored = content(dir);
    expect(stored).toEqual(expected(last));
    expect(stored.models['models/m10.sql']![1]).toContain('first_edit');
    expect(stored.models['models/m20.sql']![1]).toContain('second_edit');
    expect(stored.models['models/m59.sql']).toBeUndefined();
    expect(stored.files['models/m59.sql']).toBeUndefined();
  });

  it('rewrites the base, and drops the delta, once most entries changed', () => {
    const dir = writeProject(projectFiles());
    compileOnce(dir);
    writeFileSync(join(dir, 'models/m5.sql'), "select *, 5 as edit from {{ ref('m4') }}\n");
    compileOnce(dir);
    expect(existsSync(delta(dir))).toBe(true);

    // A var every render depends on: all 60 models render again.
    const changed = compileOnce(dir, { vars: { factor: 3 } });
    expect(changed.parseCache.reusedModels).toBe(0);
    expect(existsSync(delta(dir))).toBe(false);
    expect(content(dir)).toEqual(expected(changed));
  });

  it('ignores a delta written for another base', () => {
    const dir = writeProject(projectFiles());
    compileOnce(dir);
    writeFileSync(join(dir, 'models/m7.sql'), "select *, 7 as edit from {{ ref('m6') }}\n");
    compileOnce(dir);
    const staleDelta = readFileSync(delta(dir));

    // Another process rewrote the base since (its id changed); the old delta must not be applied on top of it.
    const stored = readParseCache(dir, 'target')!;
    const rewritten = compileOnce(dir, { vars: { factor: 3 } });
    writeFileSync(delta(dir), staleDelta);
    expect(readParseCache(dir, 'target')!.origin.id).not.toBe(stored.origin.id);
    expect(content(dir)).toEqual(expected(rewritten));
  });

  it('rewrites the whole base when the redactor knows a secret, so older entries are checked against it', () => {
    const dir = writeProject({ ...projectFiles(), 'models/m0.sql': "select 1 as id, 'hunter2-secret-value' as note\n" });
    compileOnce(dir);
    expect(content(dir).models['models/m0.sql']![1]).toContain('hunter2-secret-value');

    const origin: ParseCacheOrigin = readParseCache(dir, 'target')!.origin;
    const redactor = createRedactor({ SQLKIT_SECRET_NOTE: 'hunter2-secret-value' });
    writeFileSync(join(dir, 'models/m3.sql'), "select *, 3 as edit from {{ ref('m2') }}\n");
    compileOnce(dir, { redactor });
    expect(existsSync(delta(dir))).toBe(false);
    expect(readParseCache(dir, 'target')!.origin.id).not.toBe(origin.id);
    expect(content(dir).models['models/m0.sql']).toBeUndefined();
    expect(readFileSync(base(dir)).includes('hunter2-secret-value')).toBe(false);
  });
});
