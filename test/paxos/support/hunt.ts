/**
 * The bounded bug hunt shared by test/paxos/bugs.test.ts and bench/paxos.ts: generated fuzz
 * cases (fixed fast-check seed, so the count is reproducible) run with one bug switched on
 * until the property the catalogue names reports a violation.
 */
import fc from 'fast-check';
import { type RunSpec, runSpec } from '../../../runner/index.js';
import { type FuzzCase, fuzzCaseArb, fuzzSpec } from './specs.js';

/** The fault window of the hunt's generated schedules. */
export const HUNT_WINDOW = 2_000_000;

/** The first detection, or undefined when the budget ran out. */
export interface Detection {
  readonly runs: number;
  readonly seed: string;
  readonly explanation: string;
}

let cached: { budget: number; cases: FuzzCase[] } | undefined;

function huntCases(budget: number): FuzzCase[] {
  if (cached === undefined || cached.budget < budget) {
    const cases = fc.sample(fuzzCaseArb(HUNT_WINDOW), { numRuns: budget, seed: 424242 });
    cached = { budget, cases };
  }
  return cached.cases.slice(0, budget);
}

/** Runs generated cases with `bug` on until `caughtBy` is violated. */
export function hunt(protocol: 'paxos' | 'paxos-single', bug: string, caughtBy: string,
  budget: number): Detection | undefined {
  for (const [i, c] of huntCases(budget).entries()) {
    const spec: RunSpec = { ...fuzzSpec(c, protocol, HUNT_WINDOW, [bug]), expect: {} };
    const report = runSpec(spec, { trace: 'off' });
    if (report.violation?.name === caughtBy) {
      return { runs: i + 1, seed: String(spec.seed), explanation: report.violation.explanation };
    }
  }
  return undefined;
}
