// The search's memo on its own: windows of ranks identify sets exactly, a set of unknowns
// covers its supersets, an exact repeat is found however many sets a group holds, and the
// table refuses to grow past its byte limit.
import { describe, expect, it } from 'vitest';
import { MEMO_FULL, MemoTable } from '../../sim/check/_internal/memoTable.js';

/** A configuration for `visit`: known ranks, unknown ranks, state; bits and windows built. */
function config(known: readonly number[], unknown: readonly number[], state = 0) {
  const bits = (ranks: readonly number[]) => {
    const b = new Uint32Array(8);
    for (const r of ranks) b[r >>> 5]! |= 1 << (r & 31);
    return b;
  };
  const lo = (ranks: readonly number[]) => {
    let r = 0;
    while (ranks.includes(r)) r++;
    return r;
  };
  const hi = (ranks: readonly number[]) => (ranks.length === 0 ? 0 : Math.max(...ranks) + 1);
  const kHash = known.reduce((h, r) => h ^ Math.imul(r + 1, 0x9e3779b1), 0x1234);
  const iHash = unknown.reduce((h, r) => h ^ Math.imul(r + 7, 0x85ebca6b), 0);
  return [kHash ^ state, state, lo(known), hi(known), bits(known), lo(unknown), hi(unknown),
    bits(unknown), iHash] as const;
}

describe('check: the search memo', () => {
  it('finds a configuration again, and tells apart sets that differ in one rank', () => {
    const memo = new MemoTable();
    const sets = [[0, 1, 2], [0, 1, 3], [0, 2, 40], [1, 2, 3], [0, 1, 2, 33]];
    for (const s of sets) expect(memo.visit(...config(s, []))).toBe(1);
    for (const s of sets) expect(memo.visit(...config(s, []))).toBe(0);
    expect(memo.visit(...config([0, 1, 2], [], 5))).toBe(1);
    expect(memo.size).toBe(6);
  });

  it('covers a set of unknowns with any subset of it, same known set and state', () => {
    const memo = new MemoTable();
    expect(memo.visit(...config([0, 1], [2]))).toBe(1);
    expect(memo.visit(...config([0, 1], [2, 5]))).toBe(0);
    expect(memo.visit(...config([0, 1], [5]))).toBe(1);
    expect(memo.visit(...config([0, 1], [2, 5], 1))).toBe(1);
    // The empty set covers both, and takes their place.
    expect(memo.visit(...config([0, 1], []))).toBe(1);
    expect(memo.size).toBe(2);
    expect(memo.visit(...config([0, 1], [9, 70]))).toBe(0);
  });

  it('finds every exact repeat in a group of many incomparable sets', () => {
    const memo = new MemoTable();
    const singles = Array.from({ length: 40 }, (_, r) => [r]);
    for (const s of singles) expect(memo.visit(...config([0], s))).toBe(1);
    for (const s of singles) expect(memo.visit(...config([0], s))).toBe(0);
    expect(memo.size).toBe(40);
  });

  it('without covering, keeps a superset apart from its subset', () => {
    const memo = new MemoTable(Infinity, Infinity, 1024, false);
    expect(memo.visit(...config([0], [2]))).toBe(1);
    expect(memo.visit(...config([0], [2, 5]))).toBe(1);
    expect(memo.visit(...config([0], [2, 5]))).toBe(0);
    expect(memo.visit(...config([0], []))).toBe(1);
    expect(memo.size).toBe(3);
  });

  it('refuses to grow past its byte limit or its entry limit', () => {
    const small = new MemoTable(100_000, Infinity, 64);
    let result = 1;
    for (let s = 0; result === 1; s++) result = small.visit(...config([0, 1], [], s));
    expect(result).toBe(MEMO_FULL);
    expect(small.bytes).toBeLessThanOrEqual(100_000);
    const few = new MemoTable(Infinity, 10);
    for (let s = 0; s < 10; s++) expect(few.visit(...config([0], [], s))).toBe(1);
    expect(few.visit(...config([0], [], 10))).toBe(MEMO_FULL);
  });
});
