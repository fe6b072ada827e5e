/**
 * twopc: bug switches. Each switch is found by a bounded hunt (hunt.ts) with its nemesis, and
 * the same generated runs without the switch find nothing, so it is the bug that the checks
 * catch and not the nemesis. Each bug's scenario file violates the property its catalogue
 * entry names, and passes with the switch off. The runs to first detection are printed: they
 * are the figures of the bug table in protocols/twopc/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';
import { TWOPC_BUGS } from '../../protocols/twopc/definition.js';
import { BUG_NAMES, type TwoPcBug } from '../../protocols/twopc/params.js';
import { hunt } from './hunt.js';

/** Runs within which each bug must be found (fast-check seed 1); measured, with headroom. */
export const HUNT_BUDGET: Readonly<Record<TwoPcBug, number>> = {
  'commit-on-timeout': 20,
  'vote-before-log': 60,
  'decision-not-logged': 250,
};

/** Properties a hunt may legitimately report for a bug (whichever breaks first). */
const CATCHERS: Readonly<Record<TwoPcBug, readonly string[]>> = {
  'commit-on-timeout': ['ac1-agreement', 'balance-conserved', 'ac3-commit-needs-yes'],
  'vote-before-log': ['balance-conserved', 'ac1-agreement'],
  'decision-not-logged': ['ac2-no-reversal', 'ac1-agreement'],
};

describe('twopc: bug switches', () => {
  it('has a catalogue entry with a scenario for every switch', () => {
    expect(TWOPC_BUGS.map((b) => b.name)).toEqual([...BUG_NAMES]);
  });

  for (const bug of BUG_NAMES) {
    it(`${bug}: a hunt finds it within ${HUNT_BUDGET[bug]} runs`, () => {
      const found = hunt(bug, HUNT_BUDGET[bug]);
      console.log(`twopc hunt: ${bug} found after ${found.runs} runs by ${found.property}` +
        ` (seed ${String(found.spec?.seed)}): ${found.explanation}`);
      expect(found.runs).toBeLessThanOrEqual(HUNT_BUDGET[bug]);
      expect(CATCHERS[bug]).toContain(found.property);
    });

    it(`${bug}: the same nemesis finds nothing with the switch off`, () => {
      const found = hunt(bug, 25, 1, false);
      expect(found.explanation).toBeUndefined();
    });

    it(`${bug}: its scenario violates ${TWOPC_BUGS.find((b) => b.name === bug)?.caughtBy}` +
      ' and passes with the switch off', () => {
      const entry = TWOPC_BUGS.find((b) => b.name === bug);
      const file = entry?.scenario ?? '';
      const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
      const report = runSpec(spec);
      expect(report.failures).toEqual([]);
      expect(report.violation?.name).toBe(entry?.caughtBy);
      const fixed = runSpec({ ...spec, params: { ...(spec.params as object), bugs: [] },
        expect: { liveness: { settle: 500_000 } } });
      expect(fixed.failures).toEqual([]);
    });
  }
});
