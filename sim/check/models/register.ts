/**
 * A single read/write/compare-and-set register, the model of Porcupine's etcd test
 * (`etcdModel` in porcupine_test.go) and of Knossos's `cas-register` (knossos/model.clj).
 *
 * Operations, as recorded in a history:
 * - `read`: invoke value ignored; `ok` value is the value read (`null` means nil).
 * - `write`: invoke value is the new value.
 * - `cas`: invoke value is `[from, to]`; `ok` means it swapped.
 * - a `fail` operation did not happen, except a failed CAS under the `failedCas` rule
 *   (failedCas.ts): by default it observed a value other than `from`, exactly as Porcupine
 *   treats etcd's `:fail :cas`; Knossos drops it like every other failure.
 * Two readings of nil, as the two tools define them (option `nilRead`):
 * - `value` (Porcupine): a read of nil saw the empty register, and the register starts nil
 *   unless `initial` says otherwise;
 * - `unknown` (Knossos): an `:ok :read nil` is a read whose value was not recorded, legal in
 *   any state (`(nil? (:value op))` in CASRegister's step).
 * Values are compared with `===`, so numbers, strings and `null` all work. An `info` outcome
 * may or may not have happened. Writes of unknown outcome whose value nothing read are
 * dropped before the search (unseenWrites.ts).
 */
import type { Operation } from '../history.js';
import type { Model, ModelOperation, Unknown } from '../model.js';
import { hashPrimitive, ILLEGAL, OperationError, showValue, type TimedOperation, UNKNOWN }
  from '../model.js';
import { type FailedCas, failedCasObserves } from './failedCas.js';
import { type WriteEffects, writeObservers } from './unseenWrites.js';

/** A register value: a number, a string, or `null` for "no value" (nil). */
export type RegisterValue = number | string | null;

/** The input of a register operation. */
export type RegisterInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: RegisterValue }
  | { readonly f: 'cas'; readonly from: RegisterValue; readonly to: RegisterValue };

/** The output: the value read, whether a CAS swapped, or nothing for a write. */
export type RegisterOutput = RegisterValue | boolean | undefined;

/** Options for `registerModel`. */
export interface RegisterModelOptions {
  /** The value before any write; `null` (nil) unless given. */
  readonly initial?: RegisterValue;
  /** The register's name in messages; `x` unless given. */
  readonly name?: string;
  /** How a `fail` CAS reads (failedCas.ts); `observation` unless given (Porcupine). */
  readonly failedCas?: FailedCas;
  /** What an `ok` read of nil means: `value` (Porcupine, the default) or `unknown` (Knossos). */
  readonly nilRead?: 'value' | 'unknown';
}

/**
 * A single-register model with read, write and cas. Partitioning does not apply: the whole
 * history is one register.
 */
export function registerModel(
  options: RegisterModelOptions = {},
): Model<RegisterValue, RegisterInput, RegisterOutput> {
  const initial = options.initial ?? null;
  const name = options.name ?? 'x';
  const show = (v: RegisterOutput): string => (v === null ? 'nil' : String(v));
  const casRule = options.failedCas ?? 'observation';
  const nilUnknown = options.nilRead === 'unknown';
  return {
    name: 'register',
    init: () => initial,
    convert: (op) => convertRegisterOperation(op, casRule, nilUnknown),
    step(state, input, output) {
      switch (input.f) {
        case 'read':
          return output === UNKNOWN || output === state ? state : ILLEGAL;
        case 'write':
          return input.value;
        case 'cas': {
          const matches = input.from === state;
          if (output !== UNKNOWN && output !== matches) return ILLEGAL;
          return matches ? input.to : state;
        }
      }
    },
    equal: (a, b) => a === b,
    hash: hashPrimitive,
    internKey: (state) => state,
    readOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && output === false),
    observers: (ops) => writeObservers(ops, registerEffects, (seen, written) => seen === written),
    describeOperation(input, output) {
      const unknown = output === UNKNOWN;
      switch (input.f) {
        case 'read':
          return unknown ? `read ${name} (result unknown)` : `read ${name}=${show(output)}`;
        case 'write':
          return `write ${name}=${show(input.value)}${unknown ? ' (outcome unknown)' : ''}`;
        case 'cas': {
          const verdict = unknown ? 'outcome unknown' : output === true ? 'swapped' : 'failed';
          return `cas ${name} ${show(input.from)}→${show(input.to)} (${verdict})`;
        }
      }
    },
    describeState: (state) => `${name}=${show(state)}`,
  };
}

/** Maps a recorded register operation to model input and output; see the file comment. */
function convertRegisterOperation(
  op: Operation,
  casRule: FailedCas,
  nilUnknown: boolean,
): ModelOperation<RegisterInput, RegisterOutput> | null {
  const unknown = op.outcome === 'info';
  switch (op.f) {
    case 'read': {
      // A read with unknown outcome changes nothing and shows nothing (see models/kv.ts).
      if (op.outcome === 'fail' || unknown) return null;
      const value = toValue(op, op.output);
      // Knossos: a read whose value was not recorded shows nothing either.
      if (value === null && nilUnknown) return null;
      return { input: { f: 'read' }, output: value };
    }
    case 'write':
      if (op.outcome === 'fail') return null;
      return { input: { f: 'write', value: toValue(op, op.input) }, output: unknownOr(op) };
    case 'cas': {
      if (op.outcome === 'fail' && !failedCasObserves(op, casRule)) return null;
      const pair = op.input;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new OperationError(op, `cas expects [from, to], got ${showValue(pair)}`);
      }
      const input: RegisterInput = {
        f: 'cas',
        from: toValue(op, pair[0]),
        to: toValue(op, pair[1]),
      };
      return { input, output: unknown ? UNKNOWN : op.outcome === 'ok' };
    }
    default:
      throw new OperationError(op, `the register model has read, write and cas, not ${op.f}`);
  }
}

/** What a register operation writes and sees (see unseenWrites.ts). */
function registerEffects(
  op: TimedOperation<RegisterInput, RegisterOutput>,
): WriteEffects<RegisterValue> {
  const input = op.input;
  switch (input.f) {
    case 'read':
      return op.output === UNKNOWN ? {} : { sees: op.output as RegisterValue };
    case 'write':
      return { writes: input.value, replaces: true };
    case 'cas':
      return { writes: input.to, replaces: true, sees: input.from, mismatch: op.output === false };
  }
}

function unknownOr(op: Operation): undefined | Unknown {
  return op.outcome === 'info' ? UNKNOWN : undefined;
}

function toValue(op: Operation, value: unknown): RegisterValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new OperationError(op,
    `the register model's values are numbers, strings or nil, got ${showValue(value)}`);
}
