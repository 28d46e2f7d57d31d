import { describe, expect, it } from 'vitest';
import { mayMerge, movesTail, ROW_GROUP_ROWS as G, tailStart } from '../../../src/adapters/duckdb/duckdb-row-groups.js';

describe('the tail of part-filled row groups', () => {
  it('starts after the last full group', () => {
    expect(tailStart([G, G, 5_000])).toBe(2 * G);
    expect(tailStart([G, 70_000, 10])).toBe(G);
    expect(tailStart([G, G])).toBe(2 * G);
    expect(tailStart([40_000])).toBe(0);
    expect(tailStart([])).toBe(0);
    // A part-filled group before a full one is not part of the tail.
    expect(tailStart([G, 63_145, G, 27_295])).toBe(G + 63_145 + G);
  });

  it('moves into an append when under half a group, the two fill a group, and DuckDB would merge them otherwise', () => {
    const tail = (rows: number) => ({ start: 0, end: rows, rows });
    // One day of plays: [27,295, G, G, 19,193] fits in three groups.
    expect(movesTail(tail(27_295), 264_953)).toBe(true);
    expect(movesTail(tail(27_295), G - 27_295)).toBe(true);
    expect(movesTail(tail(27_295), G - 27_296)).toBe(false);
    // A model's rows, not counted beforehand: the tail moves, unless it is the whole table.
    expect(movesTail({ start: G, end: G + 27_295, rows: 27_295 }, undefined)).toBe(true);
    expect(movesTail(tail(G / 2 - 1), undefined)).toBe(false);
    // One day of events: [49,484, G, G, 87,574] does not fit in three groups, nor [27,120, 100,000] in one.
    expect(movesTail(tail(49_484), 333_334)).toBe(false);
    expect(movesTail(tail(27_120), 100_000)).toBe(false);
    expect(movesTail(tail(27_120), 300_000)).toBe(true);
    // At least half a group: DuckDB never merges it, so it stays.
    expect(movesTail(tail(G / 2), 1_000_000)).toBe(false);
    expect(movesTail(tail(84_810), undefined)).toBe(false);
    expect(movesTail(tail(0), 1_000_000)).toBe(false);
  });
});

describe('whether DuckDB could merge row groups at a checkpoint', () => {
  it('finds up to four consecutive groups that fit in one fewer', () => {
    expect(mayMerge([G, G, 27_295])).toBe(false);
    expect(mayMerge([G, 63_145, G, G, G, 27_295])).toBe(false);
    expect(mayMerge([60_000, 60_000])).toBe(true);
    expect(mayMerge([G, G, 27_295, 19_240])).toBe(true);
    // Two part-filled groups two full groups apart fit in three groups...
    expect(mayMerge([27_295, G, G, 19_240])).toBe(true);
    // ...but not three full groups apart.
    expect(mayMerge([27_295, G, G, G, 19_240])).toBe(false);
  });
});
