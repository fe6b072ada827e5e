/**
 * The engine's record of one node: the live program (absent while crashed), its clock and
 * disk, its timers, the outbox of the handler running, the replies waiting for a sync, and
 * what arrived while it was paused.
 * Each incarnation (boot or restart) gets its own context object; a context kept by a
 * crashed incarnation fails an assertion if used, so a stale callback cannot act.
 *
 * @internal
 */
import { AssertionError } from '../assert.js';
import type { Clock } from '../clock.js';
import type { SimDisk } from '../disk.js';
import type { NodeContext, NodeProgram } from '../node.js';
import type { Micros, NodeId } from '../types.js';
import { Outbox } from './outbox.js';

/** A reply held until the writes made before it are durable. */
export interface HeldMessage {
  readonly to: NodeHost;
  readonly msg: unknown;
  /** Writes with sequence below this must be durable first. */
  readonly needs: number;
}

/** A pending timer: the queued event itself, so a replaced timer is detected by identity. */
export interface TimerEvent {
  readonly k: 'timer';
  readonly host: NodeHost;
  readonly name: string;
  /** True time at which it fires. Mutable: a timer re-armed in its own handler reuses it. */
  at: Micros;
}

/** @internal */
export class NodeHost {
  program: NodeProgram<unknown> | undefined;
  context: NodeContext<unknown> | undefined;
  incarnation = 0;
  paused = false;
  /** Events that reached the node while paused, replayed on resume in arrival order. */
  deferred: unknown[] = [];
  deferredMessages = 0;
  readonly timers = new Map<string, TimerEvent>();
  /**
   * The timer event whose handler is running. Re-arming that timer in its handler (the common
   * case: heartbeats, election timeouts) reuses the event object instead of allocating one, as
   * it has left the queue. Keeping a thousand short-lived objects per node out of the young
   * generation matters to the engine's event rate.
   */
  firing: TimerEvent | undefined;
  /** The effects of the handler running, applied when it returns (./effects.ts). */
  readonly outbox = new Outbox<NodeHost>();
  held: HeldMessage[] = [];
  /** A held reply waits on writes no requested sync covers: request one after the handler. */
  syncWanted = false;
  /** Starts a sync of the writes below `upTo` now: traced, completing as an engine event. */
  startSync: (upTo: number) => void = () => {};
  failNextSync = false;
  lastSyncDone: Micros = 0;
  /** A handler is running; used to assert handlers do not nest. */
  busy = false;
  /** The engine's check epoch in which this node was last listed in `World.changed`. */
  touchedInEpoch = -1;

  constructor(
    readonly id: NodeId,
    /** This node's index in the trace. */
    readonly index: number,
    readonly isServer: boolean,
    readonly clock: Clock,
    readonly disk: SimDisk,
  ) {}

  get up(): boolean {
    return this.program !== undefined;
  }

  /** Forgets everything volatile: the crash half of crash/restart. */
  reset(): void {
    this.program = undefined;
    this.context = undefined;
    this.incarnation++;
    this.paused = false;
    this.deferred = [];
    this.deferredMessages = 0;
    this.timers.clear();
    this.firing = undefined;
    this.held = [];
    this.syncWanted = false;
  }

  /**
   * Enters a handler of the live program and returns it; asserts the node can run one. Every
   * `enter` is paired with a `leave` (./lifecycle.ts), in a finally.
   */
  enter(): NodeProgram<unknown> {
    const program = this.program;
    if (program === undefined) throw new AssertionError(`handler on crashed node ${this.id}`);
    if (this.paused) throw new AssertionError(`handler on paused node ${this.id}`);
    if (this.busy) throw new AssertionError(`nested handler on ${this.id}`);
    this.busy = true;
    return program;
  }

  /** Removes and returns the held replies whose writes are now durable (below `upTo`). */
  releasable(upTo: number): HeldMessage[] {
    if (this.held.length === 0) return [];
    const ready = this.held.filter((h) => h.needs <= upTo);
    if (ready.length > 0) this.held = this.held.filter((h) => h.needs > upTo);
    return ready;
  }
}
