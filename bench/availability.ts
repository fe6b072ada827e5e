/**
 * High-availability benchmarks: the wall time of the detector trade-off sweep (and a few of
 * its figures), simulated seconds per wall-clock second for heartbeat and replication runs,
 * and the time to first failure of each bug switch of replication and the lock service
 * (wall time and runs of the bounded hunts in test/replication/bugHunt.ts and the lock
 * hunt below).
 */
import fc from 'fast-check';
import { detectorSweep, type SweepRow } from '../protocols/heartbeat/sweep.js';
import { prepareRun, type RunSpec, runSpec } from '../runner/index.js';
import { REPLICATION_HUNTS, runsToFind } from '../test/replication/bugHunt.js';
import { crashMaster, replicationSpec } from '../test/replication/support.js';
import { bestMs, type BenchRow, type BenchSuite } from './row.js';

const SWEEP = { thresholds: [1, 3, 8, 12], losses: [0, 0.1, 0.3], seeds: [1, 2],
  duration: 30_000_000 };

function sweepRows(): BenchRow[] {
  let rows: SweepRow[] = [];
  const ms = bestMs(() => {
    rows = [...detectorSweep({ detector: 'fixed', ...SWEEP }),
      ...detectorSweep({ detector: 'phi', ...SWEEP })];
  }, 1);
  const out: BenchRow[] = [{ name: `detector sweep, ${rows.length} cells × 2 seeds × 30 s`,
    value: ms, unit: 'ms' }];
  const shown = rows.filter((r) => r.loss === 0.1 && (r.threshold === 3 || r.threshold === 8));
  for (const row of shown) {
    out.push({ name: `${row.detector} threshold ${row.threshold}, loss 10%: detection time`,
      value: row.detectionTimeMs, unit: 'ms' });
    out.push({ name: `${row.detector} threshold ${row.threshold}, loss 10%: false suspicions`,
      value: row.falseSuspicionsPerHour, unit: '/pair-hour' });
  }
  return out;
}

/** Simulated seconds per wall second of the engine run alone (no history check). */
function simulationRate(spec: RunSpec): number {
  const prepared = prepareRun(spec, { trace: 'off' });
  const start = process.hrtime.bigint();
  prepared.engine.run(spec.duration);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return spec.duration / 1e6 / seconds;
}

function rateRows(): BenchRow[] {
  const heartbeat: RunSpec = { name: 'bench-heartbeat', protocol: 'heartbeat', params: {},
    nodes: 5, faults: [], duration: 120_000_000, seed: 1,
    network: { latency: { dist: 'uniform', min: 1_000, max: 40_000 }, loss: 0.05 } };
  const replication = replicationSpec({ duration: 30_000_000, faults: crashMaster });
  return [
    { name: 'heartbeat, 5 nodes all-to-all', value: simulationRate(heartbeat),
      unit: 'sim s / wall s' },
    { name: 'replication, 3 nodes, 3 clients, master crash', value: simulationRate(replication),
      unit: 'sim s / wall s' },
  ];
}

/** A lock run with a paused client, for the lock hunts (as in test/lock/lock.test.ts). */
function lockHunt(bug: string, property: string, budget: number): number | undefined {
  const pauseArb = fc.record({ at: fc.integer({ min: 0, max: 5_000_000 }),
    node: fc.constantFrom('c1', 'c2', 'c3'), length: fc.integer({ min: 200_000, max: 1_500_000 }),
    jump: fc.integer({ min: 0, max: 2_000_000 }), seed: fc.integer({ min: 1, max: 1e6 }) });
  const runs = fc.sample(pauseArb, { numRuns: budget, seed: 5 });
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i] as (typeof runs)[number];
    const report = runSpec({ name: 'bench-lock', protocol: 'lock', nodes: 2, seed: r.seed,
      params: { work: 300_000, bugs: [bug] }, duration: 5_000_000,
      workload: { clients: 3, rate: 1, keys: 1, mix: {}, timeout: 1, attempts: 1 },
      network: { latency: { dist: 'uniform', min: 1_000, max: 30_000 } },
      faults: [{ at: r.at, fault: { kind: 'pause', node: r.node } },
        { at: r.at + r.length, fault: { kind: 'resume', node: r.node } },
        { at: r.at, fault: { kind: 'clock', node: 'n1', jump: r.jump } }],
      expect: { violate: property } }, { trace: 'off' });
    if (report.violation?.name === property) return i + 1;
  }
  return undefined;
}

function huntRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  const hunts: [string, () => number | undefined][] = [
    ...REPLICATION_HUNTS.map((h): [string, () => number | undefined] =>
      [`replication ${h.bug}`, () => runsToFind(h, 100)]),
    ['lock lock-without-fencing', () => lockHunt('lock-without-fencing', 'fenced-writes', 200)],
    ['lock wall-clock-lease', () => lockHunt('wall-clock-lease', 'one-holder', 200)],
  ];
  for (const [name, hunt] of hunts) {
    let runs: number | undefined;
    const ms = bestMs(() => { runs = hunt(); }, 1);
    rows.push({ name: `time to first failure, ${name}`, value: ms, unit: 'ms',
      goal: runs === undefined ? 'NOT FOUND' : `${runs} runs` });
  }
  return rows;
}

export const availabilityBench: BenchSuite = () => [...sweepRows(), ...rateRows(), ...huntRows()];
