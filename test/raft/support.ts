/**
 * Shared helpers of the Raft tests: a RunSpec builder, and a fast-check arbitrary for fuzz
 * runs (cluster size 3–7, loss up to 30 %, duplication, jitter, crash/restart, partitions
 * including one-way cuts, pauses, clock drift and jumps, disk faults, random workloads).
 *
 * Disk faults (corruption, failed syncs, torn writes) hit only a minority of the servers: a
 * server whose hard state is damaged refuses to take part (protocols/raft/persistence.ts), so
 * damage on a majority would rightly stall the cluster and fail the liveness phase.
 */
import fc from 'fast-check';
import type { Fault, NodeId, ScheduledFault } from '../../sim/index.js';
import type { RunSpec } from '../../runner/index.js';
import { faultArb, latencyArb, nodeIds } from '../support/engineArbitraries.js';

/** A spec with defaults: 3 nodes, 1 ms links, a light KV workload, 4 simulated seconds. */
export function raftSpec(patch: Partial<RunSpec> = {}): RunSpec {
  return {
    name: 'raft-test', protocol: 'raft', params: {}, nodes: 3, faults: [], duration: 4_000_000,
    seed: 1,
    workload: { clients: 3, rate: 50, keys: 4, mix: {}, timeout: 300_000, attempts: 3 },
    ...patch,
  };
}

/** Options of the fuzz arbitrary. */
export interface FuzzOptions {
  readonly params?: Record<string, unknown>;
  /** Fault kinds to draw from (default: all of them). */
  readonly kinds?: readonly Fault['kind'][];
  /** Most faults in the blind schedule (default 14; 0 leaves every fault to a nemesis). */
  readonly maxFaults?: number;
  readonly minNodes?: number;
  readonly maxNodes?: number;
  /** End of the fault window, µs; then everything heals and liveness must follow. */
  readonly faultWindow?: number;
  readonly settle?: number;
  readonly maxLoss?: number;
  readonly syncLatencyMax?: number;
  /** Whether to check liveness after the heal. */
  readonly liveness?: boolean;
  /** A churning nemesis instead of single faults: this many faults, each undone soon after. */
  readonly churn?: {
    readonly count: number;
    readonly kinds: readonly ChurnKind[];
    /** How long each fault lasts, µs (default 20 ms to 600 ms). */
    readonly length?: readonly [number, number];
  };
  /** Operations per second per client, at most (default 25). */
  readonly maxRate?: number;
}

/** Faults of the churning nemesis; each comes with its repair. */
export type ChurnKind = 'crash' | 'pause' | 'partition' | 'cut' | 'slow-link';

/**
 * A churning nemesis (Jepsen's): `count` faults at random times in the window, each undone
 * after 20–600 ms (or `length`): a crash by its restart, a pause by its resume, a partition or a one-way cut
 * by a heal, a slow lossy link by restoring it.
 */
export function churnArb(
  ids: readonly NodeId[], window: number, count: number, kinds: readonly ChurnKind[],
  length: readonly [number, number] = [20_000, 600_000],
): fc.Arbitrary<ScheduledFault[]> {
  const one = fc.record({ at: fc.noBias(fc.integer({ min: 0, max: window })),
    length: fc.noBias(fc.integer({ min: length[0], max: length[1] })), kind: fc.constantFrom(...kinds),
    node: fc.constantFrom(...ids), other: fc.constantFrom(...ids), left: fc.subarray([...ids]) });
  return fc.array(one, { minLength: Math.ceil(count / 2), maxLength: count }).map((items) => items.flatMap(
    ({ at, length, kind, node, other, left }): ScheduledFault[] => {
      const end = at + length;
      switch (kind) {
        case 'crash':
          return [{ at, fault: { kind: 'crash', node } }, { at: end, fault: { kind: 'restart', node } }];
        case 'pause':
          return [{ at, fault: { kind: 'pause', node } }, { at: end, fault: { kind: 'resume', node } }];
        case 'partition':
          if (left.length === 0 || left.length === ids.length) return [];
          return [{ at, fault: { kind: 'partition',
            groups: [left, ids.filter((id) => !left.includes(id))] } },
          { at: end, fault: { kind: 'heal' } }];
        case 'cut':
          return node === other ? [] : [{ at, fault: { kind: 'cut', from: node, to: other } },
            { at: end, fault: { kind: 'heal', from: node, to: other } }];
        case 'slow-link':
          return [{ at, fault: { kind: 'link', from: node, to: other, set: { loss: 0.3,
            latency: { dist: 'uniform', min: 1_000, max: 40_000 } } } },
          { at: end, fault: { kind: 'link', from: node, to: other, set: { loss: 0,
            latency: { dist: 'uniform', min: 500, max: 1_500 } } } }];
      }
    }).sort((a, b) => a.at - b.at));
}

const ALL_KINDS: readonly Fault['kind'][] = ['crash', 'restart', 'pause', 'resume', 'partition',
  'bridge', 'ring', 'cut', 'heal', 'link', 'clock', 'disk'];

/** Keeps disk damage on the servers in `faulty`: other crashes do not tear, disk faults move. */
function confineDiskFaults(faults: ScheduledFault[], faulty: readonly NodeId[]): ScheduledFault[] {
  return faults.map(({ at, fault }) => {
    if (fault.kind === 'crash' && fault.tear === true && !faulty.includes(fault.node)) {
      return { at, fault: { ...fault, tear: false } };
    }
    if (fault.kind === 'disk' && !faulty.includes(fault.node)) {
      return faulty.length === 0 ? { at, fault: { kind: 'heal' } }
        : { at, fault: { ...fault, node: faulty[0] as NodeId } };
    }
    return { at, fault };
  });
}

/** A whole fuzz run. */
export function raftRunArb(options: FuzzOptions = {}): fc.Arbitrary<RunSpec> {
  const window = options.faultWindow ?? 2_500_000;
  const settle = options.settle ?? 6_000_000;
  const size = fc.integer({ min: options.minNodes ?? 3, max: options.maxNodes ?? 7 });
  return size.chain((nodes) => {
    const ids = nodeIds(nodes);
    const fault = fc.record({ at: fc.noBias(fc.integer({ min: 0, max: window })),
      fault: faultArb(ids, options.kinds ?? ALL_KINDS) });
    const churn = options.churn;
    const faults = churn === undefined ? fc.array(fault, { maxLength: options.maxFaults ?? 14 })
      : churnArb(ids, window, churn.count, churn.kinds, churn.length);
    return fc.record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      latency: latencyArb,
      loss: fc.double({ min: 0, max: options.maxLoss ?? 0.3, noNaN: true }),
      duplicate: fc.constantFrom(0, 0, 0.05, 0.2),
      faults,
      faulty: fc.subarray(ids, { maxLength: Math.floor((nodes - 1) / 2) }),
      clients: fc.integer({ min: 1, max: 4 }),
      params: fc.record({ preVote: fc.boolean(), checkQuorum: fc.boolean(),
        reads: fc.constantFrom('read-index', 'log') }),
      rate: fc.integer({ min: 5, max: options.maxRate ?? 25 }),
      keys: fc.integer({ min: 2, max: 6 }),
      mix: fc.record({ get: fc.nat(4), put: fc.nat(4), append: fc.nat(2), cas: fc.nat(3) })
        .map((m) => (m.get + m.put + m.append + m.cas === 0 ? { ...m, put: 4 } : m))
        .map((m) => ({ get: m.get / 4, put: m.put / 4, append: m.append / 4, cas: m.cas / 4 })),
    }).map((r): RunSpec => ({
      name: `raft-fuzz-${r.seed}`, protocol: 'raft', params: options.params ?? r.params, nodes,
      seed: r.seed,
      network: { latency: r.latency, loss: r.loss, duplicate: r.duplicate },
      disk: { syncLatency: { dist: 'uniform', min: 100, max: options.syncLatencyMax ?? 2_000 } },
      workload: { clients: r.clients, rate: r.rate, keys: r.keys, mix: r.mix, timeout: 200_000,
        attempts: 4 },
      // Scenario files reject faults past the end and partitions with an empty side.
      faults: confineDiskFaults(r.faults.sort((a, b) => a.at - b.at), r.faulty)
        .filter(({ at, fault }) => at < window + settle &&
          !(fault.kind === 'partition' && fault.groups.some((g) => g.length === 0))),
      duration: window + settle + 10_000,
      // Liveness is asserted up to 20 % loss: beyond it a leader is deposed every few
      // seconds by followers that missed three heartbeats in a row, which is Raft's
      // behaviour, not a bug (PreVote and CheckQuorum make it rarer).
      ...(options.liveness === false || r.loss > 0.2 ? {} : {
        expect: { liveness: { after: window, settle } } }),
    }));
  });
}

/** The `i`-th spec of an arbitrary, deterministically (for "found within N runs" loops). */
export function nthSpec(arb: fc.Arbitrary<RunSpec>, i: number): RunSpec {
  return fc.sample(arb, { seed: i, numRuns: 1 })[0] as RunSpec;
}
