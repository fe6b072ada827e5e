/**
 * `faultline sweep heartbeat`: the failure detectors' trade-off table. For each threshold and
 * loss rate it runs a cluster whose n1 crashes halfway and prints the mean detection time,
 * false suspicions per pair-hour and mistake duration (protocols/heartbeat/sweep.ts does the
 * runs). `--json` prints the rows, for the visualizer or a notebook to plot.
 */
import { parseDuration } from '../../protocols/durations.js';
import { detectorSweep, type SweepRow } from '../../protocols/heartbeat/sweep.js';
import { EXIT, InputError, out, outJson, table } from '../io.js';

/** Options as commander hands them over (strings). */
export interface SweepCommandOptions {
  readonly detector?: string;
  readonly thresholds?: string;
  readonly losses?: string;
  readonly seeds?: string;
  readonly duration?: string;
  readonly nodes?: string;
  readonly json?: boolean;
}

function numbers(text: string, flag: string, check: (n: number) => boolean, what: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  const bad = values.findIndex((n) => !Number.isFinite(n) || !check(n));
  if (text.trim() === '' || bad >= 0) {
    throw new InputError(`${flag}: a comma-separated list of ${what}, got ${JSON.stringify(text)}`);
  }
  return values;
}

/** Runs the sweep and prints it; returns the exit code. */
export function sweepCommand(target: string, o: SweepCommandOptions): number {
  if (target !== 'heartbeat') {
    throw new InputError(`sweep: only the heartbeat detectors can be swept, got ${target}`);
  }
  const detector = o.detector ?? 'phi';
  if (detector !== 'phi' && detector !== 'fixed') {
    throw new InputError(`--detector: phi or fixed, got ${JSON.stringify(detector)}`);
  }
  const defaults = detector === 'phi' ? '1,3,8,12' : '2,3,5,8';
  const thresholds = numbers(o.thresholds ?? defaults, '--thresholds', (n) => n > 0,
    'positive numbers');
  const losses = numbers(o.losses ?? '0,0.1,0.3', '--losses', (n) => n >= 0 && n <= 1,
    'probabilities in [0, 1]');
  const seeds = numbers(o.seeds ?? '1,2', '--seeds', Number.isInteger, 'integers');
  const nodes = o.nodes === undefined ? 3 : numbers(o.nodes, '--nodes', (n) => n >= 2 &&
    Number.isInteger(n), 'a whole number of nodes, at least 2')[0] as number;
  const duration = o.duration === undefined ? 30_000_000 : parseDuration(o.duration);
  if (duration === undefined || duration <= 0) {
    throw new InputError(`--duration: a duration such as 30s, got ${JSON.stringify(o.duration)}`);
  }
  const rows = detectorSweep({ detector, thresholds, losses, seeds, nodes, duration });
  if (o.json === true) outJson({ rows });
  else out(format(rows));
  return EXIT.ok;
}

function format(rows: readonly SweepRow[]): string {
  const fixed = (n: number, digits: number) => (Number.isNaN(n) ? 'none' : Number(n.toFixed(digits)));
  return table(
    ['detector', 'threshold', 'loss', 'runs', 'detection ms', 'false suspicions/h', 'mistake ms'],
    rows.map((r) => [r.detector, r.threshold, r.loss, r.runs, fixed(r.detectionTimeMs, 1),
      fixed(r.falseSuspicionsPerHour, 1), fixed(r.mistakeDurationMs, 1)]),
  );
}
