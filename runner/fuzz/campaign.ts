/**
 * A fuzz campaign, one run at a time. Run `i` of a campaign with seed `S` is a fast-check
 * property check of one generated spec, seeded with `runSeed(S, i)`, so a run is the same
 * wherever it executes: the CLI's worker threads and `--shard i/n` only decide which indexes
 * a process takes (see `indexesFor`). A failing run is shrunk by fast-check to a minimal fault
 * schedule within a bounded number of reruns, and the smallest failing spec is kept.
 *
 * Deterministic for a given configuration; the only clock (for the linearizability checker's
 * budget) is injected by the caller.
 */
import fc from 'fast-check';
import { fnv1a, type Micros } from '../../sim/index.js';
import type { AnyProtocol } from '../../protocols/index.js';
import { type RunReport, runSpec } from '../run.js';
import type { WatchdogFactory } from '../limits.js';
import type { RunSpec } from '../spec.js';
import { faultsArbitrary, specArbitrary } from './arbitraries.js';
import { profileFor } from './profile.js';

/** What a campaign fuzzes and how. */
export interface CampaignConfig {
  readonly protocol: AnyProtocol;
  readonly registry: Readonly<Record<string, AnyProtocol>>;
  /** Vary only the faults and the seed of this scenario, instead of generating whole runs. */
  readonly base?: RunSpec;
  readonly seed: number;
  readonly bugs?: readonly string[];
  /** Protocol parameters set for every run (over the scenario's, under `bugs`). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly duration?: Micros;
  /** Reruns spent shrinking one failure (default 150; 0 reports the failure unshrunk). */
  readonly shrinkRuns?: number;
  /** Servers per run, overriding the protocol's profile. */
  readonly nodes?: readonly [number, number];
  readonly checkDeterminism?: boolean;
  /**
   * Search steps for one linearizability check (default 2 million, about a second). A check
   * that runs out is inconclusive, not a failure: the campaign counts it and moves on.
   */
  readonly checkMaxSteps?: number;
  /**
   * Events one run may take (default 2 million, over a hundred times a normal 10 s run): a
   * livelocked run ends as `event-limit`, a failure, instead of stalling the campaign.
   */
  readonly maxEvents?: number;
  /** Watches each run's memory and wall time, as for `faultline run` (runner/limits.ts). */
  readonly watchdog?: WatchdogFactory;
  /** Told when a run fails, before it is shrunk (shrinking can take a while). */
  readonly onFailure?: (index: number, reason: string) => void;
}

/** A failure, shrunk. */
export interface Counterexample {
  readonly spec: RunSpec;
  readonly report: RunReport;
  /** What failed, in a line. */
  readonly reason: string;
  readonly shrinks: number;
}

/** The outcome of one campaign run. */
export interface RunOutcome {
  readonly index: number;
  readonly runSeed: number;
  readonly seed: string;
  readonly passed: boolean;
  readonly events: number;
  readonly simulated: Micros;
  readonly faults: Readonly<Record<string, number>>;
  /** The linearizability check ran out of its step budget (the run counts as passed). */
  readonly inconclusive: boolean;
  /**
   * The violated property when it failed, or `error` (the run crashed), `event-limit`,
   * `nondeterminism`, `expectation` (a metric bound or an undetermined check).
   */
  readonly violated?: string;
  readonly counterexample?: Counterexample;
}

/** The fast-check seed of run `index` in campaign `seed`: a 31-bit integer. */
export function runSeed(seed: number, index: number): number {
  return fnv1a(`faultline-campaign/${seed}/${index}`) & 0x7fffffff;
}

/**
 * The run indexes one process takes: shard `shard` (1-based) of `shards` takes indexes
 * ≡ shard-1 (mod shards); within it, worker `worker` of `workers` takes every workers-th of
 * those, from its own offset. With `runs`, indexes stop below it; without, they never stop.
 */
export function* indexesFor(p: { shard: number; shards: number; worker: number; workers: number;
  runs?: number }): Generator<number> {
  const step = p.shards * p.workers;
  const first = p.shard - 1 + p.shards * p.worker;
  for (let i = first; p.runs === undefined || i < p.runs; i += step) yield i;
}

/** One campaign in one process. */
export class Campaign {
  private readonly arbitrary: fc.Arbitrary<RunSpec>;
  /** The protocol parameters of every run. */
  readonly params: Readonly<Record<string, unknown>>;

  private get maxEvents(): number {
    return this.config.maxEvents ?? 2_000_000;
  }

  constructor(private readonly config: CampaignConfig) {
    const { protocol, base } = config;
    const params = { ...(base?.params as object | undefined), ...config.params,
      ...(config.bugs !== undefined && config.bugs.length > 0 ? { bugs: [...config.bugs] } : {}) };
    this.params = params;
    const profile = { ...profileFor(protocol.name, config.duration ?? base?.duration),
      ...(config.nodes === undefined ? {} : { nodes: config.nodes }) };
    if (base !== undefined) {
      const window = base.expect?.liveness?.after ?? base.duration;
      // Metric bounds describe the scenario's own schedule (installs it causes, leaders it
      // elects); under other faults they would fail runs in which nothing is wrong.
      const expect = base.expect === undefined ? undefined : withoutMetrics(base.expect);
      this.arbitrary = faultsArbitrary(base.nodes, window).map(({ faults, seed }) => ({
        ...base, name: `${base.name}-fuzz-${seed}`, params, faults, seed,
        ...(expect === undefined ? {} : { expect }) }));
    } else {
      this.arbitrary = specArbitrary(profile, { protocol: protocol.name, params,
        liveness: hasLiveness(protocol, params) });
    }
  }

  /** Runs campaign run `index`, shrinking it on failure. */
  run(index: number): RunOutcome {
    const seed = runSeed(this.config.seed, index);
    let first: { spec: RunSpec; report?: RunReport; reason?: string } | undefined;
    let calls = 0;
    let smallest: { spec: RunSpec; reason: string } | undefined;
    const budget = this.config.shrinkRuns ?? 150;
    const property = fc.property(fc.noBias(this.arbitrary), (spec) => {
      if (first !== undefined && calls++ > budget) return true;
      const { report, reason } = this.judge(spec, first === undefined);
      if (first === undefined) {
        first = { spec, report, ...(reason === undefined ? {} : { reason }) };
        if (reason !== undefined) this.config.onFailure?.(index, reason);
      }
      if (reason !== undefined) smallest = { spec, reason };
      return reason === undefined;
    });
    const details = fc.check(property, { seed, numRuns: 1, endOnFailure: budget === 0 });
    const start = first as { spec: RunSpec; report?: RunReport; reason?: string } | undefined;
    const report = start?.report;
    const outcome = {
      index, runSeed: seed, seed: String(start?.spec.seed ?? ''),
      passed: !details.failed, events: report?.result.events ?? 0,
      simulated: report?.result.time ?? 0, faults: report?.result.faults ?? {},
      inconclusive: report !== undefined && inconclusive(report),
    };
    if (!details.failed || smallest === undefined) return outcome;
    const final = smallest.spec === start?.spec && report !== undefined
      ? { report, reason: start.reason } : this.judge(smallest.spec, false);
    // A run stopped by the event cap replays the same only under the same cap: it goes with it.
    const spec = final.report.result.outcome !== 'event-limit' ? smallest.spec
      : { ...smallest.spec, limits: { events: this.maxEvents } };
    return { ...outcome, violated: violatedName(report, start?.reason),
      counterexample: { spec, report: final.report,
        reason: final.reason ?? smallest.reason, shrinks: details.numShrinks } };
  }

  /** Runs a spec; `reason` is set when it failed. */
  private judge(spec: RunSpec, determinism: boolean): { report: RunReport; reason?: string } {
    const checkMaxSteps = this.config.checkMaxSteps ?? 2_000_000;
    const options = { trace: 'off' as const, checkMaxSteps, maxEvents: this.maxEvents,
      ...(this.config.watchdog === undefined ? {} : { watchdog: this.config.watchdog }) };
    const report = runSpec(spec, options, this.config.registry);
    if (!report.passed && !inconclusive(report)) {
      return { report, reason: report.failures.join('; ') };
    }
    if (determinism && this.config.checkDeterminism === true) {
      const again = runSpec(spec, options, this.config.registry);
      if (again.result.hash !== report.result.hash) {
        return { report, reason: `nondeterminism: trace hashes ${report.result.hash} and ${
          again.result.hash} for one spec` };
      }
    }
    return { report };
  }
}

function withoutMetrics(expect: NonNullable<RunSpec['expect']>): RunSpec['expect'] {
  const { metrics: _metrics, ...rest } = expect;
  return rest;
}

/** Only the linearizability check ran out of budget: nothing was found either way. */
export function inconclusive(report: RunReport): boolean {
  return report.linearizability?.verdict === 'unknown' && report.failures.length === 1;
}

function violatedName(report: RunReport | undefined, reason: string | undefined): string {
  if (report?.violation !== undefined) return report.violation.name;
  if (reason?.startsWith('nondeterminism') === true) return 'nondeterminism';
  const outcome = report?.result.outcome;
  return outcome === 'error' || outcome === 'event-limit' || outcome === 'memory-limit' ||
    outcome === 'time-limit' ? outcome : 'expectation';
}

/** Whether the protocol has liveness checks, asked of a throwaway instance. */
function hasLiveness(protocol: AnyProtocol, params: unknown): boolean {
  const parsed = protocol.params.safeParse(params);
  if (!parsed.success) return false;
  const instance = protocol.setup({ servers: ['n1', 'n2', 'n3'], clients: ['c1'],
    params: parsed.data, workload: undefined, clientsStopAt: undefined });
  return instance.liveness.length > 0;
}
