/**
 * The discrete-event engine. It owns time, IO and chance: one event queue ordered by
 * (true time, insertion), one seeded PRNG root, the nodes' clocks and disks, the network and
 * the fault schedule. Protocol code only reacts (see node.ts). One seed and one
 * configuration give one run, event for event, in Node and in the browser.
 *
 * A run: every node starts at t = 0, then the engine pops events in order (a delivery, a
 * timer, a completed sync, a fault) and hands each to the node it concerns, recording one
 * trace record per event and per effect. A handler's effects are data: they collect in its
 * node's outbox and the engine applies them when it returns (_internal/outbox.ts states the
 * order). After each event it checks the run's properties; the first `always` violation stops
 * the run. An optional liveness phase heals everything at a given time and requires its
 * checks to hold within a settle time.
 *
 * This file is the event loop. Beside it: the configuration and its checks (engineConfig.ts);
 * in _internal/, the node lifecycle (lifecycle.ts, host.ts, context.ts), the outbox and the
 * application of effects (outbox.ts, effects.ts), property monitoring (monitor.ts) and faults
 * (applyFault.ts). They act on the engine through the `Kernel` interface (kernel.ts) and never
 * import this file.
 *
 * The engine asserts its own invariants (no handler on a crashed or paused node, no delivery
 * across a cut link, no timer of a dead incarnation) and every run is bounded: a run that
 * reaches `maxEvents` stops with outcome `event-limit` rather than hanging. Bounds the engine
 * cannot see (memory, wall-clock time) belong to a `watchdog` its caller supplies: asked every
 * `WATCHDOG_EVERY` events, it can stop the run with `memory-limit` or `time-limit`.
 */
import { assert, AssertionError, ConfigError } from './assert.js';
import type { Clock } from './clock.js';
import type { SimDisk } from './disk.js';
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_PAUSE_BUFFER,
  DEFAULT_SYNC_LATENCY,
  type EngineConfig,
  type MachineLimit,
  engineIds,
  validateEngineConfig,
  WATCHDOG_EVERY,
} from './engineConfig.js';
import { describeFault, type Fault, type ScheduledFault, validateFault } from './faults.js';
import { Network } from './network.js';
import type { NodeContext, ProgramFactory } from './node.js';
import { PrngRoot } from './prng.js';
import { EventQueue } from './queue.js';
import { Trace } from './trace.js';
import type { Micros, NodeId } from './types.js';
import type { NodeHost, TimerEvent } from './_internal/host.js';
import { applyFault, healEverything } from './_internal/applyFault.js';
import { transmit } from './_internal/effects.js';
import type { Kernel, SimEvent } from './_internal/kernel.js';
import { boot, crash, leave, makeHost } from './_internal/lifecycle.js';
import { type Finding, Monitor } from './_internal/monitor.js';
import type { HistoryEvent } from './check/history.js';
import type { Evidence, Violation, World } from './check/property.js';

export {
  DEFAULT_MAX_EVENTS,
  DEFAULT_PAUSE_BUFFER,
  DEFAULT_SYNC_LATENCY,
  type EngineConfig,
  type MachineLimit,
  WATCHDOG_EVERY,
} from './engineConfig.js';
export { messageTag } from './_internal/effects.js';

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

const MAX_QUEUED_EVENTS = 20_000_000;
/** Strikes one run may make; their ties are fractions between two scheduled ties. */
const STRIKE_TIE_SLOTS = 2 ** 20;

/**
 * A simulation run in progress: the event loop. It is also the `World` that properties read,
 * and the `Kernel` the node lifecycle, the outboxes and the faults act through.
 */
export class Engine<M = unknown> implements World, Kernel {
  readonly prng: PrngRoot;
  readonly network: Network;
  readonly trace: Trace;
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  /** The operator process, if the run has one (see `EngineConfig.operator`). */
  readonly operator: NodeId | undefined;
  readonly history: HistoryEvent[] = [];
  readonly faultCounts: Record<string, number> = {};
  /** @internal Builds a node's program (the configuration's factory). */
  readonly makeProgram: ProgramFactory<unknown>;
  /** Message ids a `drop` fault named: lost in flight, every copy, when they would arrive. */
  private readonly droppedMessages = new Set<number>();
  private readonly queue = new EventQueue<SimEvent>();
  private readonly hosts = new Map<NodeId, NodeHost>();
  private readonly config: EngineConfig<M>;
  private readonly monitor: Monitor;
  private readonly pauseBuffer: number;
  private time: Micros = 0;
  private nextMessageId = 0;
  private stopped: { outcome: Outcome; violation?: Violation } | undefined;
  private healed = false;
  /** The liveness phase's start, the evidence of a liveness violation. */
  private healedAt: Evidence | undefined;
  private readonly maxEvents: number;
  /** Steps left until the watchdog is asked again. */
  private untilWatchdog = WATCHDOG_EVERY;
  private readonly faultObservers: readonly ((fault: Fault, world: World) => void)[];
  /**
   * The tie of the last event queued while the engine was built (starts and scheduled faults):
   * `strike` orders its faults just after it, as if they had been in the schedule.
   */
  private readonly scheduledTie: number;
  /** Faults `strike` queued, in order: the run's nemesis, as a plain schedule. */
  private readonly strikes: ScheduledFault[] = [];

  constructor(config: EngineConfig<M>) {
    this.config = config;
    this.servers = config.servers;
    this.clients = config.clients ?? [];
    this.operator = config.operator;
    validateEngineConfig(config);
    this.makeProgram = config.program as ProgramFactory<unknown>;
    this.prng = new PrngRoot(config.seed);
    this.network = new Network(this.servers, this.prng, config.network);
    const ids = engineIds(config);
    this.trace = new Trace(config.trace ?? 'memory', ids, config.traceSink);
    const syncLatency = config.disk?.syncLatency ?? DEFAULT_SYNC_LATENCY;
    for (const id of ids) {
      this.hosts.set(id, makeHost(this, id, this.trace.indexOf(id), this.servers.includes(id),
        config.clocks?.[id], syncLatency));
    }
    for (const id of ids) this.push(0, { k: 'start', node: id });
    for (const { at, fault } of config.faults ?? []) this.push(at, { k: 'fault', fault });
    this.scheduledTie = this.queue.inserted - 1;
    const live = config.liveness;
    if (live !== undefined) {
      this.push(live.healAt, { k: 'heal' });
      this.push(live.healAt + live.settle, { k: 'deadline' });
    }
    this.maxEvents = config.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.pauseBuffer = config.pauseBuffer ?? DEFAULT_PAUSE_BUFFER;
    this.faultObservers = config.faultObservers ?? [];
    this.monitor = new Monitor(config.properties ?? [], config.observers ?? [], live);
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
    return this.monitor.changed;
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
    // `step` is false once the queue is empty: `run()` with no bound ends there.
    while (this.stopped === undefined && this.queue.peekTime() <= until && this.step());
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
      if (this.monitor.active && this.trace.length > before) this.checkProperties();
    } catch (error) {
      if (!(error instanceof AssertionError || error instanceof Error)) throw error;
      this.violate({ name: error instanceof AssertionError ? 'assertion' : error.name,
        kind: 'error', explanation: `${error.message}\n${error.stack ?? ''}` });
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
    if (this.stopped === undefined && this.monitor.awaitingSometimes && this.queue.size === 0) {
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
    if (this.stopped === undefined && this.monitor.awaitingSometimes) this.failSometimes();
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

  /** @internal The host of a node; for the lifecycle and fault code. */
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
    transmit(this, host, host, { type: 'AdminCommand', op: fault.op, node: fault.node });
  }

  /** @internal A `drop` fault: message `id` is lost in flight (see sim/faults.ts). */
  dropMessage(id: number): void {
    this.droppedMessages.add(id);
  }

  /** @internal Notes that a node's state may have changed (see `World.changed`). */
  touch(host: NodeHost): void {
    this.monitor.touch(host);
  }

  /** @internal The id of the next message sent. */
  newMessageId(): number {
    return this.nextMessageId++;
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
        return boot(this, this.host(event.node), 'start');
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
      if (host.deferredMessages >= this.pauseBuffer) {
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
      leave(this, host);
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
    this.trace.add(this.time, 'timer', host.index, -1, -1, event.name);
    this.touch(host);
    const program = host.enter();
    // The timer stays in the map while its handler runs: re-armed (the common case), it keeps
    // its entry and its event; otherwise its entry goes when the handler is done.
    host.firing = event;
    try {
      program.onTimer(host.context as NodeContext<unknown>, event.name);
    } finally {
      leave(this, host); // before `firing` is read: re-arming it reuses the event
      if (host.firing === event && host.timers.get(event.name) === event) {
        host.timers.delete(event.name);
      }
      host.firing = undefined;
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
      crash(this, host, 'sync-failed');
      return;
    }
    host.disk.completeSync(event.upTo);
    this.trace.add(this.time, 'synced', host.index, -1, -1, undefined,
      { upTo: event.upTo });
    for (const held of host.releasable(event.upTo)) transmit(this, host, held.to, held.msg);
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
    this.monitor.startLiveness();
  }

  private livenessDeadline(): void {
    assert(this.config.liveness !== undefined, 'deadline without a liveness phase');
    this.checkProperties();
    const missed = this.monitor.missedLiveness(this,
      this.healedAt === undefined ? undefined : [this.healedAt]);
    if (missed !== undefined) this.violate(missed);
  }

  private checkProperties(): void {
    const found = this.monitor.check(this);
    if (found !== undefined) this.violate(found);
  }

  private askWatchdog(): void {
    this.untilWatchdog = WATCHDOG_EVERY;
    const limit = this.config.watchdog?.();
    if (limit !== undefined && this.stopped === undefined) this.stopped = { outcome: limit };
  }

  private failSometimes(): void {
    const missed = this.monitor.missedSometimes();
    if (missed !== undefined) this.violate(missed);
  }

  private violate({ name, kind, explanation, evidence }: Finding): void {
    const violation: Violation = { name, kind, index: this.eventIndex, time: this.time, explanation,
      ...(evidence === undefined || evidence.length === 0 ? {} : { evidence }) };
    this.trace.add(this.time, 'violation', -1, -1, -1, name, violation);
    this.stopped = { outcome: kind === 'error' ? 'error' : 'violation', violation };
  }
}
