/**
 * fast-check generators for engine configurations and fault schedules, shared by the engine's
 * property tests.
 */
import fc from 'fast-check';
import type { Fault, Latency, NodeId, ScheduledFault } from '../../sim/index.js';

export const nodeIds = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

export const latencyArb: fc.Arbitrary<Latency> = fc.oneof(
  fc.integer({ min: 0, max: 5_000 }).map((value) => ({ dist: 'constant' as const, value })),
  fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 5_000 }))
    .map(([a, b]) => ({ dist: 'uniform' as const, min: Math.min(a, b), max: Math.max(a, b) })),
  fc.record({ mean: fc.integer({ min: 0, max: 5_000 }), stddev: fc.integer({ min: 0, max: 3_000 }),
    max: fc.integer({ min: 1_000, max: 20_000 }) }).map((r) => ({ dist: 'normal' as const, ...r })),
  fc.record({ mean: fc.integer({ min: 1, max: 5_000 }), max: fc.integer({ min: 1_000, max: 20_000 }) })
    .map((r) => ({ dist: 'exponential' as const, ...r })),
  fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.integer({ min: 1, max: 10 }),
    fc.integer({ min: 5_000, max: 50_000 }))
    .map(([median, k, max]) => ({ dist: 'lognormal' as const, median, p99: median * k, max })),
);

export const probabilityArb = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true }));

/** A fault over the given nodes. `kinds` limits which kinds are generated. */
export function faultArb(nodes: NodeId[], kinds?: readonly Fault['kind'][]): fc.Arbitrary<Fault> {
  const node = fc.constantFrom(...nodes);
  const all: Record<Fault['kind'], fc.Arbitrary<Fault>> = {
    crash: fc.record({ kind: fc.constant('crash' as const), node, tear: fc.boolean() }),
    restart: fc.record({ kind: fc.constant('restart' as const), node }),
    pause: fc.record({ kind: fc.constant('pause' as const), node }),
    resume: fc.record({ kind: fc.constant('resume' as const), node }),
    partition: fc.shuffledSubarray(nodes).chain((left) => fc.constant({
      kind: 'partition' as const, groups: [left, nodes.filter((n) => !left.includes(n))] })),
    bridge: fc.constant({ kind: 'bridge' as const }),
    ring: fc.constant({ kind: 'ring' as const }),
    cut: fc.record({ kind: fc.constant('cut' as const), from: node, to: node }),
    heal: fc.constant({ kind: 'heal' as const }),
    link: fc.record({ kind: fc.constant('link' as const),
      set: fc.record({ loss: probabilityArb, latency: latencyArb }) }),
    clock: fc.record({ kind: fc.constant('clock' as const), node,
      jump: fc.integer({ min: -50_000, max: 50_000 }),
      driftPpm: fc.integer({ min: -200_000, max: 200_000 }) }),
    disk: fc.record({ kind: fc.constant('disk' as const), node,
      fault: fc.constantFrom('fail-sync' as const, 'corrupt' as const) }),
    drop: fc.record({ kind: fc.constant('drop' as const), message: fc.nat(300) }),
    admin: fc.record({ kind: fc.constant('admin' as const),
      op: fc.constantFrom('add' as const, 'remove' as const), node }),
  };
  // `drop` and `admin` only when asked for: added after the others, they would change what
  // every existing seed generates (and the Raft bug budgets measured on them); and `admin`
  // needs an operator process in the run.
  const chosen = kinds ?? (Object.keys(all) as Fault['kind'][])
    .filter((k) => k !== 'drop' && k !== 'admin');
  return fc.oneof(...chosen.map((k) => all[k]));
}

export function scheduleArb(
  nodes: NodeId[], until: number, kinds?: readonly Fault['kind'][],
): fc.Arbitrary<ScheduledFault[]> {
  if (kinds !== undefined && kinds.length === 0) return fc.constant([]);
  return fc.array(
    fc.record({ at: fc.integer({ min: 0, max: until }), fault: faultArb(nodes, kinds) }),
    { maxLength: 12 },
  ).map((faults) => faults.sort((a, b) => a.at - b.at));
}
