/**
 * Client histories in the Jepsen style. A client process records an `invoke` when it sends
 * an operation, then exactly one completion: `ok` (it happened, with its result), `fail` (it
 * definitely did not happen) or `info` (the outcome is unknown: a timeout, a lost reply).
 * Checkers read histories as `Operation`s: an invoke paired with its completion.
 *
 * Times are simulated microseconds on the true (engine) clock, never a node's local clock,
 * so real-time order between operations is exact.
 */
import type { Micros, NodeId } from '../types.js';

/** How an operation ended. `info` means it may or may not have taken effect. */
export type Outcome = 'ok' | 'fail' | 'info';

/** One history event: an invocation or a completion, by one client process. */
export interface HistoryEvent {
  /** Position in the history (0-based), in real-time order. */
  readonly index: number;
  readonly type: 'invoke' | Outcome;
  /** The client process, `c1`…`cN`. One operation per process is outstanding at a time. */
  readonly process: NodeId;
  /** The operation: `get`, `put`, `append`, `cas`, `read`, `write`, … (model-specific). */
  readonly f: string;
  /** The key for multi-key models; absent for a single register. */
  readonly key?: string;
  /** On invoke: the argument. On ok: the result. On fail/info: the argument again. */
  readonly value: unknown;
  /** On fail/info: why, when the client knows (Jepsen's `:error`). */
  readonly error?: string;
  readonly time: Micros;
}

/**
 * Whether a completion is an answer the service served: `ok`, or a compare-and-set that failed
 * because the value did not match (`cas-mismatch`: the service read the current value to say
 * so, a correct answer). Refusals (`not-leader`) and unknown outcomes are not. Liveness checks
 * count progress by it: a workload of compare-and-sets may never get another `ok`.
 */
export function served(event: HistoryEvent): boolean {
  return event.type === 'ok' || (event.type === 'fail' && event.error === 'cas-mismatch');
}

/**
 * An invocation paired with its completion. `returnTime` is `Infinity` for an operation
 * whose outcome is unknown (`info`, or still pending when the history ends): it may be
 * linearized at any point after its call, or never.
 */
export interface Operation {
  readonly id: number;
  readonly process: NodeId;
  readonly f: string;
  readonly key?: string;
  readonly input: unknown;
  /** The result on `ok`; undefined otherwise. */
  readonly output: unknown;
  readonly outcome: Outcome;
  /** Why a `fail` or `info` completion failed, when known. */
  readonly error?: string;
  readonly callTime: number;
  readonly returnTime: number;
}
