/**
 * Every bug switch of both Paxos protocols is found by the generated fault schedules of the
 * fuzz campaign within a stated number of runs, by the property its catalogue entry names;
 * and every bug's teaching scenario holds when the bug is switched off, so the violation it
 * shows is the bug's. The runs to first detection are printed and recorded in
 * protocols/paxos/README.md.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario, type RunSpec, runSpec } from '../../runner/index.js';
import { paxos, paxosSingle } from '../../protocols/paxos/definition.js';
import { fuzzCaseArb, fuzzSpec } from './support/specs.js';

const FAULT_WINDOW = 2_000_000;
/** Runs allowed before a bug must have been found (the stated budget). */
const BUDGET = 40;

const cases = fc.sample(fuzzCaseArb(FAULT_WINDOW), { numRuns: BUDGET, seed: 424242 });

/** Runs generated cases with `bug` on; returns the 1-based run that first found it. */
function runsToDetection(protocol: 'paxos' | 'paxos-single', bug: string, caughtBy: string) {
  for (const [i, c] of cases.entries()) {
    const spec: RunSpec = { ...fuzzSpec(c, protocol, FAULT_WINDOW, [bug]), expect: {} };
    const report = runSpec(spec, { trace: 'off' });
    if (report.violation?.name === caughtBy) {
      return { runs: i + 1, seed: spec.seed, explanation: report.violation.explanation };
    }
  }
  return undefined;
}

const switches = [
  ...paxos.bugs.map((b) => ({ protocol: 'paxos' as const, ...b })),
  ...paxosSingle.bugs.map((b) => ({ protocol: 'paxos-single' as const, ...b })),
];

describe('paxos: bug switches', () => {
  it.each(switches)('$protocol $name is caught by $caughtBy within the budget',
    ({ protocol, name, caughtBy }) => {
      const found = runsToDetection(protocol, name, caughtBy);
      expect(found, `${protocol} ${name} not found in ${BUDGET} runs`).toBeDefined();
      console.log(`${protocol} ${name}: ${caughtBy} after ${found?.runs} run(s), ` +
        `seed ${found?.seed}: ${found?.explanation.slice(0, 160)}`);
      expect(found?.runs).toBeLessThanOrEqual(BUDGET);
    });

  it.each(switches)('$scenario shows $name, and holds without it', ({ scenario, name }) => {
    const { spec } = loadScenario(readFileSync(scenario, 'utf8'), scenario);
    const shown = runSpec(spec, { trace: 'off' });
    expect(shown.violation?.name).toBe(spec.expect?.violate);
    expect(shown.failures).toEqual([]);
    const params = { ...(spec.params as object), bugs: [] };
    const fixed = runSpec({ ...spec, params, expect: {} }, { trace: 'off' });
    expect(fixed.failures, `${scenario} without ${name}`).toEqual([]);
  });
});
