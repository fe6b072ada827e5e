/**
 * balancer: the key maps against their promises, by property over random pools and keys:
 * - the ring moves a key only when its owner left or the newcomer took it (Karger et al.);
 * - Maglev gives every backend ⌊M/n⌋ or ⌈M/n⌉ slots, and a resize moves about 1/n of the keys
 *   (Eisenbud et al. §3.4: near minimal, not minimal);
 * - `hash mod n` moves most keys on a resize;
 * - `keysMoved` counts moved keys and the ideal share right.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing, hash32, isPrime, keyMap, keysMoved, MaglevTable, ModuloMap } from
  '../../protocols/balancer/hashing.js';

const KEYS = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
const poolArb = fc.integer({ min: 2, max: 12 }).map((n) =>
  Array.from({ length: n }, (_, i) => `n${i + 2}`));

describe('balancer: hashing', () => {
  it('hash32 is deterministic and spreads nearby keys', () => {
    expect(hash32('k1')).toBe(hash32('k1'));
    const buckets = new Array<number>(16).fill(0);
    for (const key of KEYS) buckets[hash32(key) % 16]! += 1;
    // 2000 keys in 16 buckets: 125 each on average; sequential names must not clump.
    expect(Math.max(...buckets)).toBeLessThan(175);
    expect(Math.min(...buckets)).toBeGreaterThan(80);
  });

  it('the ring moves a key only from a leaving backend or to a joining one', () => {
    fc.assert(fc.property(poolArb, fc.nat(), fc.boolean(), (pool, pick, add) => {
      const other = pool[pick % pool.length] as string;
      const after = add ? [...pool, 'n99'] : pool.filter((id) => id !== other);
      const a = new HashRing(pool, 50);
      const b = new HashRing(after, 50);
      for (const key of KEYS.slice(0, 300)) {
        const before = a.owner(key);
        const now = b.owner(key);
        if (before !== now) expect(add ? now === 'n99' : before === other).toBe(true);
      }
    }), { numRuns: 60, seed: 1 });
  });

  it('Maglev gives each backend floor(M/n) or ceil(M/n) slots', () => {
    fc.assert(fc.property(poolArb, fc.constantFrom(251, 1031, 4099), (pool, size) => {
      const shares = [...new MaglevTable(pool, size).shares().values()];
      expect(shares.length).toBe(pool.length);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      expect(shares.reduce((s, x) => s + x, 0)).toBe(size);
    }), { numRuns: 40, seed: 2 });
  });

  it('a resize of one backend moves about 1/n of the keys on the ring and Maglev, most with mod n', () => {
    const pool = ['n2', 'n3', 'n4', 'n5', 'n6'];
    const grown = [...pool, 'n7'];
    const settings = { vnodes: 160, maglevSize: 65_537 };
    const ring = keysMoved(keyMap('ring', pool, settings), keyMap('ring', grown, settings), KEYS);
    const maglev = keysMoved(keyMap('maglev', pool, settings), keyMap('maglev', grown, settings),
      KEYS);
    const modulo = keysMoved(new ModuloMap(pool), new ModuloMap(grown), KEYS);
    expect(ring.ideal).toBeCloseTo(1 / 6);
    expect(Math.abs(ring.moved - 1 / 6)).toBeLessThan(0.05);
    expect(Math.abs(maglev.moved - 1 / 6)).toBeLessThan(0.05);
    expect(modulo.moved).toBeGreaterThan(0.75);
  });

  it('keysMoved: the ideal is the larger of the removed and added shares', () => {
    const same = new HashRing(['n2', 'n3'], 10);
    expect(keysMoved(same, same, KEYS)).toEqual({ moved: 0, ideal: 0 });
    const swapped = keysMoved(new ModuloMap(['n2', 'n3', 'n4', 'n5']),
      new ModuloMap(['n2', 'n3', 'n4', 'n6']), KEYS);
    expect(swapped.ideal).toBe(0.25);
  });

  it('isPrime accepts primes only', () => {
    expect([2, 3, 251, 4099, 65_537].every(isPrime)).toBe(true);
    expect([0, 1, 4, 4097, 65_535, 2.5].some(isPrime)).toBe(false);
  });
});
