/**
 * The detector trade-off sweep: for each threshold (phi's threshold, or the fixed detector's
 * number of missed beats) and each loss rate, run a cluster whose node n1 crashes halfway,
 * under jitter, and report the mean detection time, the false suspicions per pair-hour and
 * the mean mistake duration. A lower threshold detects faster and errs more often; the table
 * shows by how much. The rows are plain data, for the CLI to print and the visualizer to plot.
 */
import { Engine, type Latency, type Micros } from '../../sim/index.js';
import { heartbeat } from './definition.js';

/** What to sweep. */
export interface SweepOptions {
  readonly detector: 'fixed' | 'phi';
  /** Phi thresholds, or numbers of missed beats for the fixed detector. */
  readonly thresholds: readonly number[];
  /** Loss probabilities on every link. */
  readonly losses: readonly number[];
  /** Seeds per cell; figures are averaged over them. */
  readonly seeds: readonly number[];
  readonly nodes?: number;
  /** Simulated time per run; n1 crashes at half of it. */
  readonly duration?: Micros;
  readonly latency?: Latency;
  /** Extra detector parameters (period, maxDelay, …) as in the protocol's params. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** One cell of the sweep. */
export interface SweepRow {
  readonly detector: 'fixed' | 'phi';
  readonly threshold: number;
  readonly loss: number;
  readonly runs: number;
  /** Mean over runs of the mean detection time; NaN if no run detected the crash. */
  readonly detectionTimeMs: number;
  readonly falseSuspicionsPerHour: number;
  readonly mistakeDurationMs: number;
}

const DEFAULT_LATENCY: Latency = { dist: 'lognormal', median: 5_000, p99: 40_000, max: 90_000 };

/** Runs the sweep; see the file comment. Deterministic for given options. */
export function detectorSweep(options: SweepOptions): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const threshold of options.thresholds) {
    for (const loss of options.losses) {
      const runs = options.seeds.map((seed) => sweepRun(options, threshold, loss, seed));
      const detected = runs.filter((r) => r.detections > 0);
      rows.push({
        detector: options.detector, threshold, loss, runs: runs.length,
        detectionTimeMs: detected.length === 0 ? NaN
          : average(detected.map((r) => r['detection-time-ms'])),
        falseSuspicionsPerHour: average(runs.map((r) => r['false-suspicions-per-hour'])),
        mistakeDurationMs: average(runs.map((r) => r['mistake-duration-ms'])),
      });
    }
  }
  return rows;
}

/** The metrics of one run of the sweep. */
export function sweepRun(options: SweepOptions, threshold: number, loss: number, seed: number):
SweepMetrics {
  const nodes = options.nodes ?? 3;
  const duration = options.duration ?? 60_000_000;
  const servers = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const knob = options.detector === 'phi' ? { threshold } : { missedBeats: threshold };
  const params = heartbeat.params.parse({ ...options.params, detector: options.detector, ...knob });
  const instance = heartbeat.setup({ servers, clients: [], params, workload: undefined,
    clientsStopAt: undefined });
  const engine = new Engine<unknown>({
    seed: `${seed}`, servers, program: instance.program, trace: 'off',
    network: { latency: options.latency ?? DEFAULT_LATENCY, loss },
    faults: [{ at: Math.floor(duration / 2), fault: { kind: 'crash', node: 'n1' } }],
    // No properties: the sweep measures the detectors' errors rather than stopping at one.
    ...(instance.observe === undefined ? {} : { observers: [(w) => instance.observe?.(w)] }),
  });
  engine.run(duration);
  const m = instance.metrics(engine);
  return { detections: m.detections ?? 0, 'detection-time-ms': m['detection-time-ms'] ?? 0,
    'false-suspicions-per-hour': m['false-suspicions-per-hour'] ?? 0,
    'mistake-duration-ms': m['mistake-duration-ms'] ?? 0 };
}

/** Metrics of one sweep run. */
export type SweepMetrics = Record<'detections' | 'detection-time-ms' |
  'false-suspicions-per-hour' | 'mistake-duration-ms', number>;

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
