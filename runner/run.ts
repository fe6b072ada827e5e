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
import {
  ConfigError, DEFAULT_LINK, describeFault, Engine, type EngineConfig, type Fault, type NodeId,
  type RunResult, type ScheduledFault,
} from '../sim/index.js';
import { checkHistory, type LinearizabilityResult } from '../sim/check/linearizability.js';
import type { HistoryEvent, Operation } from '../sim/check/history.js';
import { IDLE_PHASE, MEMBERSHIP_ACTIONS } from '../sim/check/nemesis.js';
import { DISRUPTIVE_FAULTS, type Disruption, DisruptionObserver, recoveryFigures, uptimeFigures }
  from '../sim/check/recovery.js';
import type { Evidence, LivenessPhase, Property, Violation, World } from
  '../sim/check/property.js';
import { type AdminOutcome, Operator, OPERATOR } from '../sim/check/operator.js';
import { type AnyProtocol, type ProtocolInstance, protocolNamed, protocols } from
  '../protocols/index.js';
import { limitFailure, resolveLimits, type RunLimits, type Watchdog } from './limits.js';
import { LINEARIZABLE, type NotChecked, selectChecked } from './selection.js';
import { withFailures } from './failures.js';
import { describeIssue } from './problems.js';
import { type NemesisPlan, RuleNemesis } from './fuzz/nemesis.js';
import { COVERAGE_KINDS } from './fuzz/rules.js';

/** Faults struck per protocol phase and fault kind: phase → kind → count. */
export type Coverage = Record<string, Record<string, number>>;
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
  /** Partitions, cuts, bridges and rings as they struck (scheduled, struck or injected). */
  readonly splits: Disruption[];
  /** Faults by phase and kind so far, when the run records coverage. */
  readonly coverage?: Coverage;
  readonly limits: RunLimits;
  /** The run's watchdog, which watches the linearizability check's memory too. */
  readonly watchdog?: Watchdog;
  /** What became of the operator's requests so far (absent when the run has no operator). */
  readonly admin?: () => AdminOutcome[];
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
  /** The clients' history, as the engine recorded it (`faultline run --history` writes it). */
  readonly history: readonly HistoryEvent[];
  /** The name of the model the history is checked against (`kv`), when the protocol has one. */
  readonly historyModel?: string;
  readonly checked: readonly string[];
  readonly notChecked: readonly NotChecked[];
  readonly liveness: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  /** Expectations that were not met, in words; empty when the run passed. */
  readonly failures: readonly string[];
  readonly passed: boolean;
  /** Faults a nemesis struck, in order (empty without one): the schedule to replay it by. */
  readonly struck: readonly ScheduledFault[];
  /** Faults by protocol phase and kind, when the run recorded coverage. */
  readonly coverage?: Coverage;
  /**
   * A liveness or `sometimes` violation that a later safety finding (the history is not
   * linearizable) ranks below: safety is reported first.
   */
  readonly alsoViolated?: Violation;
  /** The operator's requests and what became of each (absent when the run has none). */
  readonly admin?: readonly AdminOutcome[];
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

/**
 * The operator process of a spec (sim/check/operator.ts): present when its schedule asks
 * something of the cluster (`admin` entries) or its nemesis may (membership actions), so a
 * run without one has the lanes it always had.
 */
export function operatorOf(spec: Pick<RunSpec, 'faults'>, nemesis?: NemesisPlan):
NodeId | undefined {
  const asks = spec.faults.some(({ fault }) => fault.kind === 'admin') ||
    (nemesis?.rules.some((rule) => rule.steps.some((s) => MEMBERSHIP_ACTIONS.has(s.action))) ??
      false);
  return asks ? OPERATOR : undefined;
}

/** Rejects an operator's request the protocol cannot carry out (with the entry's path). */
function checkAdmin(spec: RunSpec, protocol: AnyProtocol): void {
  spec.faults.forEach(({ fault }, i) => {
    if (fault.kind !== 'admin') return;
    const ops = protocol.membership?.ops ?? [];
    if (!ops.includes(fault.op)) {
      throw new ConfigError(`faults[${i}].${fault.op}`, ops.length === 0
        ? `an operation ${protocol.name} supports; it has no membership changes`
        : `an operation ${protocol.name} supports (${ops.join(', ')}), got ${fault.op}`);
    }
  });
}

/** Finds a protocol by name or says which exist. */
export function findProtocol(name: string, registry = protocols): AnyProtocol {
  const protocol = protocolNamed(registry, name);
  if (protocol === undefined) {
    const known = Object.keys(registry).sort().join(', ') || 'none';
    throw new ConfigError('protocol', `one of ${known}, got ${JSON.stringify(name)}`);
  }
  return protocol;
}

/** Builds the engine for a spec without running it (the visualizer steps it itself). */
export function prepareRun(input: RunSpec, options: RunOptions = {}, registry = protocols):
PreparedRun {
  // Failures drawn from MTBF and MTTR become ordinary faults before anything else reads them.
  const spec = withFailures(input);
  const protocol = findProtocol(spec.protocol, registry);
  const parsed = protocol.params.safeParse(spec.params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['params', ...(issue?.path ?? []).map(String)].join('.');
    throw new ConfigError(path, issue === undefined ? 'valid parameters'
      : describeIssue(issue, spec.params ?? {}));
  }
  const { servers, clients } = clusterIds(spec);
  checkAdmin(spec, protocol);
  const operator = operatorOf(spec, options.nemesis);
  const setup = { servers, clients, params: parsed.data, workload: spec.workload,
    clientsStopAt: undefined };
  const instance = protocol.setup(setup);
  const live = livenessOf(spec, instance);
  const liveness = live.liveness?.checks.map((c) => c.name) ?? [];
  const { checked, notChecked } = selectChecked(spec, protocol, instance, liveness);
  const disruptions = new DisruptionObserver();
  const splits: Disruption[] = [];
  const view = options.nemesis !== undefined || options.coverage === true
    ? protocol.fuzz?.view(setup) : undefined;
  const coverage: Coverage | undefined = options.coverage === true ? {} : undefined;
  let engine: Engine<unknown> | undefined;
  const nemesis = options.nemesis === undefined || view === undefined ? undefined
    : new RuleNemesis(options.nemesis, {
      view, servers, timescale: (protocol.fuzz as NonNullable<typeof protocol.fuzz>)
        .timescale(parsed.data),
      link: { ...DEFAULT_LINK, ...spec.network },
      windowEnd: spec.expect?.liveness?.after ?? spec.duration,
      damage: options.nemesisDamage === true, damaged: damagedServers(spec.faults),
      corrupted: damagedServers(spec.faults, true),
      ...synchronousBound(protocol, parsed.data),
    });
  const onFault = (fault: Fault, w: World): void => {
    if (DISRUPTIVE_FAULTS.has(fault.kind)) splits.push({ at: w.now, what: describeFault(fault) });
    if (coverage !== undefined && view !== undefined) count(coverage, fault, view.phases(w));
  };
  // One strike function for the run (the nemesis looks after every event): it strikes
  // relative to the moment of the event being observed.
  let watched: World | undefined;
  const strike = (fault: Fault, after = 1): void => {
    if (watched !== undefined) engine?.strike(watched.now + Math.max(1, after), fault);
  };
  // The spec's own limits are part of what is run; the caller's cap applies when it has none.
  const limits = resolveLimits(spec.limits, options.maxEvents);
  const watchdog = options.watchdog?.(limits);
  let operatorProgram: Operator | undefined;
  const program = operator === undefined ? instance.program
    : (id: NodeId) => (id === operator ? operatorProgram = new Operator() : instance.program(id));
  const engineConfig: EngineConfig<unknown> = {
    seed: spec.seed, servers, clients, program,
    ...(operator === undefined ? {} : { operator }),
    ...(spec.network === undefined ? {} : { network: spec.network }),
    ...(spec.clocks === undefined ? {} : { clocks: spec.clocks }),
    ...(spec.disk === undefined ? {} : { disk: spec.disk }),
    ...(spec.ties === undefined ? {} : { ties: spec.ties }),
    faults: spec.faults,
    trace: options.trace ?? 'memory',
    maxEvents: limits.events,
    ...(watchdog === undefined ? {} : { watchdog }),
    ...(options.traceSink === undefined ? {} : { traceSink: options.traceSink }),
    properties: instance.properties.filter((p: Property) => checked.includes(p.name)),
    observers: [(w) => disruptions.observe(w),
      ...(instance.observe === undefined ? [] : [(w: World) => instance.observe?.(w)]),
      ...(nemesis === undefined ? [] : [(w: World) => {
        watched = w;
        nemesis.observe(w, strike);
      }])],
    faultObservers: [onFault],
    ...live,
  };
  engine = new Engine(engineConfig);
  return { spec, protocol, instance, engine, checked, notChecked, liveness, disruptions, splits,
    limits, ...(coverage === undefined ? {} : { coverage }),
    ...(watchdog === undefined ? {} : { watchdog }),
    ...(operator === undefined ? {} : { admin: () => operatorProgram?.outcomes() ?? [] }) };
}

/** Runs a spec to its duration and judges it. */
export function runSpec(spec: RunSpec, options: RunOptions = {}, registry = protocols): RunReport {
  const prepared = prepareRun(spec, options, registry);
  prepared.engine.run(spec.duration);
  return judge(prepared, options);
}

/** Ends a prepared run that was stepped elsewhere and judges it. */
export function judge(prepared: PreparedRun, options: RunOptions = {}): RunReport {
  const { spec, engine, instance, checked, notChecked, liveness, watchdog } = prepared;
  const result = engine.end();
  let violation = result.violation;
  let alsoViolated: Violation | undefined;
  let linearizability: LinearizabilityResult | undefined;
  // A run stopped by liveness still has a history: a safety finding in it comes first.
  const unsafe = violation !== undefined && (violation.kind === 'safety' || violation.kind === 'error');
  // A run the machine stopped has spent its memory or time: the check would spend more.
  const machineStopped = result.outcome === 'memory-limit' || result.outcome === 'time-limit';
  if (!unsafe && !machineStopped && result.outcome !== 'event-limit' &&
    checked.includes(LINEARIZABLE) && instance.model !== undefined) {
    linearizability = checkHistory(instance.model, engine.history, {
      ...(options.checkBudgetMs === undefined ? {} : { timeBudgetMs: options.checkBudgetMs }),
      ...(options.checkMaxSteps === undefined ? {} : { maxSteps: options.checkMaxSteps }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(watchdog === undefined ? {} : { overMemory: () => watchdog() === 'memory-limit' }),
    });
    if (linearizability.verdict === 'not-linearizable') {
      alsoViolated = violation;
      const evidence = operationEvidence(engine, linearizability.violation?.operations ?? [],
        linearizability.violation?.unknownOperations ?? []);
      violation = { name: LINEARIZABLE, kind: 'safety', index: result.events - 1, time: result.time,
        explanation: linearizability.violation?.explanation ?? 'the history is not linearizable',
        ...(evidence.length === 0 ? {} : { evidence }) };
    }
  }
  const own = instance.metrics(engine);
  const shared = sharedFigures(prepared, result);
  const clash = Object.keys(own).filter((name) => name in shared);
  if (clash.length > 0) {
    // One definition of each shared figure (docs/metrics.md): a protocol's own figure under a
    // shared name would be silently replaced, so this is the protocol's mistake, not input's.
    throw new Error(`${spec.protocol}: its own figures ${clash.join(', ')} bear the names of ` +
      'shared figures (docs/metrics.md); give them their own names');
  }
  const metrics = { ...own, ...shared };
  const failures = expectationFailures(spec, result, violation, linearizability, metrics,
    prepared.limits);
  return {
    name: spec.name, protocol: spec.protocol, seed: String(spec.seed), result,
    ...(violation === undefined ? {} : { violation }),
    ...(alsoViolated === undefined ? {} : { alsoViolated }),
    ...(linearizability === undefined ? {} : { linearizability }),
    history: engine.history,
    ...(instance.model === undefined ? {} : { historyModel: instance.model.name }),
    checked: machineStopped ? checked.filter((name) => name !== LINEARIZABLE) : checked,
    notChecked, liveness, metrics, failures, passed: failures.length === 0,
    struck: [...engine.struck],
    ...(prepared.coverage === undefined ? {} : { coverage: prepared.coverage }),
    ...(prepared.admin === undefined ? {} : { admin: prepared.admin() }),
  };
}

/**
 * The shared figures (sim/check/recovery.ts): the servers' running time for every run, and for
 * a protocol with a client history availability, RTO, RPO, stale reads, latency and messages:
 * disruptions are the crashes and pauses the observer saw and the partitions, bridges, rings
 * and cuts that struck, scheduled or struck by a nemesis (the engine runs none after the
 * liveness phase began).
 */
function sharedFigures(prepared: PreparedRun, result: RunResult): Record<string, number> {
  const { engine, instance, disruptions, splits } = prepared;
  const uptime = disruptions.uptime(result.time, engine.servers.length);
  if (!engine.history.some((event) => event.type === 'invoke')) return uptimeFigures(uptime);
  const lost = instance.lostWrites?.(engine);
  return recoveryFigures({ history: engine.history, end: result.time,
    disruptions: [...disruptions.disruptions, ...splits], messages: engine.messagesSent, uptime,
    ...(lost === undefined ? {} : { lost }) });
}

/**
 * The linearizability checker's minimal set as evidence: each operation from its invoke to its
 * completion (or, with an unknown outcome, its invoke alone), located in the trace by the
 * history index its records carry. Empty when the trace was not kept.
 */
function operationEvidence(engine: Engine<unknown>, known: readonly Operation[],
  unknown: readonly Operation[]): Evidence[] {
  const trace = engine.trace;
  if (trace.storedLength === 0) return [];
  // Operation ids number invocations in history order; a completion is the next event of
  // the same process.
  const calls: HistoryEvent[] = [];
  const completion = new Map<number, HistoryEvent>();
  const open = new Map<string, HistoryEvent>();
  for (const event of engine.history) {
    if (event.type === 'invoke') {
      calls.push(event);
      open.set(event.process, event);
    } else {
      const call = open.get(event.process);
      if (call !== undefined) completion.set(call.index, event);
      open.delete(event.process);
    }
  }
  const traceIndex = new Map<number, number>();
  for (let i = 0; i < trace.storedLength; i++) {
    const r = trace.record(i);
    if (r.kind !== 'invoke' && r.kind !== 'ok' && r.kind !== 'fail' && r.kind !== 'info') continue;
    const h = (r.data as HistoryEvent | undefined)?.index;
    if (typeof h === 'number') traceIndex.set(h, i);
  }
  const out: Evidence[] = [];
  for (const op of [...known, ...unknown]) {
    const call = calls[op.id];
    const start = call === undefined ? undefined : traceIndex.get(call.index);
    if (call === undefined || start === undefined) continue;
    const done = completion.get(call.index);
    const end = done === undefined ? undefined : traceIndex.get(done.index);
    const what = `${op.process} ${op.f}${op.key === undefined ? '' : ` ${op.key}`} ${
      JSON.stringify(op.input)}`;
    const result = op.outcome === 'ok' ? ` → ${JSON.stringify(op.output)}`
      : op.outcome === 'info' ? ', outcome unknown' : ` fails (${op.error ?? 'definite'})`;
    out.push(end === undefined || done === undefined
      ? { index: start, time: call.time, node: op.process, label: `${what}${result}` }
      : { index: end, time: done.time, node: op.process, label: `${what}${result}`,
        from: { index: start, time: call.time } });
  }
  return out.sort((a, b) => (a.from?.index ?? a.index) - (b.from?.index ?? b.index));
}

/** Adds a fault that struck in `phases` to the coverage matrix (repairs are not counted). */
function count(coverage: Coverage, fault: Fault, phases: readonly string[]): void {
  if (!(COVERAGE_KINDS as readonly string[]).includes(fault.kind)) return;
  for (const phase of phases.length === 0 ? [IDLE_PHASE] : phases) {
    const row = (coverage[phase] ??= {});
    row[fault.kind] = (row[fault.kind] ?? 0) + 1;
  }
}

/** Servers whose records a schedule damages (torn writes, corruption), or corrupts only. */
export function damagedServers(faults: readonly ScheduledFault[], corruptOnly = false): NodeId[] {
  const damaged = new Set<NodeId>();
  for (const { fault } of faults) {
    if ((fault.kind === 'crash' && fault.tear === true && !corruptOnly) ||
      (fault.kind === 'disk' && fault.fault === 'corrupt')) damaged.add(fault.node);
  }
  return [...damaged];
}

/** The delay bound of the synchronous model a run honours, if its parameters switch it on. */
function synchronousBound(protocol: AnyProtocol, params: unknown): { bound?: number } {
  const model = protocol.fuzz?.synchronous;
  if (model === undefined) return {};
  const on = (params as Record<string, unknown>)[model.param] === true;
  return on ? { bound: model.bound(params) } : {};
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
  limits: RunLimits,
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
  const limit = limitFailure(result.outcome, limits);
  if (limit !== undefined) failures.push(limit);
  if (linearizability?.verdict === 'unknown') {
    failures.push(`linearizability undetermined: the checker ran out of ${linearizability.exhausted}`);
  }
  for (const [name, bound] of Object.entries(spec.expect?.metrics ?? {})) {
    const value = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    if (value === undefined) failures.push(`metric ${name} was not measured`);
    else if (bound.min !== undefined && value < bound.min) failures.push(`${name} = ${value} < ${bound.min}`);
    else if (bound.max !== undefined && value > bound.max) failures.push(`${name} = ${value} > ${bound.max}`);
  }
  return failures;
}
