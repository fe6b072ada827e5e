/**
 * A fuzz campaign, one run at a time. Run `i` of a campaign with seed `S` is one spec that
 * fast-check generates from `runSeed(S, i)` (swarm: its own cluster, network, workload,
 * parameter variants and blind fault schedule), plus a nemesis plan drawn from the same seed:
 * rules that watch the run and strike at protocol moments, and the run's aim, one cell of the
 * fault × phase matrix (runner/fuzz/rules.ts). So a run is the same wherever it executes: the
 * CLI's worker threads and `--shard i/n` only decide which runner takes which index.
 *
 * A failing run is written as a plain schedule (its faults and what the nemesis struck, which
 * replays it event for event without the nemesis), checked to fail the same way, and shrunk to
 * a 1-minimal schedule (shrink.ts).
 *
 * Deterministic for a given configuration; the only clock (for the linearizability checker's
 * budget) is injected by the caller.
 */
import fc from 'fast-check';
import { ConfigError, fnv1a, type Micros, Prng, type ScheduledFault } from '../../sim/index.js';
import type { AnyProtocol } from '../../protocols/index.js';
import { clusterIds, type Coverage, type RunReport, runSpec } from '../run.js';
import type { WatchdogFactory } from '../limits.js';
import type { RunSpec } from '../spec.js';
import { faultsArbitrary, specArbitrary } from './arbitraries.js';
import type { NemesisPlan } from './nemesis.js';
import { profileFor } from './profile.js';
import { aimRule, candidateRules, drawPlan, type RuleContext } from './rules.js';
import { shrinkRun } from './shrink.js';

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
   * Search steps for one linearizability check (default `CAMPAIGN_LIMITS.checkMaxSteps`). A
   * check that runs out is inconclusive, not a failure: the campaign counts it and moves on.
   */
  readonly checkMaxSteps?: number;
  /**
   * Events one run may take (default `CAMPAIGN_LIMITS.maxEvents`): a livelocked run ends as
   * `event-limit`, a failure, instead of stalling the campaign.
   */
  readonly maxEvents?: number;
  /** Watches each run's memory and wall time, as for `faultline run` (runner/limits.ts). */
  readonly watchdog?: WatchdogFactory;
  /** Told when a run fails, before it is shrunk (shrinking can take a while). */
  readonly onFailure?: (index: number, reason: string) => void;
  /** Whether runs have nemeses (default: yes, when the protocol has fuzz traits). */
  readonly nemesis?: boolean;
}

/**
 * The limits of a campaign's runs, unless configured: events per run (ten times the most a
 * correct protocol's generated run takes: 110k for Multi-Paxos over 150 runs), and search
 * steps per linearizability check (about a second). A counterexample reruns under the same.
 */
export const CAMPAIGN_LIMITS = { maxEvents: 1_000_000, checkMaxSteps: 2_000_000 } as const;

/** A failure, shrunk. */
export interface Counterexample {
  /** The shrunk run, as a plain scenario (no nemesis: what it struck is in the schedule). */
  readonly spec: RunSpec;
  readonly report: RunReport;
  /** What failed, in a line. */
  readonly reason: string;
  /** Changes the shrinker kept. */
  readonly shrinks: number;
  /** Reruns the shrinker spent. */
  readonly shrinkRuns: number;
  /** Whether removing any one fault of the shrunk schedule was shown to lose the failure. */
  readonly minimal: boolean;
  /** Faults in the failing run's schedule before shrinking (nemesis strikes included). */
  readonly faultsBefore: number;
  /** Whether the plain schedule failed the same way as the run with its nemesis. */
  readonly replayed: boolean;
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
  /** Names of the nemesis rules the run drew (its aim last). */
  readonly nemesis: readonly string[];
  /** Faults by protocol phase and kind (the coverage matrix's share of this run). */
  readonly coverage: Coverage;
  /** The properties the run checked: safety, linearizability and liveness checks. */
  readonly checked: readonly string[];
  /** The protocol's other properties, each with the reason it was not checked in this run. */
  readonly notChecked: readonly { readonly name: string; readonly reason: string }[];
  /**
   * The violated property when it failed, or `error` (the run crashed), `event-limit`,
   * `nondeterminism`, `expectation` (a metric bound or an undetermined check).
   */
  readonly violated?: string;
  /** `safety`, `liveness`, `sometimes` or `error`, when a property was violated. */
  readonly kind?: string;
  readonly counterexample?: Counterexample;
}

/** The fast-check seed of run `index` in campaign `seed`: a 31-bit integer. */
export function runSeed(seed: number, index: number): number {
  return fnv1a(`faultline-campaign/${seed}/${index}`) & 0x7fffffff;
}

/**
 * The run index at `position` of a shard's sequence: shard `shard` (1-based) of `shards` takes
 * the indexes ≡ shard-1 (mod shards), in order. With `runs`, the sequence stops below it
 * (undefined past its end); without, it never stops.
 */
export function shardIndex(p: { shard: number; shards: number; runs?: number | undefined },
  position: number): number | undefined {
  const index = p.shard - 1 + position * p.shards;
  return p.runs !== undefined && index >= p.runs ? undefined : index;
}

/** A run judged: its report, and why it failed when it did. */
interface Judged {
  readonly report: RunReport;
  readonly reason?: string;
}

/** One campaign in one process. */
export class Campaign {
  private readonly arbitrary: fc.Arbitrary<RunSpec>;
  /** The protocol parameters of every run. */
  readonly params: Readonly<Record<string, unknown>>;
  private readonly damage: boolean;

  private get maxEvents(): number {
    return this.config.maxEvents ?? CAMPAIGN_LIMITS.maxEvents;
  }

  constructor(private readonly config: CampaignConfig) {
    const { protocol, base } = config;
    const params = { ...(base?.params as object | undefined), ...config.params,
      ...(config.bugs !== undefined && config.bugs.length > 0 ? { bugs: [...config.bugs] } : {}) };
    this.params = params;
    const profile = { ...profileFor(protocol, config.duration ?? base?.duration),
      ...(config.nodes === undefined ? {} : { nodes: config.nodes }) };
    this.damage = profile.damage;
    if (base !== undefined) {
      const window = base.expect?.liveness?.after ?? base.duration;
      // Metric bounds describe the scenario's own schedule (installs it causes, leaders it
      // elects); under other faults they would fail runs in which nothing is wrong.
      const expect = base.expect === undefined ? undefined : withoutMetrics(base.expect);
      this.arbitrary = faultsArbitrary(base.nodes, window).map(({ faults, seed }) => ({
        ...base, name: `${base.name}-fuzz-${seed}`, params, faults, seed,
        ...(expect === undefined ? {} : { expect }) }));
    } else {
      const traits = protocol.fuzz;
      const model = traits?.synchronous;
      this.arbitrary = specArbitrary(profile, { protocol: protocol.name, params,
        ...(traits?.variants === undefined ? {} : { variants: traits.variants }),
        ...(model === undefined ? {} : { synchronous: { param: model.param,
          ...(model.requires === undefined ? {} : { requires: model.requires }),
          bound: (raw: unknown) => {
            const parsed = protocol.params.safeParse(raw);
            return parsed.success ? model.bound(parsed.data) : undefined;
          } } }),
        liveness: hasLiveness(protocol, params, profile.nodes),
        ...(protocol.membership === undefined ? {} : { membership: protocol.membership }) });
    }
  }

  /** The spec and nemesis plan of run `index`. */
  generate(index: number): { spec: RunSpec; plan: NemesisPlan | undefined } {
    const seed = runSeed(this.config.seed, index);
    const [drawn] = fc.sample(fc.noBias(this.arbitrary), { seed, numRuns: 1 });
    if (drawn === undefined) throw new Error('the generator produced nothing');
    const spec = this.admissible(drawn);
    const plan = this.plan(index, seed, spec);
    // A quiet run leaves the faults to the nemesis alone (rules.ts, drawPlan).
    return { spec: plan?.quiet === true ? { ...spec, faults: [] } : spec, plan };
  }

  /**
   * The spec, or, when its drawn parameter variants do not fit its cluster (Paxos Commit needs
   * three servers), the same spec with the campaign's own parameters alone.
   */
  private admissible(spec: RunSpec): RunSpec {
    const fits = (params: unknown): boolean => {
      const parsed = this.config.protocol.params.safeParse(params);
      if (!parsed.success) return false;
      try {
        const { servers, clients } = clusterIds(spec);
        this.config.protocol.setup({ servers, clients, params: parsed.data,
          workload: spec.workload, clientsStopAt: undefined });
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    };
    return fits(spec.params) ? spec : { ...spec, params: this.params };
  }

  private plan(index: number, seed: number, spec: RunSpec):
  (NemesisPlan & { readonly quiet: boolean }) | undefined {
    const traits = this.config.protocol.fuzz;
    if (traits === undefined || this.config.nemesis === false) return undefined;
    const model = traits.synchronous;
    const context: RuleContext = { phases: traits.phases, roles: traits.roles ?? [],
      own: traits.rules ?? [],
      synchronous: model !== undefined &&
        (spec.params as Record<string, unknown> | undefined)?.[model.param] === true };
    const plan = drawPlan(fnv1a(`plan/${seed}`), candidateRules(context),
      aimRule(this.config.seed, index, context));
    // A run whose membership may change also gets one of the protocol's membership rules
    // (drawn from its own stream, so the other runs keep the plans they had).
    const membership = traits.membershipRules ?? [];
    if (membership.length === 0 || !this.changesMembership(spec)) return plan;
    const extra = new Prng('membership', String(seed)).pick(membership);
    return { ...plan, rules: [...plan.rules, extra] };
  }

  /** Runs campaign run `index`; on failure, writes it as a plain schedule and shrinks it. */
  run(index: number): RunOutcome {
    const { spec, plan } = this.generate(index);
    const first = this.judge(spec, plan, true);
    const report = first.report;
    const outcome: RunOutcome = {
      index, runSeed: runSeed(this.config.seed, index), seed: String(spec.seed),
      passed: first.reason === undefined, events: report.result.events,
      simulated: report.result.time, faults: report.result.faults,
      inconclusive: inconclusive(report), nemesis: plan?.rules.map((r) => r.name) ?? [],
      coverage: report.coverage ?? {},
      checked: [...new Set([...report.checked, ...report.liveness])],
      notChecked: report.notChecked.map(({ name, reason }) => ({ name, reason })),
    };
    if (first.reason === undefined) return outcome;
    this.config.onFailure?.(index, first.reason);
    const violated = violatedName(report, first.reason);
    const kind = report.violation?.kind;
    return { ...outcome, violated, ...(kind === undefined ? {} : { kind }),
      counterexample: this.counterexample(spec, first, violated) };
  }

  /** The plain schedule of a failing run, checked and shrunk. */
  private counterexample(spec: RunSpec, first: Judged, violated: string): Counterexample {
    const plain = withStrikes(spec, first.report.struck);
    let start: Judged & { reason: string } = { ...first, reason: first.reason as string };
    let replayed = true;
    if (first.report.struck.length > 0) {
      const again = this.judge(plain, undefined, false);
      replayed = again.reason !== undefined &&
        violatedName(again.report, again.reason) === violated;
      if (replayed) start = { ...again, reason: again.reason as string };
    }
    const budget = this.config.shrinkRuns ?? 150;
    const same = (candidate: RunSpec): Judged | undefined => {
      let judged: Judged;
      try {
        judged = this.judge(candidate, undefined, false);
      } catch (error) {
        // A simplification the run does not admit (fewer clients than its faults name).
        if (error instanceof ConfigError) return undefined;
        throw error;
      }
      return judged.reason !== undefined && violatedName(judged.report, judged.reason) === violated
        ? judged : undefined;
    };
    const shrunk = budget === 0 || !replayed || violated === 'nondeterminism'
      ? { spec: plain, result: undefined, runs: 0, steps: 0, minimal: false }
      : shrinkRun(plain, same, budget);
    const final = shrunk.result ?? start;
    // A run stopped by the event cap replays the same only under the same cap: it goes with it.
    const limited = final.report.result.outcome !== 'event-limit' ? shrunk.spec
      : { ...shrunk.spec, limits: { events: this.maxEvents } };
    return { spec: limited, report: final.report, reason: final.reason ?? start.reason,
      shrinks: shrunk.steps, shrinkRuns: shrunk.runs, minimal: shrunk.minimal,
      faultsBefore: plain.faults.length, replayed };
  }

  /**
   * Whether a run's membership may change: it has spares or operator requests. Its nemesis
   * then damages no records: the configuration may shrink until a minority of the servers is
   * a majority of it (a lone voter with a torn log waits for a leader to repair it forever).
   */
  private changesMembership(spec: RunSpec): boolean {
    const membership = this.config.protocol.membership;
    if (membership === undefined) return false;
    const params = spec.params as Record<string, unknown> | undefined;
    return spec.faults.some((f) => f.fault.kind === 'admin') ||
      params?.[membership.membersParam] !== undefined;
  }

  /** Runs a spec (with a nemesis plan, or plain); `reason` is set when it failed. */
  private judge(spec: RunSpec, plan: NemesisPlan | undefined, first: boolean): Judged {
    const checkMaxSteps = this.config.checkMaxSteps ?? CAMPAIGN_LIMITS.checkMaxSteps;
    const damage = this.damage && !this.changesMembership(spec);
    const options = { trace: 'off' as const, checkMaxSteps, maxEvents: this.maxEvents,
      ...(plan === undefined ? {} : { nemesis: plan, nemesisDamage: damage }),
      ...(first ? { coverage: true } : {}),
      ...(this.config.watchdog === undefined ? {} : { watchdog: this.config.watchdog }) };
    const report = runSpec(spec, options, this.config.registry);
    if (!report.passed && !inconclusive(report)) {
      return { report, reason: report.failures.join('; ') };
    }
    if (first && this.config.checkDeterminism === true) {
      const again = runSpec(spec, options, this.config.registry);
      if (again.result.hash !== report.result.hash) {
        return { report, reason: `nondeterminism: trace hashes ${report.result.hash} and ${
          again.result.hash} for one spec` };
      }
    }
    return { report };
  }
}

/**
 * A run's schedule with what its nemesis struck: the scheduled faults first at equal times,
 * then the strikes in order, which is how the engine ordered them (`Engine.strike`).
 */
export function withStrikes(spec: RunSpec, struck: readonly ScheduledFault[]): RunSpec {
  if (struck.length === 0) return spec;
  const faults = [...spec.faults, ...struck].map((f, i) => ({ f, i }))
    .sort((x, y) => x.f.at - y.f.at || x.i - y.i).map((x) => x.f);
  return { ...spec, faults };
}

function withoutMetrics(expect: NonNullable<RunSpec['expect']>): RunSpec['expect'] {
  const { metrics: _metrics, ...rest } = expect;
  return rest;
}

/**
 * Only the linearizability check ran out of budget, or the run its memory or wall time:
 * nothing was found either way.
 */
export function inconclusive(report: RunReport): boolean {
  const outcome = report.result.outcome;
  // A run stopped by its memory or wall-time limit stopped where this machine's speed said,
  // so it would not replay: nothing was found either way.
  if (outcome === 'memory-limit' || outcome === 'time-limit') return true;
  return report.linearizability?.verdict === 'unknown' && report.failures.length === 1;
}

function violatedName(report: RunReport | undefined, reason: string | undefined): string {
  if (reason?.startsWith('nondeterminism') === true) return 'nondeterminism';
  if (report?.violation !== undefined) return report.violation.name;
  const outcome = report?.result.outcome;
  return outcome === 'error' || outcome === 'event-limit' || outcome === 'memory-limit' ||
    outcome === 'time-limit' ? outcome : 'expectation';
}

/**
 * Whether the protocol has liveness checks, asked of a throwaway instance the size of the
 * campaign's largest cluster (parameters such as Raft's `members` are checked against it).
 */
function hasLiveness(protocol: AnyProtocol, params: unknown,
  [fewest, most]: readonly [number, number]): boolean {
  const parsed = protocol.params.safeParse(params);
  if (!parsed.success) return false;
  const setup = (n: number) => protocol.setup({
    servers: Array.from({ length: Math.max(1, n) }, (_, i) => `n${i + 1}`), clients: ['c1'],
    params: parsed.data, workload: undefined, clientsStopAt: undefined });
  try {
    setup(fewest);
  } catch (err) {
    // The parameters do not fit the smallest cluster the campaign may draw: say so up front.
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError('--nodes', `cluster sizes that fit the parameters; with ${fewest} ` +
      `servers (the fewest the campaign draws): ${err.message}`);
  }
  return setup(most).liveness.length > 0;
}
