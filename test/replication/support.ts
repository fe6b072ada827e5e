/**
 * Shared pieces of the replication tests: a run spec with a workload, and fault schedules.
 */
import type { RunSpec } from '../../runner/index.js';
import type { ScheduledFault } from '../../sim/index.js';

/** A three-node run with three clients and 10–60 ms links, overridable. */
export function replicationSpec(patch: Partial<RunSpec> = {}): RunSpec {
  return {
    name: 'replication-test', protocol: 'replication', params: {}, nodes: 3, faults: [],
    duration: 8_000_000, seed: 1,
    workload: { clients: 3, rate: 50, keys: 3, mix: {}, timeout: 300_000, attempts: 3 },
    network: { latency: { dist: 'uniform', min: 10_000, max: 60_000 } },
    ...patch,
  };
}

/** n1 crashes at 2 s and restarts at 4 s (n1 is the first master under the seeds used). */
export const crashMaster: readonly ScheduledFault[] = [
  { at: 2_000_000, fault: { kind: 'crash', node: 'n1' } },
  { at: 4_000_000, fault: { kind: 'restart', node: 'n1' } },
];

/** n1 is cut off from n2 and n3 from 2 s to 4 s; clients still reach everyone. */
export const isolateMaster: readonly ScheduledFault[] = [
  { at: 2_000_000, fault: { kind: 'partition', groups: [['n1'], ['n2', 'n3']] } },
  { at: 4_000_000, fault: { kind: 'heal' } },
];

/** n1 is paused (a long GC pause) from 2 s to 4 s. */
export const pauseMaster: readonly ScheduledFault[] = [
  { at: 2_000_000, fault: { kind: 'pause', node: 'n1' } },
  { at: 4_000_000, fault: { kind: 'resume', node: 'n1' } },
];

/** The first seed in [1, budget] whose run violates `property`, or undefined. */
export function firstFailingSeed(make: (seed: number) => RunSpec, property: string, budget: number,
  run: (spec: RunSpec) => { violation?: { name: string } }): number | undefined {
  for (let seed = 1; seed <= budget; seed++) {
    if (run(make(seed)).violation?.name === property) return seed;
  }
  return undefined;
}
