/**
 * The campaign takes the runners' outcomes in run order: whatever order they arrive in, it
 * counts the same runs and stops at the same one as a single runner would, and it tells the
 * runners where it stopped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InOrder, LAST, sharedCounter } from '../../cli/fuzzShare.js';

/** Positions 0..n-1, some of them failures, and a limit of failures to stop at. */
const campaign = fc.integer({ min: 0, max: 40 }).chain((n) => fc.record({
  n: fc.constant(n),
  failing: fc.uniqueArray(fc.nat({ max: Math.max(0, n - 1) }), { maxLength: n }),
  limit: fc.integer({ min: 1, max: 4 }),
  arrival: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n }),
}));

/** Takes outcomes with a limit of failures; returns what it took. */
function taker(failing: readonly number[], limit: number) {
  const taken: number[] = [];
  let failures = 0;
  return {
    taken,
    take: (position: number): boolean => {
      taken.push(position);
      if (failing.includes(position)) failures++;
      return failures < limit;
    },
  };
}

describe('InOrder', () => {
  it('takes the runs a single runner would take, in order, whatever order they arrive in', () => {
    fc.assert(fc.property(campaign, ({ n, failing, limit, arrival }) => {
      const single = taker(failing, limit);
      const alone = new InOrder(sharedCounter(), single.take);
      for (let p = 0; p < n; p++) alone.add({ position: p, outcome: p });
      const counter = sharedCounter();
      const many = taker(failing, limit);
      const order = new InOrder(counter, many.take);
      for (const p of arrival) order.add({ position: p, outcome: p });
      order.flush();
      expect(many.taken).toEqual(single.taken);
      const stop = [...failing].sort((a, b) => a - b)[limit - 1];
      expect(many.taken).toEqual(Array.from({ length: stop ?? n }, (_, i) => i)
        .concat(stop === undefined ? [] : [stop]));
      // The runners are told the last position to start once the campaign has stopped.
      expect(counter[LAST]).toBe(stop ?? 0x7fffffff);
      expect(order.last).toBe(stop ?? Number.POSITIVE_INFINITY);
    }), { numRuns: 300, seed: 16 });
  });

  it('takes the runs past a gap at the end, in order (runs the deadline kept from starting)', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.nat({ max: 30 }), { maxLength: 20 }), (arrived) => {
      const taken: number[] = [];
      const order = new InOrder<number>(sharedCounter(), (p) => {
        taken.push(p);
        return true;
      });
      for (const p of arrived) order.add({ position: p, outcome: p });
      order.flush();
      expect(taken).toEqual([...arrived].sort((a, b) => a - b));
    }), { numRuns: 200, seed: 16 });
  });
});
