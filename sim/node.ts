/**
 * The contract between the engine and protocol code. A node is sans-IO: an object that reacts
 * to its start, a message or a timer, and asks for effects through its context. It never
 * reads a real clock, never draws from a global random source, never awaits anything. The
 * engine alone decides when anything happens, which is what makes a run replayable.
 *
 * A crash throws the node object away. A restart builds a new one through the factory, and
 * `start` must recover from `ctx.disk`, which holds only what a completed sync made durable.
 * Memory cannot survive a crash, so a protocol that forgets to persist fails under test.
 *
 * Durability is part of the contract (etcd-raft's Ready ordering): a reply that promises
 * something, a vote or an acknowledged append, goes through `sendAfterSync`, which the
 * engine releases only once every disk write made before it is durable. If that sync fails
 * the node crashes and the reply is never sent.
 */
import type { Disk } from './disk.js';
import type { Outcome } from './check/history.js';
import type { Prng } from './prng.js';
import type { Micros, NodeId } from './types.js';

/** A timer's delay: a local-clock duration, or a range the engine draws from uniformly. */
export type TimerDelay = Micros | readonly [min: Micros, max: Micros];

/** A client operation as it appears in the history. */
export interface ClientOperation {
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  /** On a `fail` or `info` completion: why (`cas-mismatch`, `not-leader`, `timeout`, …). */
  readonly error?: string;
}

/**
 * What a node can ask of the engine. Every method but the readers (`now`, `monotonic`,
 * `drawDelay`, `disk`, `prng`) is an effect: it goes into the node's outbox, and the engine
 * carries the outbox out when the handler returns, in the order asked (sim/_internal/outbox.ts).
 */
export interface NodeContext<M> {
  readonly id: NodeId;
  /** The servers of the cluster, `n1`…`nN`, in order. */
  readonly servers: readonly NodeId[];
  /** This node's local clock, in microseconds (offset, drifting, possibly stepped). */
  now(): Micros;
  /**
   * This node's monotonic clock: it drifts with the local clock but is never stepped, so the
   * time elapsed between two readings is right whatever NTP does (timers run on it too).
   */
  monotonic(): Micros;
  /** Sends `msg` (copied and frozen on the way in). A send to oneself is local and reliable. */
  send(to: NodeId, msg: M): void;
  /** Sends `msg` once every disk write made so far is durable (a sync is started if needed). */
  sendAfterSync(to: NodeId, msg: M): void;
  /** Sets (or replaces) the timer `name`, measured on the local clock. */
  setTimer(name: string, after: TimerDelay): void;
  /**
   * The delay `setTimer` would draw for `after` (a range), from the same stream, for a
   * program that keeps a deadline itself and arms the timer with the number later.
   */
  drawDelay(after: TimerDelay): Micros;
  cancelTimer(name: string): void;
  readonly disk: Disk;
  /** This node's own random stream; draws here shift no other component's. */
  readonly prng: Prng;
  /** Records a state change (role, term, commit) for the trace and the visualizer. */
  note(kind: string, data?: unknown): void;
  /**
   * Records a client history event (clients only): `invoke` when an operation is sent, then
   * one of `ok`, `fail` or `info` for it.
   */
  record(type: 'invoke' | Outcome, op: ClientOperation): void;
}

/** A node's behaviour. `M` is the protocol's message union. */
export interface NodeProgram<M> {
  /** On boot and on every restart: recover from `ctx.disk`. */
  start(ctx: NodeContext<M>): void;
  onMessage(ctx: NodeContext<M>, from: NodeId, msg: M): void;
  onTimer(ctx: NodeContext<M>, name: string): void;
}

/** Builds the program of node `id`; called at boot and at every restart. */
export type ProgramFactory<M> = (id: NodeId) => NodeProgram<M>;
