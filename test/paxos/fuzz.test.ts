/**
 * The bounded fuzz campaign of `npm test` for both Paxos protocols (as for Raft): fast-check
 * generates the cluster size (3–7), loss up to 30%, duplication, every fault kind (crashes
 * with torn writes, restarts, pauses, partitions including one-way cuts, bridges and rings,
 * link changes, clock offsets, drift and jumps, failed syncs, corrupted records), workloads
 * and seeds. Every run must keep every invariant, give a linearizable history (Multi-Paxos)
 * and meet the liveness checks once the faults heal. A failure names the seed and schedule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpec } from '../../runner/index.js';
import { describeReport, fuzzCaseArb, fuzzSpec } from './support/specs.js';

const FAULT_WINDOW = 2_000_000;

describe('paxos: fuzz', () => {
  it.each([
    { protocol: 'paxos' as const, runs: 30 },
    { protocol: 'paxos-single' as const, runs: 120 },
  ])('$protocol keeps every invariant and recovers after the heal ($runs runs)',
    ({ protocol, runs }) => {
      fc.assert(fc.property(fuzzCaseArb(FAULT_WINDOW), (c) => {
        const spec = fuzzSpec(c, protocol, FAULT_WINDOW);
        const report = runSpec(spec, { trace: 'off' });
        expect(report.failures, describeReport(spec, report)).toEqual([]);
        if (protocol === 'paxos') expect(report.linearizability?.verdict).toBe('linearizable');
      }), { numRuns: runs, seed: 20261122 });
    });

  it('gives one trace hash for one seed, and another for another seed', () => {
    const [c] = fc.sample(fuzzCaseArb(FAULT_WINDOW), { numRuns: 1, seed: 5 });
    const spec = fuzzSpec(c as NonNullable<typeof c>, 'paxos', FAULT_WINDOW);
    const first = runSpec(spec).result.hash;
    expect(runSpec(spec).result.hash).toBe(first);
    expect(runSpec({ ...spec, seed: spec.seed === 1 ? 2 : 1 }).result.hash).not.toBe(first);
  });

  it('is deterministic for any generated case and seed', () => {
    fc.assert(fc.property(fuzzCaseArb(500_000), (c) => {
      const spec = { ...fuzzSpec(c, 'paxos', 500_000), duration: 1_000_000 };
      expect(runSpec(spec, { trace: 'off' }).result.hash)
        .toBe(runSpec(spec, { trace: 'off' }).result.hash);
    }), { numRuns: 5, seed: 7 });
  });
});
