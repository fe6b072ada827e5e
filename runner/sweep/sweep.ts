/**
 * Sweeps: a scenario (or a comparison of designs) run for every combination of the values of
 * its varied fields (vary.ts), each with repetitions over seeds, and every figure summarized
 * per cell as a mean with its 95% confidence interval (statistics.ts). A cell is one design at
 * one combination of values. Every run is a design run of a comparison (runner/compare), so a
 * sweep's figures are the table's: availability, linearizability (as the share of runs whose
 * history was linearizable), stale reads, RTO, RPO, latency, messages, and each protocol's own.
 *
 * A scenario with `failures:` gets the formulas beside its cells: a server's steady-state
 * availability MTBF / (MTBF + MTTR) and the cluster's, needing a quorum of servers running
 * (the binomial sum), set against the measured `node-availability` and `quorum-availability`
 * with their intervals (availability.ts).
 */
import type { Seed } from '../../sim/index.js';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { type Comparison, loadDesigns } from '../compare/comparison.js';
import { type CompareOptions, runDesign } from '../compare/run.js';
import type { Raw } from '../load.js';
import type { Locator } from '../problems.js';
import type { RunSpec } from '../spec.js';
import { type Summary, summarize } from '../statistics.js';
import { type AvailabilityCheck, availabilityCheck } from './availability.js';
import { axisPath, type SweepAxis, setPath } from './vary.js';

/** What to sweep. */
export interface SweepPlan {
  readonly axes: readonly SweepAxis[];
  /** Seeds each cell runs with. */
  readonly seeds: readonly Seed[];
}

/** One cell: a design at one combination of values, over the seeds. */
export interface SweepRow {
  readonly design: string;
  readonly protocol: string;
  /** The varied fields' values, by path. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly runs: number;
  /**
   * Runs that failed otherwise than by their linearizability verdict: a property broken, an
   * error, the event limit (the file's metric bounds are not checked in a sweep).
   */
  readonly failed: number;
  /** Every figure the runs reported, summarized (`linearizable`: the share of runs). */
  readonly metrics: Readonly<Record<string, Summary>>;
  /** The formulas beside the measurement, when the scenario draws failures. */
  readonly availability?: AvailabilityCheck;
  /** Trace hashes of the runs, in seed order (a sweep replays as its runs do). */
  readonly hashes: readonly string[];
}

/** A sweep's result. */
export interface SweepResult {
  readonly scenario: string;
  readonly axes: readonly SweepAxis[];
  readonly seeds: readonly Seed[];
  readonly rows: readonly SweepRow[];
}

/** Every combination of the axes' values, as path → value. */
export function combinations(axes: readonly SweepAxis[]): Record<string, unknown>[] {
  return axes.reduce<Record<string, unknown>[]>((acc, axis) => acc.flatMap((combo) =>
    axis.values.map((v) => ({ ...combo, [axis.path]: v }))), [{}]);
}

/**
 * Loads the file's data with each combination applied, before anything runs (a bad value is
 * a `ScenarioError` naming it). `load` is the loader: the CLI passes one that places problems.
 */
export function sweepCells(raw: Raw, locator: Locator, axes: readonly SweepAxis[],
  registry: Readonly<Record<string, AnyProtocol>> = protocols):
  { values: Record<string, unknown>; comparison: Comparison }[] {
  return combinations(axes).map((values) => {
    let data = raw;
    for (const [path, value] of Object.entries(values)) {
      data = setPath(data, axisPath(path) as (string | number)[], value);
    }
    return { values, comparison: loadDesigns(data, locator, registry) };
  });
}

/** Runs a sweep over loaded cells; `progress` hears of each run as it ends. */
export function runSweep(scenario: string,
  cells: readonly { values: Record<string, unknown>; comparison: Comparison }[],
  plan: SweepPlan, options: Omit<CompareOptions, 'seed'> = {},
  registry: Readonly<Record<string, AnyProtocol>> = protocols,
  progress?: (done: number, total: number) => void): SweepResult {
  const total = cells.reduce((n, c) => n + c.comparison.designs.length, 0) * plan.seeds.length;
  let done = 0;
  const rows = cells.flatMap(({ values, comparison }) => comparison.designs.map((design) => {
    const measured = { ...design, spec: withoutBounds(design.spec) };
    const runs = plan.seeds.map((seed) => {
      const run = runDesign(comparison, measured, { ...options, seed, trace: 'off' }, registry);
      progress?.(++done, total);
      // What the cell keeps of a run: its engine and history go as soon as it is measured.
      return { report: { metrics: run.report.metrics, result: { hash: run.report.result.hash } },
        verdict: run.verdict, problems: run.problems };
    });
    const names = [...new Set(runs.flatMap((r) => Object.keys(r.report.metrics)))];
    const metrics: Record<string, Summary> = {};
    const verdicts = runs.filter((r) => r.verdict === 'linearizable' ||
      r.verdict === 'not-linearizable').map((r) => (r.verdict === 'linearizable' ? 1 : 0));
    if (verdicts.length > 0) metrics.linearizable = summarize(verdicts);
    for (const name of names) {
      const list = runs.map((r) => r.report.metrics[name]).filter((v): v is number =>
        v !== undefined && Number.isFinite(v));
      metrics[name] = summarize(list);
    }
    // The formulas are about servers that stop: isolations alone leave nothing to compare.
    const failures = design.spec.failures?.some((f) => f.kind !== 'isolate') === true
      ? design.spec.failures : undefined;
    return { design: design.name, protocol: design.spec.protocol, values, runs: runs.length,
      failed: runs.filter((r) => r.problems.length > 0).length, metrics,
      ...(failures === undefined ? {} : { availability: availabilityCheck(failures,
        design.spec.nodes, metrics) }),
      hashes: runs.map((r) => r.report.result.hash) };
  }));
  return { scenario, axes: plan.axes, seeds: plan.seeds, rows };
}

/**
 * A sweep measures: a file's metric bounds were written for its own values and seed, and a
 * swept value may move a figure past them on purpose. Its properties are still checked.
 */
function withoutBounds(spec: RunSpec): RunSpec {
  if (spec.expect?.metrics === undefined) return spec;
  const { metrics: _bounds, ...expect } = spec.expect;
  return { ...spec, expect };
}
