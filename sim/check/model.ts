/**
 * The sequential specification a linearizability check compares a history against, in the
 * shape Porcupine uses (`Model` in porcupine/model.go): an initial state, a step function that
 * says whether an operation with a given output is legal in a state and what state follows,
 * state equality and hashing for the search's memo, a partition function for
 * P-compositionality, and descriptions for violation messages.
 *
 * One addition to Porcupine's shape: `convert` turns a recorded `Operation` into the model's
 * input and output, or drops it. That is where a model decides what a `fail` outcome means:
 * usually "it definitely did not happen" (drop it before the search), but a failed
 * compare-and-set is an observation that the register did not hold the expected value, so a
 * register model keeps it. An `info` outcome becomes the output `UNKNOWN`, which a model must
 * accept in any state.
 */
import type { Operation } from './history.js';

/** The output of an operation whose outcome is unknown (`info` or still pending). */
export const UNKNOWN: unique symbol = Symbol('unknown');
/** The type of `UNKNOWN`. */
export type Unknown = typeof UNKNOWN;

/** Returned by `Model.step` when the operation cannot happen in the given state. */
export const ILLEGAL: unique symbol = Symbol('illegal');
/** The type of `ILLEGAL`. */
export type Illegal = typeof ILLEGAL;

/** An operation as a model sees it: its input and its output (or `UNKNOWN`). */
export interface ModelOperation<Input, Output> {
  readonly input: Input;
  readonly output: Output | Unknown;
}

/**
 * A sequential specification. `step` must be pure: the checker caches its result per
 * (state, operation) pair, so it is called at most once for each.
 */
export interface Model<State, Input, Output> {
  /** A short name for messages, such as `register` or `kv`. */
  readonly name: string;
  /** The state before any operation. */
  init(): State;
  /**
   * Maps a recorded operation to the model's input and output, or `null` to drop it before
   * the search (a definite failure that carries no information). Called once per operation.
   * Throws an `Error` naming the operation when its shape is not one this model knows.
   */
  convert(op: Operation): ModelOperation<Input, Output> | null;
  /** The state after applying `input` with result `output` to `state`, or `ILLEGAL`. */
  step(state: State, input: Input, output: Output | Unknown): State | Illegal;
  /** State equality, consistent with `hash`. */
  equal(a: State, b: State): boolean;
  /** A 32-bit integer hash of a state; equal states must hash alike. */
  hash(state: State): number;
  /**
   * Optional: a primitive that identifies the state (equal states give the same key, different
   * states different keys). When present, the checker interns states in a native `Map` by this
   * key instead of `hash` and `equal`, which is much faster for string states.
   */
  internKey?(state: State): string | number | boolean | null | undefined;
  /**
   * Optional: about how many bytes a state takes in memory (default 64), so that the checker
   * keeps to its memory budget when states are large (long strings, say).
   */
  stateSize?(state: State): number;
  /**
   * Optional: whether an operation never changes a state (a read, a compare-and-set that
   * failed): in every state it is illegal or leaves the state as it was. The search then
   * linearizes it as soon as it is legal, without trying the other orders (see
   * `_internal/wglSearch.ts`). Only say true when it holds for every state.
   */
  readOnly?(input: Input, output: Output | Unknown): boolean;
  /**
   * The partition (key) an operation belongs to. Operations in different partitions never
   * constrain each other, so each partition is checked alone (P-compositionality, Horn and
   * Kroening 2015). Absent means one partition for the whole history.
   */
  partitionKey?(op: Operation): string;
  /**
   * Optional: for the operations of one partition, in call order, what could observe each
   * write of unknown outcome (see models/unseenWrites.ts). A write that nothing observes is
   * dropped before the search: it may not have happened, and had it, nothing could tell. The
   * search also leaves such a write out where nothing still to place observes it, so it no
   * longer tries every subset and order of them.
   */
  observers?(ops: readonly TimedOperation<Input, Output>[]): WriteObservers<State>;
  /** How an operation reads in a violation message, e.g. `read x → 2` or `cas 1→3 ok`. */
  describeOperation(input: Input, output: Output | Unknown): string;
  /** How a state reads in a violation message, e.g. `x = 5` or `"x 1 y"`. */
  describeState(state: State): string;
}

/**
 * An operation a model cannot take: an operation it lacks, or a value of the wrong kind. It
 * names the operation, so a reader of a history file can point at the event's line.
 */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  /** What is wrong, without the operation's name. */
  readonly detail: string;
  constructor(readonly operation: Operation, detail: string) {
    super(`operation ${operation.id} (${operation.process} ${operation.f}): ${detail}`);
    this.detail = detail;
  }
}

/** A recorded value as an error message shows it (JSON where it can be). */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A model operation with its interval (`returnTime` Infinity when the outcome is unknown). */
export interface TimedOperation<Input, Output> extends ModelOperation<Input, Output> {
  readonly callTime: number;
  readonly returnTime: number;
}

/** A model with its type parameters erased, as the checker stores it. */
export type AnyModel = Model<unknown, unknown, unknown>;

/** FNV-1a hash of a string to 32 bits, for `Model.hash` implementations. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit hash of a primitive value (number, string, boolean, null or undefined). */
export function hashPrimitive(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 31) {
      return Math.imul(value | 0, 0x9e3779b1) >>> 0;
    }
    return hashString(String(value));
  }
  if (typeof value === 'string') return hashString(value) ^ 0x5bd1e995;
  if (value === null) return 0x27d4eb2f;
  if (value === undefined) return 0x165667b1;
  if (typeof value === 'boolean') return value ? 0x3c6ef372 : 0x1b873593;
  return hashString(JSON.stringify(value));
}

/** What could observe the writes of unknown outcome of one partition (`Model.observers`). */
export interface WriteObservers<State = unknown> {
  /**
   * Per operation: for a write of unknown outcome, the operations that observe it (rules 1
   * and 2 of models/unseenWrites.ts; none means it may be dropped); undefined for every
   * other operation.
   */
  readonly observers: readonly (readonly number[] | undefined)[];
  /**
   * Per operation: for a mismatch that observes some write, the writes that could complete the
   * value it expected by adding to the value (see the search's condition in
   * models/unseenWrites.ts); undefined for other operations.
   */
  readonly adders: readonly (readonly number[] | undefined)[];
  /**
   * Per operation that observes some write: a few writes of known outcome that replace the
   * value outright and returned before it was called (latest first). One of them still to
   * place when a write is placed comes between that write and the observer.
   */
  readonly fences: readonly (readonly number[] | undefined)[];
  /** Per operation: a write that replaces the value outright (a put, a compare-and-set). */
  readonly replacing: readonly boolean[];
  /** Per operation: a read of known outcome, legal only where the value is what it saw. */
  readonly reads: readonly boolean[];
  /**
   * Per operation: a replacing write that takes effect only where the value is what it
   * expected (a compare-and-set).
   */
  readonly conditional: readonly boolean[];
  /**
   * Whether the value an operation saw or expected (a read's result, a compare-and-set's
   * `from`) could come from what a replacing write wrote (`shows`).
   */
  readonly derives: (op: number, write: number) => boolean;
  /**
   * Optional, for models whose writes add to the value: whether the value an operation saw or
   * expected (a read's result, a compare-and-set's `from`) could be a state's value followed
   * by additions, or that value itself. When false, a mismatch cannot tell a write placed in
   * that state apart, and a read cannot come after that state before the value is replaced.
   * Absent: only the state itself.
   */
  readonly grows?: (op: number, state: State) => boolean;
}
