import { describe, expect, it } from 'vitest';
import { toPosix } from '../../../src/util/text.js';

describe('toPosix', () => {
  it('turns every backslash of a Windows path into a slash', () => {
    expect(toPosix('data\\song_data\\A\\B\\TRABC.json')).toBe('data/song_data/A/B/TRABC.json');
  });

  it('returns a path without backslashes as it is', () => {
    const path = 'data/log_data/2018-11-01-events.json';
    expect(toPosix(path)).toBe(path);
    expect(toPosix('')).toBe('');
  });
});
