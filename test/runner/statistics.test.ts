/**
 * The statistics of repeated runs (runner/statistics.ts): Student's t quantiles against the
 * printed tables, Gamma at known points, and a mean's 95% interval that covers the true mean
 * about 95% of the time (measured on seeded normal samples).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/index.js';
import { gamma, incompleteBeta, studentQuantile, summarize } from '../../runner/statistics.js';

describe('statistics', () => {
  it('gives Student t quantiles as the tables print them', () => {
    // t(0.975) for 1, 4, 9, 29, 49 and 120 degrees of freedom, and t(0.95) for 10.
    const table: [number, number, number][] = [[0.975, 1, 12.706], [0.975, 4, 2.776],
      [0.975, 9, 2.262], [0.975, 29, 2.045], [0.975, 49, 2.010], [0.975, 120, 1.980],
      [0.95, 10, 1.812]];
    for (const [p, df, t] of table) expect(studentQuantile(p, df)).toBeCloseTo(t, 3);
    expect(studentQuantile(0.025, 9)).toBeCloseTo(-2.262, 3);
  });

  it('gives Gamma and the incomplete beta function at known points', () => {
    expect(gamma(5)).toBeCloseTo(24, 9);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9);
    expect(gamma(1.5)).toBeCloseTo(Math.sqrt(Math.PI) / 2, 9);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
  });

  it('summarizes repeated figures with a 95% interval of their mean', () => {
    const s = summarize([1, 2, 3, 4, 5]);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.hi - s.mean).toBeCloseTo(2.776 * Math.sqrt(2.5) / Math.sqrt(5), 3);
    expect(summarize([7])).toEqual({ n: 1, mean: 7, sd: 0, lo: 7, hi: 7 });
  });

  it('covers the true mean about 95% of the time', () => {
    const prng = new Prng('coverage', 'coverage');
    let covered = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const s = summarize(Array.from({ length: 8 }, () => 10 + 3 * prng.normal()));
      if (s.lo <= 10 && 10 <= s.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });
});
