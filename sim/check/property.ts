/**
 * Named properties the engine checks while a run goes on, after every event (Stateright's
 * `Expectation`; TigerBeetle's state checker):
 * - `always`: must hold after every event (election safety, log matching, 2PC atomicity). The
 *   first event after which it fails stops the run with a violation.
 * - `sometimes`: must hold after at least one event of the run (a leader is elected, a value
 *   is chosen), so a run that does nothing cannot pass quietly.
 * - `eventually` properties are the liveness phase's (see `LivenessPhase`): after the faults
 *   heal they must come to hold within a settle time.
 *
 * A property reads the omniscient `World`: every node's program and disk, the history, the
 * time. It must not change anything.
 */
import type { SimDisk } from '../disk.js';
import type { NodeProgram } from '../node.js';
import type { Micros, NodeId } from '../types.js';
import type { HistoryEvent } from './history.js';

/** The omniscient view of a run that properties read. */
export interface World {
  /** True time now. */
  readonly now: Micros;
  /** Index of the last trace event. */
  readonly eventIndex: number;
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  /** The live program of a node, or undefined while it is crashed. */
  program(id: NodeId): NodeProgram<unknown> | undefined;
  isUp(id: NodeId): boolean;
  isPaused(id: NodeId): boolean;
  /** A node's local clock reading now (offset, drift and jumps applied). */
  localTime(id: NodeId): Micros;
  /**
   * A node's monotonic clock reading now (`NodeContext.monotonic`): leases and timers that a
   * node measures on it are judged on it.
   */
  monotonicTime(id: NodeId): Micros;
  disk(id: NodeId): SimDisk;
  /** The client history so far. */
  readonly history: readonly HistoryEvent[];
  /**
   * The nodes whose state may have changed since the properties were last checked, each once,
   * in the order they changed: a node whose handler ran (start, message, timer), whose sync
   * completed, that crashed, restarted, paused or resumed, or whose disk or clock a fault hit.
   * Every other node's program, disk and clock are as they were at the last check, so a
   * property that keeps per-node state may look at these nodes only, instead of every server
   * after every event. Usually one node; empty after a network fault or a dropped message.
   */
  readonly changed: readonly NodeId[];
}

/**
 * One piece of a violation's evidence: an event of the run that, with the others, proves the
 * violation (both leaders of a term, the commit a later leader lacks, both chosen values, the
 * acknowledged write and the log it is missing from). A reader can go to each and see it.
 */
export interface Evidence {
  /** Index of the trace event after which the checker saw it. */
  readonly index: number;
  readonly time: Micros;
  /** The node it is about, when one is. */
  readonly node?: NodeId;
  /** What it shows, in a few words: `n2 leads term 3`. */
  readonly label: string;
  /** For a span, such as a client operation from invoke to completion: where it starts. */
  readonly from?: { readonly index: number; readonly time: Micros };
}

/** Evidence at the event the world is at now. */
export function evidenceNow(world: Pick<World, 'eventIndex' | 'now'>, label: string,
  node?: NodeId): Evidence {
  return { index: world.eventIndex, time: world.now, label,
    ...(node === undefined ? {} : { node }) };
}

/** A safety property: the explanation of what is wrong, or undefined while it holds. */
export interface AlwaysProperty {
  readonly kind: 'always';
  readonly name: string;
  check(world: World): string | undefined;
  /**
   * The events that prove the violation `check` just reported, earliest first (the last is
   * usually the event at hand). Asked once, right after `check` returned an explanation.
   */
  evidence?(world: World): readonly Evidence[] | undefined;
}

/** A property that must hold at least once during the run. */
export interface SometimesProperty {
  readonly kind: 'sometimes';
  readonly name: string;
  holds(world: World): boolean;
  /** What the user is told when it never held. */
  readonly explain: string;
}

export type Property = AlwaysProperty | SometimesProperty;

/** An `eventually` property of the liveness phase. */
export interface LivenessCheck {
  readonly name: string;
  holds(world: World): boolean;
  /** What the user is told when it did not come to hold in time. */
  readonly explain: string;
  /** At the deadline, what still keeps it from holding (`n3 applied 40 of 212`), if known. */
  detail?(world: World): string | undefined;
}

/**
 * The liveness phase (TigerBeetle's `transition_to_liveness_mode`): at `healAt` every fault
 * is repaired (links healed and reset, paused nodes resumed, crashed nodes restarted) and no
 * later scheduled fault runs; every check must then hold at some instant before
 * `healAt + settle`.
 */
export interface LivenessPhase {
  readonly healAt: Micros;
  readonly settle: Micros;
  readonly checks: readonly LivenessCheck[];
}

/** What stopped a run early or failed it at the end. */
export interface Violation {
  readonly name: string;
  readonly kind: 'safety' | 'sometimes' | 'liveness' | 'error';
  /** Index of the trace event after which it was found. */
  readonly index: number;
  readonly time: Micros;
  readonly explanation: string;
  /** The events that prove it, earliest first, when the checker names them. */
  readonly evidence?: readonly Evidence[];
}
