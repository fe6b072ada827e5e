/**
 * The discrete-event engine. It owns time, IO and chance: one event queue ordered by
 * (true time, insertion), one seeded PRNG root, the nodes' clocks and disks, the network and
 * the fault schedule. Protocol code only reacts (see node.ts). One seed and one
 * configuration give one run, event for event, in Node and in the browser.
 *
 * A run: every node starts at t = 0, then the engine pops events in order (a delivery, a
 * timer, a completed sync, a fault) and hands each to the node it concerns, recording one
 * trace record per event and per effect. After each event it checks the run's properties; the
 * first `always` violation stops the run. An optional liveness phase heals everything at a
 * given time and requires its checks to hold within a settle time.
 *
 * The engine asserts its own invariants (no handler on a crashed or paused node, no delivery
 * across a cut link, no timer of a dead incarnation) and every run is bounded: a run that
 * reaches `maxEvents` stops with outcome `event-limit` rather than hanging. Bounds the engine
 * cannot see (memory, wall-clock time) belong to a `watchdog` its caller supplies: asked every
 * `WATCHDOG_EVERY` events, it can stop the run with `memory-limit` or `time-limit`.
 */
import { assert, AssertionError, ConfigError } from './assert.js';
import { Clock, type ClockConfig, validateClock } from './clock.js';
import { SimDisk } from './disk.js';
import { describeFault, type Fault, type ScheduledFault, validateFault } from './faults.js';
import { type Latency, sampleLatency, validateLatency } from './latency.js';
import { type NetworkConfig, Network } from './network.js';
import type { NodeContext, ProgramFactory } from './node.js';
import { type Prng, PrngRoot, type Seed } from './prng.js';
import { EventQueue } from './queue.js';
import { Trace, type TraceLevel } from './trace.js';
import type { Micros, NodeId } from './types.js';
import { NodeHost, type TimerEvent } from './_internal/host.js';
import { applyFault, healEverything } from './_internal/applyFault.js';
import { makeContext } from './_internal/context.js';
import type { HistoryEvent } from './check/history.js';
import type { Evidence, LivenessPhase, Property, Violation, World } from './check/property.js';

/** Everything a run needs. Only `seed`, `servers` and `program` are required. */
export interface EngineConfig<M> {
  readonly seed: Seed;
  readonly servers: readonly NodeId[];
  readonly clients?: readonly NodeId[];
  /**
   * The operator process, when the schedule asks anything of the cluster (`admin` faults):
   * the engine hands it each request as a message from itself (sim/check/operator.ts). It is
   * neither a server nor a workload client, and no fault strikes it.
   */
  readonly operator?: NodeId;
  /** Builds the program of a server or client, at boot and at every restart. */
  readonly program: ProgramFactory<M>;
  readonly network?: NetworkConfig;
  readonly clocks?: Readonly<Record<NodeId, ClockConfig>>;
  readonly disk?: { readonly syncLatency?: Latency };
  readonly trace?: TraceLevel;
  /** Receives each JSON line when `trace` is `full`. */
  readonly traceSink?: (line: string) => void;
  /** Equal-time events run in insertion order (`fifo`, default) or in a seeded random order. */
  readonly ties?: 'fifo' | 'shuffle';
  readonly maxEvents?: number;
  /**
   * Asked every `WATCHDOG_EVERY` events whether the run must stop for a reason outside the
   * simulation, which it names. It reads the machine, not the run, so a run it stops does not
   * replay exactly (runner/limits.ts).
   */
  readonly watchdog?: () => MachineLimit | undefined;
  /** Messages a paused node can buffer; beyond it they are dropped. */
  readonly pauseBuffer?: number;
  readonly faults?: readonly ScheduledFault[];
  readonly properties?: readonly Property[];
  /**
   * Called after every event, before the properties, whichever properties a run selects:
   * protocols measure their metrics here. An observer reads the world and changes nothing.
   */
  readonly observers?: readonly ((world: World) => void)[];
  /**
   * Called when a fault is about to be applied (not the liveness phase's repairs, not a fault
   * it ignores), with the world as it is before the fault: fuzz campaigns record which fault
   * struck in which protocol phase here. It reads and changes nothing.
   */
  readonly faultObservers?: readonly ((fault: Fault, world: World) => void)[];
  readonly liveness?: LivenessPhase;
}

/** A limit of the machine that ended a run: its memory or its wall-clock time. */
export type MachineLimit = 'memory-limit' | 'time-limit';

/** How a run ended. */
export type Outcome = 'ok' | 'violation' | 'error' | 'event-limit' | MachineLimit;

/** The summary of a run. */
export interface RunResult {
  readonly seed: string;
  readonly outcome: Outcome;
  readonly violation?: Violation;
  /** Trace events recorded. */
  readonly events: number;
  /** True time reached. */
  readonly time: Micros;
  readonly hash: string;
  /** Faults applied, by kind. */
  readonly faults: Readonly<Record<string, number>>;
}

/** Internal events. `arrived` marks a delivery replayed after a pause (already received). */
export type SimEvent =
  | {
      k: 'deliver'; from: NodeHost; to: NodeHost; id: number; msg: unknown;
      /** The message's trace tag, found once at the send. */
      tag: string | undefined; arrived: boolean;
    }
  | TimerEvent
  | { k: 'sync'; host: NodeHost; inc: number; upTo: number }
  | { k: 'fault'; fault: Fault }
  | { k: 'start'; node: NodeId }
  | { k: 'heal' }
  | { k: 'deadline' };

export const DEFAULT_MAX_EVENTS = 50_000_000;
/** Engine events between two questions to the watchdog. */
export const WATCHDOG_EVERY = 4_096;
export const DEFAULT_PAUSE_BUFFER = 10_000;
export const DEFAULT_SYNC_LATENCY: Latency = { dist: 'uniform', min: 200, max: 1_000 };
const MAX_QUEUED_EVENTS = 20_000_000;
/** Strikes one run may make; their ties are fractions between two scheduled ties. */
const STRIKE_TIE_SLOTS = 2 ** 20;

/** A simulation run in progress. It is also the `World` that properties read. */
export class Engine<M = unknown> implements World {
  readonly prng: PrngRoot;
  readonly network: Network;
  readonly trace: Trace;
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  /** The operator process, if the run has one (see `EngineConfig.operator`). */
  readonly operator: NodeId | undefined;
  readonly history: HistoryEvent[] = [];
  readonly faultCounts: Record<string, number> = {};
  /** Message ids a `drop` fault named: lost in flight, every copy, when they would arrive. */
  private readonly droppedMessages = new Set<number>();
  private readonly queue = new EventQueue<SimEvent>();
  private readonly hosts = new Map<NodeId, NodeHost>();
  private readonly config: EngineConfig<M>;
  private time: Micros = 0;
  private nextMessageId = 0;
  private stopped: { outcome: Outcome; violation?: Violation } | undefined;
  private healed = false;
  /** The liveness phase's start, the evidence of a liveness violation. */
  private healedAt: Evidence | undefined;
  private readonly pendingSometimes: Set<string>;
  private readonly pendingLiveness = new Set<string>();
  private readonly maxEvents: number;
  /** Steps left until the watchdog is asked again. */
  private untilWatchdog = WATCHDOG_EVERY;
  /** Whether anything is checked after events (skips the call on the hot path otherwise). */
  private readonly checking: boolean;
  private readonly observers: readonly ((world: World) => void)[];
  private readonly faultObservers: readonly ((fault: Fault, world: World) => void)[];
  private readonly properties: readonly Property[];
  /**
   * The tie of the last event queued while the engine was built (starts and scheduled faults):
   * `strike` orders its faults just after it, as if they had been in the schedule.
   */
  private readonly scheduledTie: number;
  /** Faults `strike` queued, in order: the run's nemesis, as a plain schedule. */
  private readonly strikes: ScheduledFault[] = [];
  /** `World.changed`: a new array after each check, so a reader may keep the one it got. */
  private changedNodes: NodeId[] = [];
  /** Numbers the checks, so `touch` lists a node once between two checks. */
  private checkEpoch = 0;

  constructor(config: EngineConfig<M>) {
    this.config = config;
    this.servers = config.servers;
    this.clients = config.clients ?? [];
    this.operator = config.operator;
    validateEngineConfig(config);
    this.prng = new PrngRoot(config.seed);
    this.network = new Network(this.servers, this.prng, config.network);
    const ids = engineIds(config);
    this.trace = new Trace(config.trace ?? 'memory', ids, config.traceSink);
    for (const id of ids) this.hosts.set(id, this.makeHost(id));
    for (const id of ids) this.push(0, { k: 'start', node: id });
    for (const { at, fault } of config.faults ?? []) this.push(at, { k: 'fault', fault });
    this.scheduledTie = this.queue.inserted - 1;
    const live = config.liveness;
    if (live !== undefined) {
      this.push(live.healAt, { k: 'heal' });
      this.push(live.healAt + live.settle, { k: 'deadline' });
    }
    this.maxEvents = config.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.observers = config.observers ?? [];
    this.properties = config.properties ?? [];
    this.faultObservers = config.faultObservers ?? [];
    this.checking = this.properties.length > 0 || live !== undefined || this.observers.length > 0;
    this.pendingSometimes = new Set(
      (config.properties ?? []).filter((p) => p.kind === 'sometimes').map((p) => p.name),
    );
  }

  get now(): Micros {
    return this.time;
  }

  get eventIndex(): number {
    return this.trace.length - 1;
  }

  get seed(): string {
    return String(this.config.seed);
  }

  get changed(): readonly NodeId[] {
    return this.changedNodes;
  }

  /** When the next event runs (Infinity when none is queued): `step` runs it. */
  get nextEventTime(): Micros {
    return this.queue.peekTime();
  }

  /** Messages sent so far, by servers and clients (each send, whatever became of it). */
  get messagesSent(): number {
    return this.nextMessageId;
  }

  /** True once the run stopped (violation, error or event limit). */
  get isStopped(): boolean {
    return this.stopped !== undefined;
  }

  /** Runs events up to and including time `until` (or until the queue empties or it stops). */
  run(until: Micros = Infinity): RunResult {
    while (this.stopped === undefined && this.queue.peekTime() <= until) this.step();
    if (this.stopped === undefined && Number.isFinite(until)) this.time = Math.max(this.time, until);
    return this.finish();
  }

  /** Runs the next event. Returns false when nothing is left or the run has stopped. */
  step(): boolean {
    if (this.stopped !== undefined) return false;
    const at = this.queue.peekTime();
    const event = this.queue.pop();
    if (event === undefined) return false;
    const before = this.trace.length;
    try {
      if (at < this.time) throw new AssertionError(`time went backwards: ${at} < ${this.time}`);
      this.time = at;
      this.dispatch(event);
      if (this.checking && this.trace.length > before) this.checkProperties();
    } catch (error) {
      if (!(error instanceof AssertionError || error instanceof Error)) throw error;
      this.violate(error instanceof AssertionError ? 'assertion' : error.name, 'error',
        `${error.message}\n${error.stack ?? ''}`);
    }
    if (this.stopped === undefined && this.trace.length >= this.maxEvents) {
      this.stopped = { outcome: 'event-limit' };
    }
    if (--this.untilWatchdog === 0) this.askWatchdog();
    return true;
  }

  /**
   * Runs at most `steps` events up to time `until`. Returns whether any are left to run by
   * then; `run(until)` ends the run after the last slice. A caller that hands control back
   * between slices (to notice a signal or a click) gets the run that `run(until)` gives.
   */
  advance(until: Micros, steps: number): boolean {
    for (let k = 0; k < steps; k++) {
      if (this.stopped !== undefined || this.queue.peekTime() > until) return false;
      this.step();
    }
    return this.stopped === undefined && this.queue.peekTime() <= until;
  }

  /** Applies a fault now (the visualizer's "crash this node" button). */
  inject(fault: Fault): void {
    this.schedule(this.time, fault);
  }

  /** Schedules a fault at true time `at` (not in the past). */
  schedule(at: Micros, fault: Fault): void {
    this.validateLater(fault);
    if (!(Number.isInteger(at) && at >= this.time)) {
      throw new ConfigError('fault.at', `a time not before now (${this.time} µs), got ${at}`);
    }
    this.push(at, { k: 'fault', fault });
  }

  /**
   * Queues a fault at true time `at`, after now, ordered among equal-time events exactly as if
   * it had been in the run's schedule from the start (before every event queued while running,
   * after the scheduled faults and earlier strikes). So a run whose nemesis strikes as it
   * watches replays event for event from a schedule holding its faults and `struck`, with no
   * nemesis: a counterexample is written that way. Under `ties: shuffle` the replay is not
   * exact (the scheduled faults' ties are drawn at random).
   */
  strike(at: Micros, fault: Fault): void {
    this.validateLater(fault);
    if (!(Number.isInteger(at) && at > this.time)) {
      throw new ConfigError('fault.at', `a time after now (${this.time} µs), got ${at}`);
    }
    assert(this.strikes.length < STRIKE_TIE_SLOTS, 'too many strikes in one run');
    this.queue.push(at, { k: 'fault', fault },
      this.scheduledTie + (this.strikes.length + 1) / STRIKE_TIE_SLOTS);
    this.strikes.push({ at, fault });
  }

  /** Checks a fault added while the run goes on, as the schedule's are checked at the start. */
  private validateLater(fault: Fault): void {
    validateFault(fault, new Set(this.hosts.keys()), 'fault');
    if (fault.kind === 'admin' && this.operator === undefined) {
      throw new ConfigError('fault', 'an operator process to ask (this run has none)');
    }
  }

  /** The faults `strike` queued so far, in the order they were struck. */
  get struck(): readonly ScheduledFault[] {
    return this.strikes;
  }

  /** The summary so far. Checks `sometimes` properties when the run ended normally. */
  finish(): RunResult {
    if (this.stopped === undefined && this.pendingSometimes.size > 0 && this.queue.size === 0) {
      this.failSometimes();
    }
    const stopped = this.stopped;
    return {
      seed: this.seed,
      outcome: stopped?.outcome ?? 'ok',
      ...(stopped?.violation === undefined ? {} : { violation: stopped.violation }),
      events: this.trace.length,
      time: this.time,
      hash: this.trace.hash(),
      faults: { ...this.faultCounts },
    };
  }

  /** Ends the run as if its time were up: reports `sometimes` properties that never held. */
  end(): RunResult {
    if (this.stopped === undefined && this.pendingSometimes.size > 0) this.failSometimes();
    return this.finish();
  }

  program(id: NodeId) {
    return this.host(id).program;
  }

  isUp(id: NodeId): boolean {
    return this.host(id).up;
  }

  isPaused(id: NodeId): boolean {
    return this.host(id).paused;
  }

  disk(id: NodeId): SimDisk {
    return this.host(id).disk;
  }

  clock(id: NodeId): Clock {
    return this.host(id).clock;
  }

  /** A node's local time now. */
  localTime(id: NodeId): Micros {
    return this.host(id).clock.local(this.time);
  }

  /** A node's monotonic clock now (its local time without steps). */
  monotonicTime(id: NodeId): Micros {
    return this.host(id).clock.monotonic(this.time);
  }

  /** Pending timers of a node: name and true firing time, sorted by name. */
  timers(id: NodeId): { name: string; at: Micros }[] {
    return [...this.host(id).timers.values()].map(({ name, at }) => ({ name, at }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** @internal The host of a node; for the context and fault code. */
  host(id: NodeId): NodeHost {
    const host = this.hosts.get(id);
    if (host === undefined) throw new AssertionError(`unknown node ${id}`);
    return host;
  }

  /**
   * @internal An `admin` fault: the operator process receives the request as a message from
   * itself, now (a local delivery, reliable, traced like any other).
   */
  command(fault: Extract<Fault, { kind: 'admin' }>): void {
    assert(this.operator !== undefined, 'an admin request without an operator process');
    const host = this.host(this.operator);
    this.transmit(host, host, { type: 'AdminCommand', op: fault.op, node: fault.node });
  }

  /** @internal A `drop` fault: message `id` is lost in flight (see sim/faults.ts). */
  dropMessage(id: number): void {
    this.droppedMessages.add(id);
  }

  /**
   * @internal Notes that a node's state may have changed (see `World.changed`). Nothing is
   * listed when nothing is checked, so the list cannot grow without end.
   */
  touch(host: NodeHost): void {
    if (!this.checking || host.touchedInEpoch === this.checkEpoch) return;
    host.touchedInEpoch = this.checkEpoch;
    this.changedNodes.push(host.id);
  }

  /** @internal Queues an event, breaking time ties by insertion order or by the PRNG. */
  push(time: Micros, event: SimEvent): void {
    if (this.queue.size >= MAX_QUEUED_EVENTS) throw new AssertionError('event queue bound reached');
    if (time < this.time) throw new AssertionError(`event scheduled in the past: ${time}`);
    if (this.config.ties === 'shuffle') {
      const high = this.prng.stream('ties').int(0, 0xfffff);
      this.queue.push(time, event, high * 2 ** 32 + this.queue.inserted);
    } else {
      this.queue.push(time, event);
    }
  }

  /** @internal Sends a message from a node now: traced, then lost, dropped or queued. */
  transmit(from: NodeHost, to: NodeHost, msg: unknown): void {
    const id = this.nextMessageId++;
    const tag = messageTag(msg);
    this.trace.add(this.time, 'send', from.index, to.index, id, tag, msg);
    if (from === to) {
      this.push(this.time, { k: 'deliver', from, to, id, msg, tag, arrived: true });
      return;
    }
    if (this.network.isCut(from.id, to.id)) {
      this.trace.add(this.time, 'drop', to.index, from.index, id, 'partition');
      return;
    }
    const network = this.network;
    const at = network.transmit(from.id, to.id, this.time, msg);
    if (at < 0) {
      this.trace.add(this.time, 'drop', to.index, from.index, id, 'loss');
      return;
    }
    const duplicate = network.duplicateArrival;
    this.push(at, { k: 'deliver', from, to, id, msg, tag, arrived: false });
    if (duplicate >= 0) this.push(duplicate, { k: 'deliver', from, to, id, msg, tag, arrived: false });
  }

  /** @internal Crashes a node: its program and volatile state are gone. */
  crash(id: NodeId, cause: string, tear = false): void {
    const host = this.host(id);
    if (!host.up) return;
    this.touch(host);
    host.reset();
    const lost = host.disk.crash(tear);
    this.trace.add(this.time, 'crash', host.index, -1, -1, cause, lost);
  }

  /** @internal Boots a node (at start or restart) and runs its `start` handler. */
  boot(id: NodeId, kind: 'start' | 'restart'): void {
    const host = this.host(id);
    if (host.up) return;
    this.touch(host);
    host.program = this.config.program(id) as typeof host.program;
    host.context = makeContext(this, host) as NodeContext<unknown>;
    const context = host.context;
    this.trace.add(this.time, kind, host.index);
    const program = host.enter();
    try {
      program.start(context);
    } finally {
      host.exit();
    }
  }

  /** @internal Resumes a paused node and replays what reached it meanwhile. */
  resume(id: NodeId): void {
    const host = this.host(id);
    if (!host.paused) return;
    this.touch(host);
    host.paused = false;
    this.trace.add(this.time, 'resume', host.index);
    const deferred = host.deferred as SimEvent[];
    host.deferred = [];
    host.deferredMessages = 0;
    for (const event of deferred) this.push(this.time, event);
  }

  private makeHost(id: NodeId): NodeHost {
    const host = new NodeHost(id, this.trace.indexOf(id), this.servers.includes(id),
      new Clock(this.config.clocks?.[id]), new SimDisk());
    const latency = this.config.disk?.syncLatency ?? DEFAULT_SYNC_LATENCY;
    // Looked up at the first sync, not per sync: naming a stream builds and hashes a string.
    let stream: Prng | undefined;
    host.disk.onSyncRequest = (upTo) => {
      stream ??= this.prng.stream(`disk/${id}`);
      const done = Math.max(this.time + sampleLatency(latency, stream), host.lastSyncDone);
      host.lastSyncDone = done;
      this.trace.add(this.time, 'sync', host.index, -1, -1, undefined, { upTo });
      this.push(done, { k: 'sync', host, inc: host.incarnation, upTo });
    };
    return host;
  }

  private dispatch(event: SimEvent): void {
    switch (event.k) {
      case 'deliver':
        return this.deliver(event);
      case 'timer':
        return this.fireTimer(event);
      case 'sync':
        return this.completeSync(event);
      case 'fault':
        if (this.healed) return this.ignoreFault(event.fault);
        this.faultCounts[event.fault.kind] = (this.faultCounts[event.fault.kind] ?? 0) + 1;
        for (const observe of this.faultObservers) observe(event.fault, this);
        return applyFault(this, event.fault);
      case 'start':
        return this.boot(event.node, 'start');
      case 'heal':
        return this.heal();
      case 'deadline':
        return this.livenessDeadline();
    }
  }

  private deliver(event: Extract<SimEvent, { k: 'deliver' }>): void {
    const { from, to: host, id } = event;
    if (this.droppedMessages.size > 0 && this.droppedMessages.has(id)) {
      this.trace.add(this.time, 'drop', host.index, from.index, id, 'fault');
      return;
    }
    if (!event.arrived && this.network.isCut(from.id, host.id)) {
      this.trace.add(this.time, 'drop', host.index, from.index, id, 'partition-in-flight');
      return;
    }
    if (!host.up) {
      this.trace.add(this.time, 'drop', host.index, from.index, id, 'node-down');
      return;
    }
    if (host.paused) {
      if (host.deferredMessages >= (this.config.pauseBuffer ?? DEFAULT_PAUSE_BUFFER)) {
        this.trace.add(this.time, 'drop', host.index, from.index, id, 'pause-buffer-full');
        return;
      }
      host.deferredMessages++;
      host.deferred.push({ ...event, arrived: true });
      return;
    }
    this.trace.add(this.time, 'deliver', host.index, from.index, id, event.tag, event.msg);
    this.touch(host);
    const program = host.enter();
    try {
      program.onMessage(host.context as NodeContext<unknown>, from.id, event.msg);
    } finally {
      host.exit();
    }
  }

  private fireTimer(event: TimerEvent): void {
    const host = event.host;
    // A crash clears the timers, so an event of a dead incarnation or a replaced or cancelled
    // timer is no longer the one in the map.
    if (host.timers.get(event.name) !== event) return;
    if (host.paused) {
      host.deferred.push(event);
      return;
    }
    host.timers.delete(event.name);
    this.trace.add(this.time, 'timer', host.index, -1, -1, event.name);
    this.touch(host);
    const program = host.enter();
    host.firing = event;
    try {
      program.onTimer(host.context as NodeContext<unknown>, event.name);
    } finally {
      host.firing = undefined;
      host.exit();
    }
  }

  private completeSync(event: Extract<SimEvent, { k: 'sync' }>): void {
    const host = event.host;
    if (host.incarnation !== event.inc) return; // the crash already lost these writes
    if (host.paused) {
      host.deferred.push(event);
      return;
    }
    this.touch(host);
    if (host.failNextSync) {
      host.failNextSync = false;
      this.crash(host.id, 'sync-failed');
      return;
    }
    host.disk.completeSync(event.upTo);
    this.trace.add(this.time, 'synced', host.index, -1, -1, undefined,
      { upTo: event.upTo });
    for (const held of host.releasable(event.upTo)) this.transmit(host, held.to, held.msg);
  }

  /** The liveness phase runs no further faults; the trace says so, so nothing is silent. */
  private ignoreFault(fault: Fault): void {
    this.trace.add(this.time, 'fault', -1, -1, -1, 'ignored',
      { ...fault, text: `${describeFault(fault)}: ignored, the liveness phase has begun` });
  }

  private heal(): void {
    this.healedAt = { index: this.trace.add(this.time, 'phase', -1, -1, -1, 'liveness'),
      time: this.time, label: 'everything heals: the liveness phase begins' };
    healEverything(this);
    this.healed = true;
    for (const check of this.config.liveness?.checks ?? []) this.pendingLiveness.add(check.name);
  }

  private livenessDeadline(): void {
    const live = this.config.liveness;
    assert(live !== undefined, 'deadline without a liveness phase');
    this.checkProperties();
    for (const check of live.checks) {
      if (this.pendingLiveness.has(check.name)) {
        this.violate(check.name, 'liveness',
          `${check.explain} (not within ${live.settle / 1000} ms after the heal at ` +
            `${live.healAt / 1000} ms)`, this.healedAt === undefined ? undefined : [this.healedAt]);
        return;
      }
    }
  }

  private checkProperties(): void {
    try {
      this.runChecks();
    } finally {
      if (this.changedNodes.length > 0) this.changedNodes = [];
      this.checkEpoch++;
    }
  }

  private runChecks(): void {
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) (observers[i] as (world: World) => void)(this);
    const properties = this.properties;
    for (let i = 0; i < properties.length; i++) {
      const property = properties[i] as Property;
      if (property.kind === 'always') {
        const problem = property.check(this);
        if (problem !== undefined) {
          return this.violate(property.name, 'safety', problem, property.evidence?.(this));
        }
      } else if (this.pendingSometimes.size > 0 && this.pendingSometimes.has(property.name) &&
        property.holds(this)) {
        this.pendingSometimes.delete(property.name);
      }
    }
    if (this.pendingLiveness.size > 0) {
      for (const check of this.config.liveness?.checks ?? []) {
        if (this.pendingLiveness.has(check.name) && check.holds(this)) {
          this.pendingLiveness.delete(check.name);
        }
      }
    }
  }

  private askWatchdog(): void {
    this.untilWatchdog = WATCHDOG_EVERY;
    const limit = this.config.watchdog?.();
    if (limit !== undefined && this.stopped === undefined) this.stopped = { outcome: limit };
  }

  private failSometimes(): void {
    for (const property of this.config.properties ?? []) {
      if (property.kind === 'sometimes' && this.pendingSometimes.has(property.name)) {
        return this.violate(property.name, 'sometimes', property.explain);
      }
    }
  }

  private violate(name: string, kind: Violation['kind'], explanation: string,
    evidence?: Violation['evidence']): void {
    const violation: Violation = { name, kind, index: this.eventIndex, time: this.time, explanation,
      ...(evidence === undefined || evidence.length === 0 ? {} : { evidence }) };
    this.trace.add(this.time, 'violation', -1, -1, -1, name, violation);
    this.stopped = { outcome: kind === 'error' ? 'error' : 'violation', violation };
  }
}

/** The `type` field of a message, used as its trace tag. */
export function messageTag(msg: unknown): string | undefined {
  if (typeof msg === 'object' && msg !== null && 'type' in msg) {
    return String((msg as { type: unknown }).type);
  }
  return undefined;
}

/** Every node of a run: servers, clients, then the operator if there is one. */
function engineIds<M>(config: EngineConfig<M>): NodeId[] {
  return [...config.servers, ...(config.clients ?? []),
    ...(config.operator === undefined ? [] : [config.operator])];
}

function validateEngineConfig<M>(config: EngineConfig<M>): void {
  const ids = engineIds(config);
  if (config.servers.length === 0) throw new ConfigError('nodes', 'at least one server');
  const seen = new Set<NodeId>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ConfigError(`nodes[${i}]`, `${id} is listed twice`);
    seen.add(id);
  });
  if (ids.length > 30_000) throw new ConfigError('nodes', 'at most 30000 nodes and clients');
  for (const [id, clock] of Object.entries(config.clocks ?? {})) {
    if (!seen.has(id)) throw new ConfigError(`clocks.${id}`, `a node of this cluster`);
    validateClock(clock, `clocks.${id}`);
  }
  if (config.disk?.syncLatency !== undefined) {
    validateLatency(config.disk.syncLatency, 'disk.syncLatency');
  }
  (config.faults ?? []).forEach(({ at, fault }, i) => {
    if (!(Number.isInteger(at) && at >= 0)) {
      throw new ConfigError(`faults[${i}].at`, `a non-negative integer time in µs, got ${at}`);
    }
    validateFault(fault, seen, `faults[${i}]`);
    if (fault.kind === 'admin' && config.operator === undefined) {
      throw new ConfigError(`faults[${i}]`, 'an operator process to ask (EngineConfig.operator)');
    }
    if (fault.kind === 'admin' && !config.servers.includes(fault.node)) {
      throw new ConfigError(`faults[${i}].node`, `a server, got ${fault.node}`);
    }
  });
  const live = config.liveness;
  if (live !== undefined && !(live.healAt >= 0 && live.settle > 0)) {
    throw new ConfigError('liveness', 'healAt >= 0 and settle > 0');
  }
}
