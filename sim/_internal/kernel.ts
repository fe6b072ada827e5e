/**
 * What the engine's parts ask of the engine, as interfaces: the node context, the outbox, the
 * node lifecycle and the fault code depend on these, never on sim/engine.ts, so no module of
 * the engine imports the engine back. `Engine` implements `Kernel`; a transcript
 * (sim/transcript.ts) implements the narrower `HandlerKernel`, all a handler's context needs.
 *
 * @internal
 */
import type { Fault } from '../faults.js';
import type { Network } from '../network.js';
import type { ProgramFactory } from '../node.js';
import type { PrngRoot } from '../prng.js';
import type { Trace } from '../trace.js';
import type { Micros, NodeId } from '../types.js';
import type { HistoryEvent } from '../check/history.js';
import type { NodeHost, TimerEvent } from './host.js';

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

/** What a node's context reads while its handler runs. */
export interface HandlerKernel {
  /** True time now. */
  readonly now: Micros;
  readonly prng: PrngRoot;
  readonly servers: readonly NodeId[];
  /** The host of a node; throws on an unknown id (a send to nobody). */
  host(id: NodeId): NodeHost;
}

/** What the outbox, the node lifecycle and the faults change in a run. */
export interface Kernel extends HandlerKernel {
  readonly clients: readonly NodeId[];
  readonly trace: Trace;
  readonly network: Network;
  readonly history: HistoryEvent[];
  /** Builds a node's program at boot and restart. */
  readonly makeProgram: ProgramFactory<unknown>;
  /** Queues an event at true time `time` (not in the past). */
  push(time: Micros, event: SimEvent): void;
  /** Notes that a node's state may have changed (`World.changed`). */
  touch(host: NodeHost): void;
  /** The id of the next message sent. */
  newMessageId(): number;
  /** A `drop` fault: message `id` is lost in flight, every copy, when it would arrive. */
  dropMessage(id: number): void;
  /** An `admin` fault: hands the request to the operator process. */
  command(fault: Extract<Fault, { kind: 'admin' }>): void;
}
