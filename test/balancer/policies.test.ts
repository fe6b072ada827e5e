/**
 * balancer: the policies, each on its own state: nginx's smooth weighted round robin gives
 * its documented sequence; weighted random and the least-* policies follow their inputs; the
 * power of two choices never picks the busier of its two; affinity follows the key and is
 * stable while the pool is; the feedback controller moves weights against measured load and
 * converges to load in proportion to speed; the retry budget keeps every stretch of retries
 * within its bound (checked against a brute-force scan of every stretch).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/index.js';
import { BASE_WEIGHT, FeedbackWeights } from '../../protocols/balancer/feedback.js';
import { makePolicy, type PickInput, type PolicyName, SmoothWeighted } from
  '../../protocols/balancer/policies.js';
import { RetryBudget, RetryExcess } from '../../protocols/balancer/retryBudget.js';

const settings = { vnodes: 50, maglevSize: 251 };

function input(pool: string[], patch: Partial<PickInput> = {}): PickInput {
  return { pool, key: undefined, prng: new Prng('test', '1'), inflight: () => 0,
    outstanding: () => 0, weight: () => 1, ...patch };
}

describe('balancer: policies', () => {
  it('smooth weighted round robin interleaves 5:1:1 as a a b a c a a (nginx)', () => {
    const policy = new SmoothWeighted();
    const weights: Record<string, number> = { a: 5, b: 1, c: 1 };
    const picks = Array.from({ length: 7 }, () =>
      policy.pick(input(['a', 'b', 'c'], { weight: (id) => weights[id] ?? 1 })));
    expect(picks.join(' ')).toBe('a a b a c a a');
  });

  it('round robin cycles; every policy returns undefined on an empty pool', () => {
    const rr = makePolicy('round-robin', settings);
    expect([1, 2, 3, 4].map(() => rr.pick(input(['n2', 'n3', 'n4'])))).toEqual(
      ['n2', 'n3', 'n4', 'n2']);
    for (const name of ['round-robin', 'weighted-round-robin', 'random', 'weighted-random',
      'least-connections', 'least-outstanding-requests', 'power-of-two', 'ring', 'maglev',
      'feedback'] as PolicyName[]) {
      expect(makePolicy(name, settings).pick(input([])), name).toBeUndefined();
    }
  });

  it('least connections and least outstanding requests pick the least per weight', () => {
    const open: Record<string, number> = { n2: 4, n3: 1, n4: 3 };
    const lc = makePolicy('least-connections', settings);
    expect(lc.pick(input(['n2', 'n3', 'n4'], { inflight: (id) => open[id] ?? 0 }))).toBe('n3');
    const lor = makePolicy('least-outstanding-requests', settings);
    // n2 has 4 outstanding but weight 8: 0.5 per unit beats n3's 1.
    expect(lor.pick(input(['n2', 'n3', 'n4'], { outstanding: (id) => open[id] ?? 0,
      weight: (id) => (id === 'n2' ? 8 : 1) }))).toBe('n2');
  });

  it('the power of two choices never picks the busier of the two it drew', () => {
    fc.assert(fc.property(fc.array(fc.nat(10), { minLength: 2, maxLength: 8 }), fc.nat(),
      (loads, seed) => {
        const pool = loads.map((_, i) => `n${i + 2}`);
        const picked = makePolicy('power-of-two', settings).pick(input(pool,
          { prng: new Prng('p2c', String(seed)), inflight: (id) => loads[pool.indexOf(id)] ?? 0 }));
        const busiest = Math.max(...loads);
        // Whatever two it drew, the busiest can win only by a tie.
        if (loads.filter((l) => l === busiest).length === 1 && loads.length > 2) {
          expect(picked).not.toBe(pool[loads.indexOf(busiest)]);
        }
      }), { numRuns: 200, seed: 3 });
  });

  it('weighted random draws in proportion to weight', () => {
    const policy = makePolicy('weighted-random', settings);
    const prng = new Prng('wr', '1');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const id = policy.pick(input(['a', 'b'], { prng, weight: (x) => (x === 'a' ? 3 : 1) }));
      counts[id as string] = (counts[id as string] ?? 0) + 1;
    }
    expect((counts.a ?? 0) / 4000).toBeGreaterThan(0.7);
    expect((counts.a ?? 0) / 4000).toBeLessThan(0.8);
  });

  it('affinity sends a key to one backend while the pool stays', () => {
    for (const name of ['ring', 'maglev'] as const) {
      const policy = makePolicy(name, settings);
      const pool = ['n2', 'n3', 'n4'];
      const first = policy.pick(input(pool, { key: 'k7' }));
      for (let i = 0; i < 5; i++) expect(policy.pick(input(pool, { key: 'k7' }))).toBe(first);
    }
  });
});

describe('balancer: feedback weights', () => {
  it('lowers the weight of a backend above its target and keeps the mean', () => {
    const fb = new FeedbackWeights({ targetLoad: 0.5, targets: {}, gain: 0.5 });
    const pool = ['n2', 'n3'];
    fb.report('n2', 0.9, pool);
    expect(fb.weight('n2')).toBeLessThan(fb.weight('n3'));
    expect((fb.weight('n2') + fb.weight('n3')) / 2).toBeCloseTo(BASE_WEIGHT);
  });

  it('converges to weights in proportion to speed under a fixed offered load', () => {
    // n2 serves twice as fast as n3: load = share of requests / capacity.
    const fb = new FeedbackWeights({ targetLoad: 0.5, targets: {}, gain: 0.3 });
    const pool = ['n2', 'n3'];
    const capacity: Record<string, number> = { n2: 2, n3: 1 };
    for (let round = 0; round < 200; round++) {
      const total = fb.weight('n2') + fb.weight('n3');
      for (const id of pool) {
        fb.report(id, Math.min(1, ((1.5 * fb.weight(id)) / total) / (capacity[id] ?? 1)), pool);
      }
    }
    expect(fb.weight('n2') / fb.weight('n3')).toBeGreaterThan(1.8);
    expect(fb.weight('n2') / fb.weight('n3')).toBeLessThan(2.2);
  });
});

describe('balancer: retry budget', () => {
  it('keeps retries within reserve + ratio x admissions over every stretch', () => {
    fc.assert(fc.property(fc.array(fc.boolean(), { maxLength: 300 }),
      fc.constantFrom(0.1, 0.2, 0.5), fc.integer({ min: 0, max: 10 }), (events, ratio, reserve) => {
        const budget = new RetryBudget(ratio, reserve);
        const excess = new RetryExcess(ratio);
        const log: boolean[] = []; // true: a retry sent; false: a request admitted
        for (const wantsRetry of events) {
          if (!wantsRetry) {
            budget.deposit();
            excess.admitted();
            log.push(false);
          } else if (budget.withdraw()) {
            excess.retried();
            log.push(true);
          }
          expect(excess.exceeds(reserve)).toBe(false);
        }
        // Brute force over every stretch agrees with the running maximum.
        let worst = 0;
        for (let i = 0; i < log.length; i++) {
          let x = 0;
          for (let j = i; j < log.length; j++) x += log[j] ? 1 : -ratio;
          worst = Math.max(worst, x);
        }
        expect(worst).toBeLessThanOrEqual(reserve + 1e-9);
      }), { numRuns: 200, seed: 4 });
  });

  it('RetryExcess finds a burst beyond the reserve', () => {
    const excess = new RetryExcess(0.2);
    for (let i = 0; i < 100; i++) excess.admitted();
    excess.retried(11);
    expect(excess.exceeds(10)).toBe(true);
  });
});
