/**
 * `faultline sweep FILE`: the CLI side of runner/sweep. Everything is checked before anything
 * runs: the axes (`--vary`), the seeds, and every combination of values loaded as the file
 * would be, so a value the loader refuses stops the command with exit 2 and the reason. The
 * table prints each figure as `mean ±half` of its 95% confidence interval; CSV and JSON carry
 * mean, interval bounds, deviation and count per figure, for plotting.
 */
import { performance } from 'node:perf_hooks';
import type { Seed } from '../sim/index.js';
import { readScenarioYaml, ScenarioError } from '../runner/index.js';
import { FIGURES } from '../runner/compare/index.js';
import { type AvailabilityCheck, parseAxis, runSweep, sweepCells,
  type SweepResult, type SweepRow } from '../runner/sweep/index.js';
import type { Summary } from '../runner/statistics.js';
import { nines, HOURS_PER_YEAR } from '../sim/check/recovery.js';
import type { SweepCommandOptions } from './commands/sweep.js';
import { parseSeed } from './execute.js';
import { EXIT, InputError, out, outJson } from './io.js';
import { MAX_SCENARIO_BYTES } from './inputFiles.js';
import { readText, writeWhole } from './paths.js';
import { Progress } from './progress.js';
import type { Registry } from './registry.js';

/** Figures the table shows by default, when the runs report them. */
const DEFAULT_SHOWN = ['client-availability', 'linearizable', 'client-stale-reads', 'rpo-writes',
  'rto-ms', 'latency-p50-ms', 'latency-p99-ms'];
const MAX_RUNS = 100_000;

/** The seeds of each cell: `--seeds LIST|A-B`, or `--runs N` from the file's seed. */
export function sweepSeeds(base: Seed, o: Pick<SweepCommandOptions, 'runs' | 'seeds'>): Seed[] {
  if (o.runs !== undefined && o.seeds !== undefined) {
    throw new InputError('--runs and --seeds: give one (--runs counts from the file\'s seed)');
  }
  if (o.seeds !== undefined) {
    const range = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(o.seeds);
    if (range !== null) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from || to - from >= MAX_RUNS) {
        throw new InputError(`--seeds: a range A-B with A <= B, at most ${MAX_RUNS} seeds`);
      }
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    }
    const list = o.seeds.split(',').map((s) => s.trim());
    if (list.some((s) => s === '')) {
      throw new InputError(`--seeds: a list such as 1,2,3 or a range such as 1-50, got ${
        JSON.stringify(o.seeds)}`);
    }
    return list.map(parseSeed);
  }
  const runs = Number(o.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    throw new InputError(`--runs: a whole number of seeds from 1 to ${MAX_RUNS}, got ${
      JSON.stringify(o.runs)}`);
  }
  return Array.from({ length: runs }, (_, i) => typeof base === 'number' ? base + i
    : i === 0 ? base : `${base}-${i}`);
}

/** Runs the sweep of a file and prints it; returns the exit code. */
export function scenarioSweep(file: string, o: SweepCommandOptions, registry: Registry): number {
  const text = readText(file, MAX_SCENARIO_BYTES, 'a scenario file');
  const axes = (o.vary ?? []).map((spec) => {
    const axis = parseAxis(spec);
    if (typeof axis === 'string') throw new InputError(`--vary: ${axis}`);
    return axis;
  });
  let cells: ReturnType<typeof sweepCells>;
  try {
    const { raw, locator } = readScenarioYaml(text, file);
    cells = sweepCells(raw, locator, axes, registry);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const varied = axes.length === 0 ? '' : ` (with ${axes.map((a) => a.path).join(', ')} varied)`;
    throw new InputError(`${error.message}${varied}`, error.problems);
  }
  const base = cells[0]?.comparison.designs[0]?.spec.seed ?? 1;
  const seeds = sweepSeeds(base, o);
  const shown = o.metrics?.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const total = cells.reduce((n, c) => n + c.comparison.designs.length, 0) * seeds.length;
  const progress = new Progress(total, undefined, o.json !== true);
  const result = runSweep(file, cells, { axes, seeds },
    { checkBudgetMs: 60_000, now: () => performance.now() }, registry,
    (done) => progress.update(done, 0));
  progress.end();
  const metrics = chosenMetrics(result, shown);
  if (o.csv !== undefined) writeWhole(o.csv, sweepCsv(result, shown ?? allMetrics(result)), '--csv');
  const json = sweepJson(result, shown);
  if (o.out !== undefined) writeWhole(o.out, `${JSON.stringify(json, null, 2)}\n`, '--out');
  if (o.json === true) outJson(json);
  else out(sweepText(result, metrics));
  return result.rows.every((r) => r.failed === 0) ? EXIT.ok : EXIT.failed;
}

function allMetrics(result: SweepResult): string[] {
  return [...new Set(result.rows.flatMap((r) => Object.keys(r.metrics)))];
}

/** The figures the table shows: `--metrics` (each must be measured), else the defaults. */
function chosenMetrics(result: SweepResult, shown: readonly string[] | undefined): string[] {
  const measured = allMetrics(result);
  if (shown !== undefined) {
    const missing = shown.filter((m) => !measured.includes(m));
    if (missing.length > 0) {
      throw new InputError(`--metrics: ${missing.join(', ')} not measured; these were: ${
        measured.join(', ')}`);
    }
    return [...shown];
  }
  const defaults = DEFAULT_SHOWN.filter((m) => measured.includes(m));
  return defaults.length > 0 ? defaults : measured.slice(0, 6);
}

/** Decimals a figure of this size shows: four significant ones at most. */
const decimals = (x: number): number => {
  const a = Math.abs(x);
  return a >= 100 ? 1 : a >= 1 ? 3 : 4;
};

/** A figure as a person reads it. */
export function figure(x: number): string {
  return Number.isFinite(x) ? String(+x.toFixed(decimals(x))) : '-';
}

/** Mean ±half of its interval, the half to the mean's decimals. */
const interval = (s: Summary | undefined): string => s === undefined || s.n === 0 ? '-'
  : s.n < 2 ? figure(s.mean)
    : `${figure(s.mean)} ±${+((s.hi - s.lo) / 2).toFixed(decimals(s.mean))}`;

const shownValue = (v: unknown): string => typeof v === 'string' ? v : JSON.stringify(v);

/** The readable table, and the availability report when the scenario draws failures. */
export function sweepText(result: SweepResult, metrics: readonly string[]): string {
  const rows = result.rows;
  const paths = result.axes.map((a) => a.path);
  const designs = new Set(rows.map((r) => r.design)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [`SWEEP  ${result.scenario}  (${plural(rows.length, 'cell')}: ${
    plural(designs, 'design')} × ${plural(rows.length / designs, 'value')}, ${
    plural(result.seeds.length, 'seed')} each; mean ±half of the 95% interval)`];
  lines.push(...grid(['design', ...paths, 'runs', ...metrics], rows.map((r) => [r.design,
    ...paths.map((p) => shownValue(r.values[p])), `${r.runs}${r.failed > 0 ? ` (${r.failed} failed)`
      : ''}`, ...metrics.map((m) => interval(r.metrics[m]))])));
  const checked = rows.filter((r) => r.availability !== undefined);
  if (checked.length > 0) lines.push('', ...availabilityText(checked, paths));
  return lines.join('\n');
}

/** The availability report: the formulas beside the measurement and its interval. */
function availabilityText(rows: readonly SweepRow[], paths: readonly string[]): string[] {
  const first = rows[0]?.availability as AvailabilityCheck;
  const measured = (s: Summary | undefined, f: number | null, inside?: boolean) =>
    s === undefined ? '-' : `${figure(s.mean)} [${figure(s.lo)}, ${figure(s.hi)}]${
      f === null || inside === undefined ? '' : inside ? ' inside' : ' OUTSIDE'}`;
  const head = ['design', ...paths, 'server: formula', 'measured (95% CI)',
    `cluster ${first.quorum} of ${first.servers}: formula`, 'measured (95% CI)',
    'service (in time)', 'nines f/m', 'downtime h/year f/m'];
  const body = rows.map((r) => {
    const a = r.availability as AvailabilityCheck;
    const cluster = a.formula.cluster;
    const m = a.measured.cluster?.mean;
    return [r.design, ...paths.map((p) => shownValue(r.values[p])), figure(a.formula.node),
      measured(a.measured.node, a.formula.node, a.within.node),
      cluster === null ? 'n/a' : figure(cluster),
      measured(a.measured.cluster, cluster, a.within.cluster), interval(a.measured.service),
      `${cluster === null ? '-' : nines(cluster)}/${m === undefined ? '-' : nines(m)}`,
      `${cluster === null ? '-' : figure((1 - cluster) * HOURS_PER_YEAR)}/${
        m === undefined ? '-' : figure((1 - m) * HOURS_PER_YEAR)}`];
  });
  return ['availability: the steady-state formulas (MTBF / (MTBF + MTTR) per server; the ' +
    'binomial sum for a majority) against the runs', ...grid(head, body)];
}

/** Columns padded to their widths, a rule under the head. */
function grid(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')
    .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The rows as JSON: what `--json` prints and `--out` writes (the visualizer reads it). */
export function sweepJson(result: SweepResult, shown?: readonly string[]): unknown {
  const keep = (metrics: SweepRow['metrics']) => Object.fromEntries(Object.entries(metrics)
    .filter(([name]) => shown === undefined || shown.includes(name))
    .map(([name, s]) => [name, { mean: s.mean, lo: s.lo, hi: s.hi, sd: s.sd, n: s.n }]));
  return { format: 'faultline-sweep', version: 1, scenario: result.scenario,
    axes: result.axes, seeds: result.seeds,
    figures: FIGURES.map((f) => ({ key: f.key, label: f.label.trim() })),
    rows: result.rows.map((r) => ({ design: r.design, protocol: r.protocol, values: r.values,
      runs: r.runs, failed: r.failed, metrics: keep(r.metrics),
      ...(r.availability === undefined ? {} : { availability: r.availability }),
      hashes: r.hashes })) };
}

/** The rows as CSV: one line per cell, `m`, `m_lo`, `m_hi`, `m_sd` per figure. */
export function sweepCsv(result: SweepResult, metrics: readonly string[]): string {
  const paths = result.axes.map((a) => a.path);
  const withFormula = result.rows.some((r) => r.availability !== undefined);
  const head = ['design', 'protocol', ...paths, 'runs', 'failed',
    ...metrics.flatMap((m) => [m, `${m}_lo`, `${m}_hi`, `${m}_sd`]),
    ...(withFormula ? ['formula-node-availability', 'formula-quorum-availability'] : [])];
  const cell = (v: unknown): string => {
    const t = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : shownValue(v) ?? '';
    return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const lines = result.rows.map((r) => [r.design, r.protocol, ...paths.map((p) => r.values[p]),
    r.runs, r.failed, ...metrics.flatMap((m): unknown[] => {
      const s = r.metrics[m];
      return s === undefined ? ['', '', '', ''] : [s.mean, s.lo, s.hi, s.sd];
    }), ...(withFormula ? [r.availability?.formula.node, r.availability?.formula.cluster] : [])]
    .map(cell).join(','));
  return `${[head.map(cell).join(','), ...lines].join('\n')}\n`;
}
