/**
 * Bug hunting: runs generated scenarios with one bug switch on until a safety property fails,
 * and says after how many runs and which property caught it. Each bug gets the nemesis that
 * can expose it (crashes for lost writes; partitions, cuts and pauses for a participant that
 * stops waiting), drawn by fast-check from a fixed seed so the count is reproducible. Shared by
 * the bug test and the benchmark (time to first failure).
 */
import fc from 'fast-check';
import type { Fault, NodeId, ScheduledFault } from '../../sim/index.js';
import { runSpec, type RunSpec } from '../../runner/index.js';
import type { TwoPcBug } from '../../protocols/twopc/params.js';
import { nodeIds, scheduleArb } from '../support/engineArbitraries.js';
import { registry, twoPcSpec } from './support.js';

const NEMESIS: Readonly<Record<TwoPcBug, readonly Fault['kind'][]>> = {
  'commit-on-timeout': ['partition', 'cut', 'heal', 'pause', 'resume', 'link'],
  'vote-before-log': [],
  'decision-not-logged': [],
};

/**
 * Crash-restart cycles of one node: `crash` at a random time, `restart` 1..100 ms later. A
 * coordinator that loses an unlogged decision, or a participant that loses an unlogged vote,
 * must crash inside the millisecond a sync takes, so their nemesis crashes them often (while
 * the network loses messages, so that a participant has to ask the restarted coordinator).
 */
function crashCycles(node: NodeId, until: number): fc.Arbitrary<ScheduledFault[]> {
  const cycle = fc.tuple(fc.integer({ min: 0, max: until }),
    fc.integer({ min: 1_000, max: 100_000 }));
  return fc.array(cycle,
    { minLength: 4, maxLength: 12 })
    .map((cycles) => cycles.flatMap(([at, down]) => [
      { at, fault: { kind: 'crash' as const, node } },
      { at: at + down, fault: { kind: 'restart' as const, node } },
    ]).sort((a, b) => a.at - b.at));
}

/** Generated runs with `bug` switched on (or, with `on` false, the same runs without it). */
export function huntArb(bug: TwoPcBug, on = true): fc.Arbitrary<RunSpec> {
  return fc.integer({ min: 3, max: 5 }).chain((nodes) => fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    loss: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
    syncMax: fc.integer({ min: 1_000, max: 5_000 }),
    faults: bug === 'decision-not-logged' ? crashCycles('n1', 1_200_000)
      : bug === 'vote-before-log' ? crashCycles('n2', 1_200_000)
      : scheduleArb(nodeIds(nodes), 1_200_000, NEMESIS[bug]),
  }).map(({ seed, loss, syncMax, faults }) => twoPcSpec({
    name: `twopc-hunt-${bug}-${seed}`, nodes, seed, faults, duration: 1_500_000,
    disk: { syncLatency: { dist: 'uniform', min: 200, max: syncMax } },
    // A busy bank: more commits in flight make more windows for a crash to land in.
    workload: { clients: 5, rate: 200, keys: 8, mix: { transfer: 9, 'read-all': 1 },
      timeout: 500_000, attempts: 3 },
    network: { latency: { dist: 'lognormal', median: 1_000, p99: 8_000, max: 30_000 }, loss },
  }, { variant: '2pc', bugs: on ? [bug] : [] })));
}

/** The first failing run of a hunt. */
export interface HuntResult {
  /** Runs made, the failing one included; `budget + 1` when none failed. */
  readonly runs: number;
  readonly property: string | undefined;
  readonly spec: RunSpec | undefined;
  readonly explanation: string | undefined;
}

/** Runs up to `budget` generated scenarios of `bug` (fast-check seed `seed`). */
export function hunt(bug: TwoPcBug, budget: number, seed = 1, on = true): HuntResult {
  const specs = fc.sample(huntArb(bug, on), { seed, numRuns: budget });
  for (const [i, spec] of specs.entries()) {
    const report = runSpec(spec, {}, registry);
    if (report.violation?.kind === 'safety') {
      return { runs: i + 1, property: report.violation.name, spec,
        explanation: report.violation.explanation };
    }
  }
  return { runs: budget + 1, property: undefined, spec: undefined, explanation: undefined };
}
