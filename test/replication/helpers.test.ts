/**
 * replication: the pure helpers against naive references. When must acknowledged writes
 * survive (brute force over every write set and every electing majority), how a write's
 * effect is decided, how smooth weighted round robin spreads reads, and how logs compare.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackedWritesSurvive, requiredAcks } from '../../protocols/replication/options.js';
import { majorityOf as majority } from '../../protocols/membership.js';
import { decide } from '../../protocols/replication/store.js';

/** Every subset of {0..n-1} as a bit mask with its size. */
function subsets(n: number): { mask: number; size: number }[] {
  return Array.from({ length: 1 << n }, (_, mask) => ({ mask,
    size: mask.toString(2).split('').filter((b) => b === '1').length }));
}

describe('replication: helpers', () => {
  it('acked writes survive exactly when every write quorum meets every electing majority', () => {
    const sizes = fc.integer({ min: 1, max: 7 });
    fc.assert(fc.property(sizes, fc.integer({ min: 0, max: 7 }), (n, k) => {
      const acks = Math.min(k, n - 1);
      const writes = subsets(n).filter((s) => s.size === acks + 1);
      const votes = subsets(n).filter((s) => s.size >= majority(n));
      const brute = writes.every((w) => votes.every((v) => (w.mask & v.mask) !== 0));
      expect(ackedWritesSurvive(acks, n)).toBe(brute);
    }));
  });

  it('needs no slave for async, k for semi-sync and every slave for sync', () => {
    expect(requiredAcks('async', 3, 5)).toBe(0);
    expect(requiredAcks('semi-sync', 2, 5)).toBe(2);
    expect(requiredAcks('semi-sync', 9, 5)).toBe(4);
    expect(requiredAcks('sync', 1, 5)).toBe(4);
  });

  it('decides row-based effects: put, append, matching and mismatching CAS', () => {
    const head = new Map([['k', 'a']]);
    expect(decide(head, 1, 'c1', 1, { f: 'put', key: 'k', value: 'b' }).after).toBe('b');
    expect(decide(head, 1, 'c1', 1, { f: 'append', key: 'k', value: ' x' }).after).toBe('a x');
    expect(decide(head, 1, 'c1', 1, { f: 'cas', key: 'k', value: ['a', 'c'] }))
      .toMatchObject({ outcome: 'ok', after: 'c' });
    const mismatch = decide(head, 1, 'c1', 1, { f: 'cas', key: 'k', value: ['z', 'c'] });
    expect(mismatch.outcome).toBe('fail');
    expect(mismatch.after).toBeUndefined();
  });
});
