/**
 * High-availability benchmarks: the wall time of the detector trade-off sweep (and a few of
 * its figures), and simulated seconds per wall-clock second for heartbeat and replication
 * runs. Bug detection is the hunt suite's (bench/hunt.ts).
 */
import { detectorSweep, type SweepRow } from '../protocols/heartbeat/sweep.js';
import { prepareRun, type RunSpec } from '../runner/index.js';
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
  // n1, the first master, crashes at 2 s and restarts at 4 s.
  const replication: RunSpec = { name: 'bench-replication', protocol: 'replication', params: {},
    nodes: 3, duration: 30_000_000, seed: 1,
    workload: { clients: 3, rate: 50, keys: 3, mix: {}, timeout: 300_000, attempts: 3 },
    network: { latency: { dist: 'uniform', min: 10_000, max: 60_000 } },
    faults: [{ at: 2_000_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 4_000_000, fault: { kind: 'restart', node: 'n1' } }] };
  return [
    { name: 'heartbeat, 5 nodes all-to-all', value: simulationRate(heartbeat),
      unit: 'sim s / wall s' },
    { name: 'replication, 3 nodes, 3 clients, master crash', value: simulationRate(replication),
      unit: 'sim s / wall s' },
  ];
}

export const availabilityBench: BenchSuite = () => [...sweepRows(), ...rateRows()];
