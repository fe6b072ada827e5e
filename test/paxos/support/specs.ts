/**
 * RunSpec builders and fast-check arbitraries shared by the Paxos tests: a KV workload, the
 * generated fault mix of the fuzz campaign, and a helper that puts the seed and the failure
 * in one message.
 */
import fc from 'fast-check';
import type { ClockConfig, ScheduledFault } from '../../../sim/index.js';
import type { RunReport, RunSpec } from '../../../runner/index.js';
import type { WorkloadSpec } from '../../../protocols/index.js';
import { latencyArb, nodeIds, scheduleArb } from '../../support/engineArbitraries.js';

/** A KV workload: `clients` clients at `rate` ops/s each over a few keys. */
export function kvWorkload(clients = 3, rate = 100, keys = 3): WorkloadSpec {
  return { clients, rate, keys, mix: { get: 2, put: 1, append: 1, cas: 1 },
    timeout: 150_000, attempts: 3 };
}

/** A Multi-Paxos spec with sensible defaults. */
export function multiSpec(patch: Partial<RunSpec> = {}): RunSpec {
  return { name: 'paxos-test', protocol: 'paxos', params: {}, nodes: 3, faults: [],
    duration: 3_000_000, seed: 1, workload: kvWorkload(), ...patch };
}

/** A single-decree spec with sensible defaults. */
export function singleSpec(patch: Partial<RunSpec> = {}): RunSpec {
  return { name: 'paxos-single-test', protocol: 'paxos-single', params: {}, nodes: 3,
    faults: [], duration: 2_000_000, seed: 1, ...patch };
}

/** What a failed run says, with its seed, for assertion messages. */
export function describeReport(spec: RunSpec, report: RunReport): string {
  return `seed ${String(spec.seed)}, ${spec.nodes} nodes, faults ${JSON.stringify(spec.faults)}: ` +
    `${report.failures.join('; ')}`;
}

/** Everything the fuzz campaign varies, over one cluster size. */
export interface FuzzCase {
  readonly nodes: number;
  readonly seed: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly faults: ScheduledFault[];
  readonly clocks: Record<string, ClockConfig>;
  readonly latency: RunSpec['network'] extends infer N ? N extends { latency?: infer L } ? L : never
    : never;
  readonly clients: number;
  readonly rate: number;
}

/** Fuzz cases: 3–7 nodes, loss ≤ 30%, duplication, every fault kind, drift, workloads. */
export function fuzzCaseArb(until: number): fc.Arbitrary<FuzzCase> {
  return fc.integer({ min: 3, max: 7 }).chain((nodes) => fc.record({
    nodes: fc.constant(nodes),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    loss: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    duplicate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
    faults: scheduleArb(nodeIds(nodes), until),
    clocks: fc.dictionary(fc.constantFrom(...nodeIds(nodes)), fc.record({
      offset: fc.integer({ min: -100_000, max: 100_000 }),
      driftPpm: fc.integer({ min: -100_000, max: 100_000 }) })),
    latency: latencyArb,
    clients: fc.integer({ min: 1, max: 4 }),
    rate: fc.integer({ min: 10, max: 80 }),
  }));
}

/** The RunSpec of a fuzz case; the liveness phase heals everything at `until`. */
export function fuzzSpec(c: FuzzCase, protocol: 'paxos' | 'paxos-single', until: number,
  bugs: readonly string[] = []): RunSpec {
  return {
    name: `fuzz-${protocol}`, protocol, params: { bugs }, nodes: c.nodes, seed: c.seed,
    network: { latency: c.latency, loss: c.loss, duplicate: c.duplicate },
    clocks: c.clocks, faults: c.faults, duration: until + 2_000_000,
    ...(protocol === 'paxos' ? { workload: kvWorkload(c.clients, c.rate, 6) } : {}),
    expect: { liveness: { after: until, settle: 2_000_000 } },
  };
}
