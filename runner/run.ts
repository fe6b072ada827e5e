/**
 * Runs a `RunSpec`: sets up the protocol for the cluster, builds the engine with the
 * properties the expectations select, runs it for the scenario's duration, then judges the
 * client history for linearizability and the metrics against their bounds.
 *
 * Which properties are checked is selection.ts's: with `expect.violate: X` only X (a teaching
 * scenario shows one failure, so another property must not stop the run first); otherwise
 * `expect.hold`, or what the protocol guarantees under the run's parameters. A property named
 * but not checkable is a `ConfigError`, never a pass; the report lists what was checked and
 * why each other property was not. Metrics come from the protocol's observers, which see
 * every event whatever is checked.
 */
import { ConfigError, describeFault, Engine, type EngineConfig, type NodeId, type RunResult } from
  '../sim/index.js';
import { checkHistory, type LinearizabilityResult } from '../sim/check/linearizability.js';
import { DISRUPTIVE_FAULTS, type Disruption, DisruptionObserver, recoveryFigures } from
  '../sim/check/recovery.js';
import type { LivenessPhase, Property, Violation, World } from '../sim/check/property.js';
import { type AnyProtocol, type ProtocolInstance, protocols } from '../protocols/index.js';
import { LINEARIZABLE, type NotChecked, selectChecked } from './selection.js';
import type { RunOptions, RunSpec } from './spec.js';

export { LINEARIZABLE, type NotChecked } from './selection.js';

/** A prepared run: the engine (not yet run) and what judges it. */
export interface PreparedRun {
  readonly spec: RunSpec;
  readonly protocol: AnyProtocol;
  readonly instance: ProtocolInstance;
  readonly engine: Engine<unknown>;
  /** Property names checked in this run (including `linearizable` when it is). */
  readonly checked: readonly string[];
  /** The protocol's other properties, with the reason each is not checked. */
  readonly notChecked: readonly NotChecked[];
  /** Liveness checks judged after the faults heal (none without `expect.liveness`). */
  readonly liveness: readonly string[];
  /** Sees every crash and pause of a server, for the shared recovery figures. */
  readonly disruptions: DisruptionObserver;
}

/** The outcome of a run, with everything a report prints. */
export interface RunReport {
  readonly name: string;
  readonly protocol: string;
  readonly seed: string;
  readonly result: RunResult;
  /** The first violation: from the engine, or the linearizability check after the run. */
  readonly violation?: Violation;
  readonly linearizability?: LinearizabilityResult;
  readonly checked: readonly string[];
  readonly notChecked: readonly NotChecked[];
  readonly liveness: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  /** Expectations that were not met, in words; empty when the run passed. */
  readonly failures: readonly string[];
  readonly passed: boolean;
}

/** Server and client ids for a spec. */
export function clusterIds(spec: Pick<RunSpec, 'nodes' | 'workload'>): {
  servers: NodeId[];
  clients: NodeId[];
} {
  const servers = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: spec.workload?.clients ?? 0 }, (_, i) => `c${i + 1}`);
  return { servers, clients };
}

/** Finds a protocol by name or says which exist. */
export function findProtocol(name: string, registry = protocols): AnyProtocol {
  const protocol = registry[name];
  if (protocol === undefined) {
    const known = Object.keys(registry).sort().join(', ') || 'none';
    throw new ConfigError('protocol', `one of ${known}, got ${JSON.stringify(name)}`);
  }
  return protocol;
}

/** Builds the engine for a spec without running it (the visualizer steps it itself). */
export function prepareRun(spec: RunSpec, options: RunOptions = {}, registry = protocols): PreparedRun {
  const protocol = findProtocol(spec.protocol, registry);
  const parsed = protocol.params.safeParse(spec.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['params', ...(issue?.path ?? []).map(String)].join('.');
    throw new ConfigError(path, issue?.message ?? 'valid parameters');
  }
  const { servers, clients } = clusterIds(spec);
  const instance = protocol.setup({ servers, clients, params: parsed.data,
    workload: spec.workload, clientsStopAt: undefined });
  const live = livenessOf(spec, instance);
  const liveness = live.liveness?.checks.map((c) => c.name) ?? [];
  const { checked, notChecked } = selectChecked(spec, protocol, instance, liveness);
  const disruptions = new DisruptionObserver();
  const maxEvents = spec.limits?.events ?? options.maxEvents;
  const engineConfig: EngineConfig<unknown> = {
    seed: spec.seed, servers, clients, program: instance.program,
    ...(spec.network === undefined ? {} : { network: spec.network }),
    ...(spec.clocks === undefined ? {} : { clocks: spec.clocks }),
    ...(spec.disk === undefined ? {} : { disk: spec.disk }),
    ...(spec.ties === undefined ? {} : { ties: spec.ties }),
    faults: spec.faults,
    trace: options.trace ?? 'memory',
    // The spec's own limit is part of what is run; the caller's applies when it has none.
    ...(maxEvents === undefined ? {} : { maxEvents }),
    ...(options.traceSink === undefined ? {} : { traceSink: options.traceSink }),
    properties: instance.properties.filter((p: Property) => checked.includes(p.name)),
    observers: [(w) => disruptions.observe(w),
      ...(instance.observe === undefined ? [] : [(w: World) => instance.observe?.(w)])],
    ...live,
  };
  return { spec, protocol, instance, engine: new Engine(engineConfig), checked, notChecked,
    liveness, disruptions };
}

/** Runs a spec to its duration and judges it. */
export function runSpec(spec: RunSpec, options: RunOptions = {}, registry = protocols): RunReport {
  const prepared = prepareRun(spec, options, registry);
  prepared.engine.run(spec.duration);
  return judge(prepared, options);
}

/** Ends a prepared run that was stepped elsewhere and judges it. */
export function judge(prepared: PreparedRun, options: RunOptions = {}): RunReport {
  const { spec, engine, instance, checked, notChecked, liveness } = prepared;
  const result = engine.end();
  let violation = result.violation;
  let linearizability: LinearizabilityResult | undefined;
  if (violation === undefined && checked.includes(LINEARIZABLE) && instance.model !== undefined) {
    linearizability = checkHistory(instance.model, engine.history, {
      ...(options.checkBudgetMs === undefined ? {} : { timeBudgetMs: options.checkBudgetMs }),
      ...(options.checkMaxSteps === undefined ? {} : { maxSteps: options.checkMaxSteps }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    if (linearizability.verdict === 'not-linearizable') {
      violation = { name: LINEARIZABLE, kind: 'safety', index: result.events - 1, time: result.time,
        explanation: linearizability.violation?.explanation ?? 'the history is not linearizable' };
    }
  }
  const metrics = { ...instance.metrics(engine), ...sharedFigures(prepared, result) };
  const failures = expectationFailures(spec, result, violation, linearizability, metrics);
  return {
    name: spec.name, protocol: spec.protocol, seed: String(spec.seed), result,
    ...(violation === undefined ? {} : { violation }),
    ...(linearizability === undefined ? {} : { linearizability }),
    checked, notChecked, liveness, metrics, failures, passed: failures.length === 0,
  };
}

/**
 * The shared availability, RTO and RPO figures (sim/check/recovery.ts), for a protocol with a
 * client history: disruptions are the crashes and pauses the observer saw and the scheduled
 * partitions, bridges, rings and cuts that ran (none after the liveness phase began).
 */
function sharedFigures(prepared: PreparedRun, result: RunResult): Record<string, number> {
  const { spec, engine, instance, disruptions } = prepared;
  if (!engine.history.some((event) => event.type === 'invoke')) return {};
  const healAt = livenessOf(spec, instance).liveness?.healAt ?? Infinity;
  const scheduled: Disruption[] = spec.faults
    .filter(({ at, fault }) => DISRUPTIVE_FAULTS.has(fault.kind) && at <= result.time &&
      at < healAt)
    .map(({ at, fault }) => ({ at, what: describeFault(fault) }));
  const lost = instance.lostWrites?.(engine);
  return recoveryFigures({ history: engine.history, end: result.time,
    disruptions: [...disruptions.disruptions, ...scheduled],
    ...(lost === undefined ? {} : { lost }) });
}

function livenessOf(spec: RunSpec, instance: ProtocolInstance): { liveness?: LivenessPhase } {
  const live = spec.expect?.liveness;
  if (live === undefined) return {};
  const names = live.checks ?? instance.liveness.map((c) => c.name);
  const checks = names.map((name, i) => {
    const check = instance.liveness.find((c) => c.name === name);
    if (check === undefined) {
      throw new ConfigError(`expect.liveness.checks[${i}]`, `a liveness check (${
        instance.liveness.map((c) => c.name).join(', ')}), got ${JSON.stringify(name)}`);
    }
    return check;
  });
  const after = live.after ?? Math.max(0, ...spec.faults.map((f) => f.at));
  return { liveness: { healAt: after, settle: live.settle, checks } };
}

function expectationFailures(
  spec: RunSpec,
  result: RunResult,
  violation: Violation | undefined,
  linearizability: LinearizabilityResult | undefined,
  metrics: Readonly<Record<string, number>>,
): string[] {
  const failures: string[] = [];
  const wanted = spec.expect?.violate;
  if (result.outcome === 'error') failures.push(`the run failed: ${violation?.explanation ?? ''}`);
  else if (wanted !== undefined) {
    if (violation?.name !== wanted) {
      failures.push(violation === undefined ? `expected ${wanted} to be violated, but it held`
        : `expected ${wanted} to be violated, but ${violation.name} was`);
    }
  } else if (violation !== undefined) {
    failures.push(`${violation.name} violated at ${violation.time} µs: ${violation.explanation}`);
  }
  if (result.outcome === 'event-limit') failures.push('the run reached its event limit');
  if (linearizability?.verdict === 'unknown') {
    failures.push(`linearizability undetermined: the checker ran out of ${linearizability.exhausted}`);
  }
  for (const [name, bound] of Object.entries(spec.expect?.metrics ?? {})) {
    const value = metrics[name];
    if (value === undefined) failures.push(`metric ${name} was not measured`);
    else if (bound.min !== undefined && value < bound.min) failures.push(`${name} = ${value} < ${bound.min}`);
    else if (bound.max !== undefined && value > bound.max) failures.push(`${name} = ${value} > ${bound.max}`);
  }
  return failures;
}
