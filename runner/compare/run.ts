/**
 * Runs a comparison: each design with the same network, workload, fault script and seed, its
 * faults aimed at roles resolved as its run reaches them (roles.ts), each judged like any run
 * and measured with the shared figures (docs/metrics.md), then the comparison's relations
 * checked against them. Every design is checked for linearizability when its protocol keeps a
 * history model, whatever it promises: the verdict is one of the figures compared (async
 * replication is not linearizable, and the table should say so rather than leave it out).
 *
 * A design's run is saved as an ordinary scenario (`DesignRun.spec`: its roles resolved to the
 * nodes they named, its failures drawn) that `faultline run` replays with the same trace hash.
 */
import type { Engine, Seed, TraceLevel } from '../../sim/index.js';
import { type Outage, outages } from '../../sim/check/recovery.js';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { withStrikes } from '../fuzz/campaign.js';
import { clusterIds, judge, LINEARIZABLE, prepareRun, type RunReport } from '../run.js';
import type { Narrative } from '../schema.js';
import type { RunSpec } from '../spec.js';
import type { Comparison, Design } from './comparison.js';
import { checkRelation, type DesignFigures, type RelationResult } from './relations.js';
import { type ResolvedRole, strikeRoles } from './strike.js';

export type { ResolvedRole } from './strike.js';

/** How a comparison runs; nothing here changes what is run but `seed`. */
export interface CompareOptions {
  /** Run every design with this seed instead of the file's. */
  readonly seed?: Seed;
  readonly trace?: TraceLevel;
  /** Wall-clock budget of each linearizability check (with `now`). */
  readonly checkBudgetMs?: number;
  readonly now?: () => number;
}

/** One design's run, judged and measured. */
export interface DesignRun {
  readonly name: string;
  readonly protocol: string;
  readonly params: unknown;
  /** What ran, as an ordinary scenario: the roles resolved, the failures drawn. */
  readonly spec: RunSpec;
  readonly report: RunReport;
  /** `linearizable`, `not-linearizable`, `unknown` or `not checked`. */
  readonly verdict: string;
  readonly outages: readonly Outage[];
  readonly resolved: readonly ResolvedRole[];
  /** What went wrong besides the verdict: a promised property broken, an error, the limit. */
  readonly problems: readonly string[];
  /** The engine after the run (its trace, when kept). */
  readonly engine: Engine<unknown>;
}

/** A comparison's outcome. */
export interface ComparisonReport {
  readonly name: string;
  readonly description: string;
  readonly narrative?: Narrative;
  readonly runs: readonly DesignRun[];
  readonly relations: readonly RelationResult[];
  /** Every relation held and every design ran without problems. */
  readonly passed: boolean;
}

/** Runs every design and checks the relations. */
export function runComparison(comparison: Comparison, options: CompareOptions = {},
  registry: Readonly<Record<string, AnyProtocol>> = protocols): ComparisonReport {
  const runs = comparison.designs.map((d) => runDesign(comparison, d, options, registry));
  return compareRuns(comparison, runs);
}

/** The report of designs already run (the visualizer runs them one at a time). */
export function compareRuns(comparison: Comparison, runs: readonly DesignRun[]):
ComparisonReport {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const figures = (name: string): DesignFigures | undefined => {
    const run = byName.get(name);
    return run === undefined ? undefined : { metrics: run.report.metrics, verdict: run.verdict };
  };
  const relations = comparison.expect.map((r) => checkRelation(r, figures));
  return { name: comparison.name, description: comparison.description,
    ...(comparison.narrative === undefined ? {} : { narrative: comparison.narrative }),
    runs, relations,
    passed: relations.every((r) => r.holds) && runs.every((r) => r.problems.length === 0) };
}

/** The spec a design runs: the seed, and linearizability checked wherever it can be. */
function designSpec(design: Design, options: CompareOptions,
  registry: Readonly<Record<string, AnyProtocol>>): RunSpec {
  const base = options.seed === undefined ? design.spec : { ...design.spec, seed: options.seed };
  if (base.expect?.violate !== undefined) return base;
  const probe = prepareRun(base, { trace: 'off' }, registry);
  const canCheck = probe.instance.model !== undefined;
  const hold = [...new Set([...probe.checked, ...(canCheck ? [LINEARIZABLE] : [])])];
  return hold.length === 0 ? base : { ...base, expect: { ...base.expect, hold } };
}

/** Runs one design of a comparison, resolving its roles as the run reaches them. */
export function runDesign(comparison: Pick<Comparison, 'roleFaults'>, design: Design,
  options: CompareOptions = {}, registry: Readonly<Record<string, AnyProtocol>> = protocols):
  DesignRun {
  const spec = designSpec(design, options, registry);
  const prepared = prepareRun(spec, { trace: options.trace ?? 'off' }, registry);
  const { servers, clients } = clusterIds(spec);
  const view = prepared.protocol.fuzz?.view({ servers, clients,
    params: prepared.protocol.params.parse(spec.params), workload: spec.workload,
    clientsStopAt: undefined });
  const { resolved, missed } = strikeRoles(prepared.engine, comparison.roleFaults, view, servers,
    spec.duration);
  prepared.engine.run(spec.duration);
  const report = judge(prepared, {
    ...(options.checkBudgetMs === undefined ? {} : { checkBudgetMs: options.checkBudgetMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const verdict = report.linearizability?.verdict ??
    (prepared.instance.model === undefined ? 'not checked'
      : report.violation !== undefined ? 'not judged (the run stopped)' : 'not checked');
  const problems = [...missed, ...report.failures.filter((f) =>
    !f.startsWith(`${LINEARIZABLE} violated`) && !f.startsWith('linearizability undetermined'))];
  const list = outages({ history: report.history, end: report.result.time,
    disruptions: [...prepared.disruptions.disruptions, ...prepared.splits] });
  return { name: design.name, protocol: spec.protocol, params: spec.params,
    spec: withStrikes(prepared.spec, report.struck), report, verdict, outages: list, resolved,
    problems, engine: prepared.engine };
}
