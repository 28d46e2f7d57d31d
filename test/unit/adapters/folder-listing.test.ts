import { mkdirSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFolder, listingOf, listWithFind, listWithNode, parseFindOutput, type ListedFile } from '../../../src/adapters/loading/folder-listing.js';
import { removeTempProjects, writeProject } from '../../support/temp-project.js';

afterAll(removeTempProjects);

const byPath = (files: ListedFile[]) => [...files].sort((a, b) => (a.path < b.path ? -1 : 1));

/** A folder with what a listing must skip (hidden files and folders, links) beside what it must find. */
function sourceTree(): string {
  const dir = writeProject({
    'songs/A/B/one.json': '{"a":1}',
    'songs/A/two words\tand tab.json': '{"b":22}',
    'songs/A/.DS_Store': 'x',
    'songs/.git/config': 'x',
    'songs/A/B/.cache/three.json': '{}',
    'songs/C/four.json': '{"c":4444}',
    'outside/five.json': '{}',
  });
  mkdirSync(join(dir, 'songs/empty'));
  symlinkSync(join(dir, 'songs/A/B/one.json'), join(dir, 'songs/C/link-to-file.json'));
  symlinkSync(join(dir, 'outside'), join(dir, 'songs/link-to-folder'));
  symlinkSync(join(dir, 'songs'), join(dir, 'songs-link'));
  // Fractions of a millisecond and more, so that both listings must truncate alike.
  utimesSync(join(dir, 'songs/A/B/one.json'), 1_700_000_000.1239, 1_700_000_000.1239);
  utimesSync(join(dir, 'songs/C/four.json'), 1_600_000_000.9999, 1_600_000_000.9999);
  return dir;
}

describe('listing a source folder', () => {
  it('finds the regular files, skipping hidden ones and not following links, with their stat', () => {
    const dir = sourceTree();
    const files = byPath(listWithNode(join(dir, 'songs')));
    expect(files.map((f) => f.path)).toEqual([join(dir, 'songs/A/B/one.json'), join(dir, 'songs/A/two words\tand tab.json'), join(dir, 'songs/C/four.json')]);
    for (const file of files) {
      const stat = statSync(file.path);
      expect(file).toEqual({ path: file.path, size: stat.size, modifiedMs: Math.trunc(stat.mtimeMs) });
    }
    expect(files[0]!.modifiedMs).toBe(1_700_000_000_123);
    expect(files[2]!.modifiedMs).toBe(1_600_000_000_999);
  });

  it.runIf(process.platform === 'linux')('lists the same files, sizes and times through GNU find as in Node', async () => {
    const dir = sourceTree();
    for (const folder of [join(dir, 'songs'), join(dir, 'songs-link'), join(dir, 'songs/A')]) {
      const found = await listWithFind(folder);
      expect(found, 'GNU find is expected on Linux').toBeDefined();
      expect(byPath(found!)).toEqual(byPath(listWithNode(folder)));
    }
  });

  it('falls back to Node where find fails, which then reports the error itself', async () => {
    const missing = join(writeProject({}), 'no-such-folder');
    expect(await listWithFind(missing)).toBeUndefined();
    await expect(listFolder(missing)).rejects.toThrow(/ENOENT/);
  });

  it('gives an unchanged folder the same digest, and a new one when a name, a size or a time changes', async () => {
    const listers = { find: async (folder: string) => (await listFolder(folder)).digest, node: async (folder: string) => listingOf(listWithNode(folder)).digest };
    for (const [lister, listingDigest] of Object.entries(listers)) {
      const folder = join(sourceTree(), 'songs');
      const digest = () => listingDigest(folder);
      const seen = new Set([await digest()]);
      expect(await digest(), lister).toBe([...seen][0]);
      const one = join(folder, 'A/B/one.json');
      const changes = [
        () => utimesSync(one, 1_700_000_000.5, 1_700_000_000.5),
        () => writeFileSync(one, '{"a":10}'),
        () => renameSync(one, join(folder, 'A/B/uno.json')),
        () => writeFileSync(join(folder, 'C/five.json'), '{}'),
      ];
      for (const change of changes) {
        change();
        const next = await digest();
        expect(seen.has(next), `${lister}: ${String(change)}`).toBe(false);
        seen.add(next);
      }
    }
  });

  it('reads find output field by field, and refuses output that is not triples of name, size and time', () => {
    expect(parseFindOutput('A/x.json\u000012\u00001700000000.1239000000\u0000B/y z.json\u00000\u00001600000000\u0000', '/data')).toEqual([
      { path: '/data/A/x.json', size: 12, modifiedMs: 1_700_000_000_123 },
      { path: '/data/B/y z.json', size: 0, modifiedMs: 1_600_000_000_000 },
    ]);
    expect(parseFindOutput('', '/data')).toEqual([]);
    expect(parseFindOutput('A/x.json\u000012\u0000', '/data')).toBeUndefined();
    expect(parseFindOutput('A/x.json\u0000twelve\u00001700000000.1\u0000', '/data')).toBeUndefined();
    expect(parseFindOutput('find: unknown predicate -printf', '/data')).toBeUndefined();
  });
});
