/**
 * The Raft fuzz property, shared by the fuzz tests (plain, with log compaction, with
 * batching): every generated run keeps every safety property and linearizability and, where
 * it checks liveness, recovers after the heal. A run whose linearizability check runs out of
 * its budget (histories full of timed-out operations) proves nothing either way: as
 * `faultline fuzz` does, it counts as inconclusive, and most runs must be conclusive.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { inconclusive } from '../../runner/fuzz/index.js';
import { runSpec, type RunSpec } from '../../runner/index.js';
import { raftRunArb } from './support.js';

/** The fuzz arbitrary with extra protocol parameters drawn from `params`. */
export function withParams(params: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<RunSpec> {
  return fc.tuple(raftRunArb(), params).map(([spec, extra]): RunSpec => ({
    ...spec, params: { ...(spec.params as object), ...extra } }));
}

/** Asserts the property over `numRuns` runs of `arb` from `seed`. */
export function assertRaftFuzz(arb: fc.Arbitrary<RunSpec>, numRuns: number, seed: number): void {
  let inconclusiveRuns = 0;
  fc.assert(fc.property(arb, (spec) => {
    const report = runSpec(spec, { checkBudgetMs: 10_000, now: () => performance.now() });
    if (inconclusive(report)) inconclusiveRuns++;
    else if (!report.passed) {
      throw new Error(`seed ${spec.seed} (${spec.nodes} nodes, ${JSON.stringify(spec.params)}): ${
        report.failures.join('; ')}`);
    }
  }), { numRuns, seed });
  expect(inconclusiveRuns).toBeLessThan(numRuns / 3);
}
