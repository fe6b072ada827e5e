/**
 * The bug hunt shared by the bug-finding test and the benchmark: for one bug switch,
 * generated runs (fast-check samples of latency, loss and a fault schedule, seeded) until the
 * property that catches the bug is violated. Returns how many runs it took.
 */
import fc from 'fast-check';
import { runSpec, type RunSpec } from '../../runner/index.js';
import type { Fault } from '../../sim/index.js';
import { latencyArb, nodeIds, scheduleArb } from '../support/engineArbitraries.js';

/** A bug and how it is hunted. */
export interface Hunt {
  readonly bug: string;
  readonly property: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly kinds: readonly Fault['kind'][];
  readonly loss: boolean;
}

/** The replication bugs, each with the faults that can reveal it. */
export const REPLICATION_HUNTS: readonly Hunt[] = [
  { bug: 'async-ack-failover', property: 'no-lost-acked-write', params: { mode: 'sync' },
    kinds: ['crash', 'restart', 'partition', 'heal', 'pause', 'resume'], loss: true },
  { bug: 'no-fencing', property: 'linearizable', params: { mode: 'semi-sync' },
    kinds: ['partition', 'heal', 'cut', 'crash', 'restart', 'pause', 'resume'], loss: true },
  // The no-false-failover property assumes no loss, no partition and no pause.
  { bug: 'timeout-below-delay', property: 'no-false-failover',
    params: { mode: 'semi-sync', synchronous: true },
    kinds: ['crash', 'restart'], loss: false },
];

const DURATION = 6_000_000;

/** The spec of run `i` of a hunt (deterministic in `i` and `seed`). */
export function huntSpec(hunt: Hunt, i: number, seed: number): RunSpec {
  const arb = fc.record({
    nodes: fc.constantFrom(3, 5),
    latency: hunt.loss ? latencyArb
      : fc.constant({ dist: 'uniform' as const, min: 1_000, max: 60_000 }),
    loss: hunt.loss ? fc.double({ min: 0, max: 0.1, noNaN: true }) : fc.constant(0),
  }).chain((c) => scheduleArb(nodeIds(c.nodes), DURATION - 1_000_000, hunt.kinds)
    .map((faults) => ({ ...c, faults })));
  const [c] = fc.sample(arb, { numRuns: 1, seed: seed * 1_000 + i });
  if (c === undefined) throw new Error('no sample');
  return {
    name: `hunt-${hunt.bug}-${i}`, protocol: 'replication', nodes: c.nodes, seed: seed * 1_000 + i,
    params: { ...hunt.params, acks: Math.floor(c.nodes / 2), bugs: [hunt.bug] },
    network: { latency: c.latency, loss: c.loss }, faults: c.faults, duration: DURATION,
    workload: { clients: 3, rate: 50, keys: 3, mix: {}, timeout: 250_000, attempts: 3 },
    expect: { violate: hunt.property },
  };
}

/** Runs until the bug is found; the number of runs it took, or undefined within `budget`. */
export function runsToFind(hunt: Hunt, budget: number, seed = 1): number | undefined {
  for (let i = 1; i <= budget; i++) {
    if (runSpec(huntSpec(hunt, i, seed)).violation?.name === hunt.property) return i;
  }
  return undefined;
}
