/**
 * replication: fuzz. fast-check draws cluster size, replication mode (those whose
 * acknowledged writes must survive failover), read policy, loss up to 30%, duplication,
 * latency and a fault schedule (crashes and restarts, pauses, partitions including one-way
 * cuts, clock drift and jumps, failing syncs, corrupted records); every safety invariant
 * must hold and, with master-only reads, the history must be linearizable. A second campaign
 * (no disk faults) heals everything at 5 s and requires a master with every replica caught
 * up within 3 s. The seed is in the failure message. A determinism check runs one drawn
 * configuration twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpec, type RunSpec } from '../../runner/index.js';
import { latencyArb, nodeIds, scheduleArb } from '../support/engineArbitraries.js';

const DURATION = 6_000_000;

const configArb = fc.record({
  nodes: fc.constantFrom(3, 5),
  mode: fc.constantFrom('sync', 'semi-sync'),
  detector: fc.constantFrom('fixed', 'phi'),
  loss: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
  duplicate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
  latency: latencyArb,
  seed: fc.integer({ min: 1, max: 1_000_000 }),
}).chain((c) => scheduleArb(nodeIds(c.nodes), DURATION - 1_500_000)
  .map((faults) => ({ ...c, faults })));

type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function specOf(c: Config): RunSpec {
  // Semi-sync needs acks that meet every electing majority for its writes to be guaranteed.
  const acks = Math.floor(c.nodes / 2);
  return {
    name: 'replication-fuzz', protocol: 'replication', nodes: c.nodes, seed: c.seed,
    params: { mode: c.mode, acks, detector: c.detector }, duration: DURATION, faults: c.faults,
    network: { latency: c.latency, loss: c.loss, duplicate: c.duplicate },
    workload: { clients: 3, rate: 40, keys: 3, mix: {}, timeout: 250_000, attempts: 3 },
    expect: { hold: ['one-master-per-epoch', 'epochs-monotonic', 'no-lost-acked-write',
      'linearizable'] },
  };
}

describe('replication: fuzz', () => {
  it('keeps every invariant and linearizable master reads under generated faults', () => {
    fc.assert(fc.property(configArb, (c) => {
      const report = runSpec(specOf(c));
      if (report.failures.length > 0) {
        throw new Error(`seed ${c.seed}: ${report.failures.join('; ')}\n${JSON.stringify(c)}`);
      }
    }), { numRuns: 40, seed: 7 });
  }, 120_000);

  it('elects a master and brings every replica up to date once faults heal', () => {
    const kinds = ['crash', 'restart', 'pause', 'resume', 'partition', 'cut', 'heal', 'link',
      'clock'] as const;
    // No disk faults: a replica whose disk returns a corrupt record is quarantined for good,
    // and in a small cluster that leaves no majority (see the protocol README).
    const liveArb = fc.record({ nodes: fc.constantFrom(3, 5),
      seed: fc.integer({ min: 1, max: 1e6 }), loss: fc.double({ min: 0, max: 0.3, noNaN: true }) })
      .chain((c) => scheduleArb(nodeIds(c.nodes), 4_000_000, kinds)
        .map((faults) => ({ ...c, faults })));
    fc.assert(fc.property(liveArb, (c) => {
      const report = runSpec({ name: 'replication-liveness', protocol: 'replication',
        nodes: c.nodes, seed: c.seed, params: { acks: Math.floor(c.nodes / 2) }, faults: c.faults,
        duration: 8_000_000, network: { latency: { dist: 'uniform', min: 1_000, max: 20_000 },
          loss: c.loss },
        workload: { clients: 2, rate: 40, keys: 3, mix: {}, timeout: 250_000, attempts: 3 },
        expect: { hold: ['one-master-per-epoch'], liveness: { after: 5_000_000,
          settle: 3_000_000 } } });
      if (report.failures.length > 0) {
        throw new Error(`seed ${c.seed}: ${report.failures.join('; ')}\n${JSON.stringify(c)}`);
      }
    }), { numRuns: 30, seed: 13 });
  }, 120_000);

  it('gives one trace hash for one configuration', () => {
    const [c] = fc.sample(configArb, { numRuns: 1, seed: 11 });
    const spec = specOf(c as Config);
    expect(runSpec(spec).result.hash).toBe(runSpec(spec).result.hash);
  });
});
