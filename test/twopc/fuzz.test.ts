/**
 * twopc: fuzz. fast-check draws the cluster size, the variant, lossy and duplicating links,
 * clock drift and a fault schedule (crashes and restarts of any server, the coordinator
 * included, partitions and one-way cuts, pauses, clock jumps, failing syncs and corrupted
 * records); every run must keep every safety property and, after the repair, decide every
 * transaction (AC5). A failure message carries the seed and the schedule to replay it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpec, type RunSpec } from '../../runner/index.js';
import { nodeIds, scheduleArb } from '../support/engineArbitraries.js';
import { SAFETY_NAMES } from '../../protocols/twopc/invariants.js';
import { registry, twoPcSpec } from './support.js';

const FAULTS_UNTIL = 1_500_000;

/** A generated run of `variant`. */
export function fuzzSpecArb(variant: '2pc' | 'paxos-commit'): fc.Arbitrary<RunSpec> {
  return fc.integer({ min: 3, max: 5 }).chain((nodes) => fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    loss: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    duplicate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
    drift: fc.array(fc.integer({ min: -100_000, max: 100_000 }),
      { minLength: nodes, maxLength: nodes }),
    faults: scheduleArb(nodeIds(nodes), FAULTS_UNTIL),
  }).map(({ seed, loss, duplicate, drift, faults }) => twoPcSpec({
    name: `twopc-fuzz-${variant}-${seed}`, nodes, seed, faults, duration: 4_000_000,
    network: { latency: { dist: 'lognormal', median: 1_000, p99: 8_000, max: 30_000 }, loss,
      duplicate },
    clocks: Object.fromEntries(drift.map((d, i) => [`n${i + 1}`, { driftPpm: d }])),
    // Safety and AC5; not `transaction-committed`: a run may lose most messages and commit nothing.
    expect: { hold: SAFETY_NAMES, liveness: { after: FAULTS_UNTIL + 100_000, settle: 2_000_000 } },
  }, { variant })));
}

/** What to print when a generated run fails. */
export function describeRun(spec: RunSpec): string {
  return `seed ${String(spec.seed)}, nodes ${spec.nodes}, params ${JSON.stringify(spec.params)}, ` +
    `network ${JSON.stringify(spec.network)}, faults ${JSON.stringify(spec.faults)}`;
}

describe('twopc: fuzz', () => {
  for (const variant of ['2pc', 'paxos-commit'] as const) {
    it(`${variant}: keeps AC1-AC4, balance and serializability; decides all after repair`, () => {
      fc.assert(fc.property(fuzzSpecArb(variant), (spec) => {
        const report = runSpec(spec, {}, registry);
        expect(report.failures, describeRun(spec)).toEqual([]);
      }), { numRuns: Number(process.env.TWOPC_FUZZ_RUNS ?? 12),
        seed: Number(process.env.TWOPC_FUZZ_SEED ?? 20_261_122) });
    });
  }
});
