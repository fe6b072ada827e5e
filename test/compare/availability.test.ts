/**
 * The availability arithmetic against the simulator (issue 15): scenarios/compare/availability.yaml
 * draws crashes and repairs from `failures: { mtbf: 30s, mttr: 3s }`, and over 50 seeds the
 * measured availability of one server and of a majority of three has the formulas inside its
 * 95% confidence interval: MTBF / (MTBF + MTTR) = 0.909 and 3a²(1 − a) + a³ = 0.977.
 *
 * Server running time does not depend on the design (the failures are drawn from the seed
 * and the servers alone), so the 50 seeds run one design; a seed's figures are shown to be the
 * same for every design first.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadComparison, runComparison } from '../../runner/compare/index.js';
import { runSweep } from '../../runner/sweep/index.js';

const FILE = 'scenarios/compare/availability.yaml';
const comparison = loadComparison(readFileSync(FILE, 'utf8'), FILE);

describe('availability against MTBF / (MTBF + MTTR) and the binomial formula', () => {
  it('draws one failure schedule for every design', () => {
    const runs = runComparison(comparison, { seed: 3 }).runs;
    for (const key of ['node-availability', 'quorum-availability']) {
      expect(new Set(runs.map((r) => r.report.metrics[key])).size, key).toBe(1);
    }
  });

  it('holds the formulas inside the 95% interval over 50 seeds', () => {
    expect(comparison.designs[0]?.spec.failures).toEqual([{ kind: 'crash', mtbf: 30e6,
      mttr: 3e6, distribution: 'exponential' }]);
    const one = { ...comparison, designs: comparison.designs.slice(0, 1) };
    const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
    const { rows } = runSweep(FILE, [{ values: {}, comparison: one }], { axes: [], seeds });
    const check = rows[0]?.availability;
    expect(check?.formula.node).toBeCloseTo(30 / 33, 12);
    const a = 30 / 33;
    expect(check?.formula.cluster).toBeCloseTo(3 * a * a * (1 - a) + a ** 3, 12);
    expect(check?.quorum).toBe(2);
    expect(check?.measured.node?.n).toBe(50);
    expect(check?.within, JSON.stringify(check?.measured)).toEqual({ node: true, cluster: true });
    // And the intervals say something: narrower than the gap between the two formulas.
    const width = (s?: { lo: number; hi: number }) => (s?.hi ?? 1) - (s?.lo ?? 0);
    expect(width(check?.measured.node)).toBeLessThan(0.03);
    expect(width(check?.measured.cluster)).toBeLessThan(0.03);
  }, 180_000);
});
