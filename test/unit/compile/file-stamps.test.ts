import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParseCache, writeParseCache } from '../../../src/artifacts/index.js';
import { compileProject, type CompiledProject } from '../../../src/compile/index.js';
import { createRedactor } from '../../../src/errors/index.js';
import { readProject, type ProjectFile, type ProjectFiles } from '../../../src/project/index.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../../support/temp-project.js';

afterAll(removeTempProjects);

const FILES: Record<string, string> = {
  'project.yml': duckdbProjectYml(),
  'models/base.sql': 'select 1 as id\n',
  'models/top.sql': "select id from {{ ref('base') }}\n",
};

/** The project as read now, seen from `laterMs` on: the files were written that long before this compile. */
function readLater(dir: string, laterMs: number): ProjectFiles {
  const files = readProject({ projectDir: dir, env: {} });
  return { ...files, readAt: files.readAt! + laterMs };
}

/** The same files, but reading the text of `path` fails the test: proves a compile never read it. */
function withUnreadable(files: ProjectFiles, path: string): ProjectFiles {
  const models = files.models.map((file): ProjectFile => {
    if (file.path !== path) return file;
    return {
      path: file.path,
      ...(file.stamp ? { stamp: file.stamp } : {}),
      get text(): string {
        throw new Error(`${path} was read`);
      },
    };
  });
  return { ...files, models };
}

const compile = (files: ProjectFiles, previous?: CompiledProject) => compileProject(files, { env: {}, ...(previous ? { parseCache: previous.parseCache } : {}) });
const checksum = (compiled: CompiledProject, name: string) => compiled.manifest.nodes[`model.demo.${name}`]!.checksum;

describe('model file stamps in the parse cache', () => {
  it('takes the checksum of a settled, unchanged file from the cache without reading the file', () => {
    const dir = writeProject(FILES);
    const first = compile(readLater(dir, 10_000));
    expect(first.parseCache.files.size).toBe(2);

    const second = compile(withUnreadable(readLater(dir, 10_000), 'models/base.sql'), first);
    expect(checksum(second, 'base')).toBe(checksum(first, 'base'));
    expect(second.parseCache.reusedModels).toBe(2);
    expect(second.manifest.nodes['model.demo.base']).toEqual(first.manifest.nodes['model.demo.base']);
    // Nothing new to record: the cache file need not be written again.
    expect(second.parseCache.changed).toBe(false);
  });

  it('keeps the stamps through the cache file, so the next process need not read the file either', () => {
    const dir = writeProject({ ...FILES, 'models/extra.sql': "select id from {{ ref('top') }}\n" });
    const first = compile(readLater(dir, 10_000));
    writeParseCache(dir, 'target', first.parseCache, createRedactor());
    const stored = readParseCache(dir, 'target')!.cache;
    expect(stored.files).toEqual(first.parseCache.files);
    expect(stored.files.size).toBe(3);

    const second = compileProject(withUnreadable(readLater(dir, 10_000), 'models/top.sql'), { env: {}, parseCache: stored });
    expect(checksum(second, 'top')).toBe(checksum(first, 'top'));
    expect(second.parseCache.reusedModels).toBe(3);
  });

  it('reads a file whose stamp changed, and renders it again when its text changed', () => {
    const dir = writeProject(FILES);
    const first = compile(readLater(dir, 10_000));
    writeFileSync(join(dir, 'models/base.sql'), 'select 2 as id\n');

    const second = compile(readLater(dir, 10_000), first);
    expect(checksum(second, 'base')).not.toBe(checksum(first, 'base'));
    expect(second.manifest.nodes['model.demo.base']).toMatchObject({ compiledSql: expect.stringContaining('select 2 as id') });
    expect(second.parseCache.reusedModels).toBe(1);
    expect(second.parseCache.changed).toBe(true);
  });

  it('records a new stamp for a file rewritten with the same text, so the next compile trusts it again', () => {
    const dir = writeProject(FILES);
    const first = compile(readLater(dir, 10_000));
    writeFileSync(join(dir, 'models/base.sql'), FILES['models/base.sql']!);

    const second = compile(readLater(dir, 10_000), first);
    expect(checksum(second, 'base')).toBe(checksum(first, 'base'));
    expect(second.parseCache.reusedModels).toBe(2);
    expect(second.parseCache.changed).toBe(true);
    expect(second.parseCache.files.get('models/base.sql')!.stamp).not.toEqual(first.parseCache.files.get('models/base.sql')!.stamp);

    const third = compile(withUnreadable(readLater(dir, 10_000), 'models/base.sql'), second);
    expect(checksum(third, 'base')).toBe(checksum(first, 'base'));
  });

  it('does not trust a stamp taken within two seconds of the change: the file could change again in the same tick', () => {
    const dir = writeProject(FILES);
    const fresh = compile(readLater(dir, 0));
    expect(fresh.parseCache.files.size).toBe(0);
    // With no stamp recorded, the next compile reads the file, even if its stamp is the same.
    expect(() => compile(withUnreadable(readLater(dir, 10_000), 'models/base.sql'), fresh)).toThrow('models/base.sql was read');
  });

  it('renders an incremental model at run time from the text read at compile time, not from an edit made since', async () => {
    const dir = writeProject({
      ...FILES,
      'models/inc.sql': "{{ config(materialized='incremental') }}\nselect id, 'v1' as version from {{ ref('base') }}\n",
    });
    const first = compile(readLater(dir, 10_000));
    const second = compile(readLater(dir, 10_000), first);
    expect(second.parseCache.reusedModels).toBe(3);

    writeFileSync(join(dir, 'models/inc.sql'), "{{ config(materialized='incremental') }}\nselect id, 'v2' as version from {{ ref('top') }}\n");
    const sql = await second.renderer.render('model.demo.inc', { incremental: true, query: () => Promise.reject(new Error('no queries here')) });
    expect(sql).toContain("'v1' as version");
    expect(sql).not.toContain('v2');
  });

  it('never trusts a stamp when the files carry no read time (files built in memory)', () => {
    const dir = writeProject(FILES);
    const files = readLater(dir, 10_000);
    const { readAt: _readAt, ...inMemory } = files;
    const first = compile(inMemory);
    expect(first.parseCache.files.size).toBe(0);
    expect(() => compile(withUnreadable(inMemory, 'models/base.sql'), first)).toThrow('models/base.sql was read');
  });
});
