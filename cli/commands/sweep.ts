/**
 * `faultline sweep FILE`: varies fields of a scenario or comparison (`--vary PATH=V1,V2,…`,
 * repeatable: every combination), repeats each over seeds (`--runs N` from the file's seed, or
 * `--seeds 1,2,3` / `1-50`), and prints one row per design and combination with each figure's
 * mean and 95% confidence interval (runner/sweep). `--csv FILE` and `--out FILE` write the rows
 * for plotting (the visualizer draws `--out`'s JSON as a chart with confidence bands); `--json`
 * prints them. A scenario with `failures:` gets the availability report: the MTBF/MTTR
 * formulas for one server and for the cluster beside the measurement and its interval.
 *
 * `faultline sweep heartbeat` keeps the failure detectors' own trade-off table: for each
 * threshold and loss rate, a cluster whose n1 crashes halfway, with the mean detection time,
 * false suspicions per pair-hour and mistake duration (protocols/heartbeat/sweep.ts).
 */
import { existsSync } from 'node:fs';
import { parseDuration } from '../../protocols/durations.js';
import { detectorSweep, type SweepRow } from '../../protocols/heartbeat/sweep.js';
import { EXIT, InputError, out, outJson, table } from '../io.js';
import type { Registry } from '../registry.js';

/** Options as commander hands them over (strings). */
export interface SweepCommandOptions {
  readonly detector?: string;
  readonly thresholds?: string;
  readonly losses?: string;
  readonly seeds?: string;
  readonly duration?: string;
  readonly nodes?: string;
  readonly json?: boolean;
  /** `PATH=V1,V2,…`, repeatable. */
  readonly vary?: readonly string[];
  readonly runs?: string;
  readonly metrics?: string;
  readonly csv?: string;
  readonly out?: string;
}

export function numbers(text: string, flag: string, check: (n: number) => boolean, what: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  const bad = values.findIndex((n) => !Number.isFinite(n) || !check(n));
  if (text.trim() === '' || bad >= 0) {
    throw new InputError(`${flag}: a comma-separated list of ${what}, got ${JSON.stringify(text)}`);
  }
  return values;
}

/** Runs the sweep and prints it; returns the exit code. */
export async function sweepCommand(target: string, o: SweepCommandOptions,
  registry: () => Promise<Registry>): Promise<number> {
  if (target === 'heartbeat' && !existsSync(target)) return detectorCommand(o);
  const { scenarioSweep } = await import('../scenarioSweep.js');
  return scenarioSweep(target, o, await registry());
}

/** `faultline sweep heartbeat`: the detector trade-off table. */
function detectorCommand(o: SweepCommandOptions): number {
  const general = (['vary', 'runs', 'metrics', 'csv', 'out'] as const).find((k) =>
    o[k] !== undefined);
  if (general !== undefined) {
    throw new InputError(`--${general}: sweep heartbeat is the detectors' own table; give a ` +
      'scenario file to vary its fields');
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
