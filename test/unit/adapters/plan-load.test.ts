import { describe, expect, it } from 'vitest';
import { planLoad } from '../../../src/adapters/loading/file-stamps.js';
import type { FileStamp, RecordedFiles } from '../../../src/adapters/types.js';

const stamp = (file: string, size = 10, modifiedMs = 1000): FileStamp => ({ file, size, modifiedMs });
const listed = (...stamps: FileStamp[]) => new Map(stamps.map((s) => [`/project/${s.file}`, s]));

/** A record as the loader reads it back, counting how often its map of stamps is built. */
function record(stamps: FileStamp[], lines: string | undefined) {
  const built = { times: 0 };
  const loaded: RecordedFiles = {
    count: stamps.length,
    lines,
    stamps: () => {
      built.times++;
      return new Map(stamps.map((s) => [s.file, s]));
    },
  };
  return { loaded, built };
}

const linesOf = (...stamps: FileStamp[]) => stamps.map((s) => `${s.file}\t${s.size}\t${s.modifiedMs}`).join('\n');

describe('planLoad', () => {
  const a = stamp('data/a.json');
  const b = stamp('data/b.json');

  it('finds unchanged files from the record text alone', () => {
    const { loaded, built } = record([a, b], linesOf(a, b));
    expect(planLoad(listed(a, b), loaded)).toEqual({ mode: 'unchanged', files: [] });
    expect(built.times).toBe(0);
  });

  it('compares file by file when the text differs, as for names the engine orders differently', () => {
    const { loaded, built } = record([a, b], linesOf(b, a));
    expect(planLoad(listed(a, b), loaded)).toEqual({ mode: 'unchanged', files: [] });
    expect(built.times).toBe(1);
  });

  it('appends new files and rebuilds for a changed or removed one', () => {
    const c = stamp('data/c.json');
    expect(planLoad(listed(a, b, c), record([a, b], linesOf(a, b)).loaded)).toEqual({ mode: 'append', files: ['/project/data/c.json'] });
    expect(planLoad(listed(a, stamp('data/b.json', 11)), record([a, b], linesOf(a, b)).loaded)).toMatchObject({ mode: 'replace', reason: 'data/b.json changed' });
    expect(planLoad(listed(a, stamp('data/b.json', 10, 2000)), record([a, b], linesOf(a, b)).loaded)).toMatchObject({ mode: 'replace', reason: 'data/b.json changed' });
    expect(planLoad(listed(a), record([a, b], linesOf(a, b)).loaded)).toMatchObject({ mode: 'replace', reason: 'data/b.json was removed' });
    expect(planLoad(listed(a, b), undefined)).toMatchObject({ mode: 'replace', reason: 'full load' });
  });

  it('does not trust the text when a listed name holds a tab or a newline', () => {
    // One recorded file whose name spans two lines reads, as text, like two files: the count tells them apart, and
    // a listed name with a separator never takes the shortcut.
    const odd = stamp('data/a.json\t10\t1000\ndata/b.json');
    const { loaded, built } = record([odd], linesOf(a, b));
    expect(planLoad(listed(a, b), loaded)).toMatchObject({ mode: 'replace', reason: `${odd.file} was removed` });
    expect(built.times).toBe(1);

    const tabbed = stamp('data/x\ty.json');
    const same = record([tabbed], linesOf(tabbed));
    expect(planLoad(listed(tabbed), same.loaded)).toEqual({ mode: 'unchanged', files: [] });
    expect(same.built.times).toBe(1);
  });
});
