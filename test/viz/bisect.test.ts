/**
 * The views' lookups (viz/src/model/bisect.ts, d3's bisectors) against a linear scan: the
 * first item at or after a value, over sorted keys with repeats, below and past both ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstArrow, firstStarting } from '../../viz/src/model/bisect.js';
import type { Derived, Interval } from '../../viz/src/model/derive.js';

const sortedKeys = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 })
  .map((keys) => keys.sort((a, b) => a - b));
const linear = (keys: readonly number[], value: number) => {
  const i = keys.findIndex((k) => k >= value);
  return i < 0 ? keys.length : i;
};

describe('viz: bisect', () => {
  it('finds the first arrow sent at or after an index, as a scan does', () => {
    fc.assert(fc.property(sortedKeys, fc.integer({ min: -5, max: 60 }), (keys, value) => {
      const derived = { arrowSend: Int32Array.from(keys) } as unknown as Derived;
      expect(firstArrow(derived, value)).toBe(linear(keys, value));
    }));
  });

  it('finds the first interval starting at or after a time, as a scan does', () => {
    fc.assert(fc.property(sortedKeys, fc.integer({ min: -5, max: 60 }), (keys, value) => {
      const list = keys.map((t0) => ({ t0, t1: t0 + 1 }) as unknown as Interval);
      expect(firstStarting(list, value)).toBe(linear(keys, value));
    }));
  });
});
