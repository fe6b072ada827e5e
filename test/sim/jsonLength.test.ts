/** jsonLength is JSON.stringify(value).length, on any data (sim/jsonLength.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLength } from '../../sim/index.js';

describe('jsonLength', () => {
  it('equals the length of JSON.stringify on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      expect(jsonLength(value)).toBe(JSON.stringify(value).length);
    }), { numRuns: 2_000 });
  });

  it('equals it on data JSON drops or changes: undefined, functions, NaN, -0, escapes, dates', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: false, withMap: true, withSet: true,
      withDate: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
    (value) => {
      expect(jsonLength(value)).toBe(JSON.stringify(value)?.length ?? 0);
    }), { numRuns: 2_000 });
    for (const value of [{ a: undefined, b: () => 1, c: NaN, d: -0, e: 'q"\\\n\u0001\ud800' },
      [undefined, () => 1, Symbol('s')], new Date(0), 1e21, -12.5, 123456789012]) {
      expect(jsonLength(value)).toBe(JSON.stringify(value).length);
    }
  });
});
