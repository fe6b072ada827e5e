/**
 * A key-value store of strings with get, put, append and compare-and-set, partitioned by key:
 * Porcupine's `kvModel` (porcupine_test.go) extended with the `cas` of our simulated KV store.
 * Since keys never constrain each other, every key is checked alone (P-compositionality), and
 * the model's state is the value of one key.
 *
 * Operations, as recorded in a history (each with `key`):
 * - `get`: `ok` value is the string read, or `null` when the key is missing.
 * - `put`: invoke value is the new string. `append`: invoke value is appended (a missing key
 *   counts as the empty string).
 * - `cas`: invoke value is `[from, to]`; `ok` means it swapped. Whether a `fail` CAS is an
 *   observation (`from != value`) or a definite failure that tells nothing (not the leader,
 *   say) depends on the store, so it is an option (failedCas.ts); by default it is dropped,
 *   which can never raise a false alarm. Every other `fail` did not happen.
 * Keys start at `initial`: `null` (missing) for our store, `""` for Porcupine's kv histories.
 *
 * Writes of unknown outcome that nothing could have seen are dropped before the search
 * (`observers`, unseenWrites.ts): a put shows in the values that start with its text, an append
 * in those that contain it (see `kvShows`).
 *
 * Performance: appends make values long, and hashing every new value in full dominated the
 * search on Porcupine's c50 histories. So a state carries a polynomial hash of its value that
 * an append updates in O(1) from the hash and length-power of the appended text, precomputed
 * once per operation in `convert`. Equality still compares the strings.
 */
import type { Operation } from '../history.js';
import type { Model, ModelOperation, TimedOperation } from '../model.js';
import { ILLEGAL, OperationError, showValue as show, UNKNOWN } from '../model.js';
import { type FailedCas, failedCasObserves } from './failedCas.js';
import { type Shows, type WriteEffects, writeObservers } from './unseenWrites.js';

/** The value of one key: a string, or `null` when the key is missing. */
export type KvValue = string | null;

/** The state of one key: its value and the polynomial hash of that value. */
export interface KvState {
  readonly value: KvValue;
  /** `polynomialHash(value)`; a missing key has its own constant. */
  readonly hash: number;
}

/** A string with its polynomial hash and BASE^length, for O(1) hash updates on append. */
export interface HashedText {
  readonly text: string;
  readonly hash: number;
  readonly power: number;
}

/** The input of a KV operation. */
export type KvInput =
  | { readonly f: 'get'; readonly key: string }
  | { readonly f: 'put' | 'append'; readonly key: string; readonly value: HashedText }
  | { readonly f: 'cas'; readonly key: string; readonly from: KvValue; readonly to: HashedText };

/** The output: the value a get read, whether a CAS swapped, or nothing. */
export type KvOutput = KvValue | boolean | undefined;

/** Options for `kvModel`. */
export interface KvModelOptions {
  /** The value of every key before any write: `null` unless given (Porcupine data: `""`). */
  readonly initial?: KvValue;
  /** Treat a `fail` CAS as the observation `from != value` (default false: drop it). */
  readonly failedCasIsObservation?: boolean;
  /** How a `fail` CAS reads (failedCas.ts); overrides `failedCasIsObservation`. */
  readonly failedCas?: FailedCas;
}

/** A per-key string store model with get, put, append and cas; see the file comment. */
export function kvModel(options: KvModelOptions = {}): Model<KvState, KvInput, KvOutput> {
  const initial = stateOf(options.initial ?? null);
  const casRule: FailedCas = options.failedCas ??
    (options.failedCasIsObservation === true ? 'observation' : 'ignored');
  const show = (v: KvOutput): string => (v === null ? 'nil' : JSON.stringify(v));
  return {
    name: 'kv',
    init: () => initial,
    convert: (op) => convertKvOperation(op, casRule),
    step(state, input, output) {
      switch (input.f) {
        case 'get':
          return output === UNKNOWN || output === state.value ? state : ILLEGAL;
        case 'put':
          return { value: input.value.text, hash: input.value.hash };
        case 'append': {
          const base = state.value === null ? 0 : state.hash;
          const hash = (Math.imul(base, input.value.power) + input.value.hash) | 0;
          return { value: (state.value ?? '') + input.value.text, hash };
        }
        case 'cas': {
          const matches = input.from === state.value;
          if (output !== UNKNOWN && output !== matches) return ILLEGAL;
          return matches ? { value: input.to.text, hash: input.to.hash } : state;
        }
      }
    },
    equal: (a, b) => a.hash === b.hash && a.value === b.value,
    hash: (state) => state.hash,
    stateSize: (state) => 64 + 2 * (state.value?.length ?? 0),
    readOnly: (input, output) => input.f === 'get' || (input.f === 'cas' && output === false),
    partitionKey: (op) => op.key ?? '',
    observers: (ops) => {
      const shows = kvShows(ops);
      // From a state, appends make its value followed by appended texts (a missing key
      // counts as the empty string); a read of, or a compare-and-set expecting, a missing key
      // needs one.
      const grows = (index: number, state: KvState) => {
        const { input, output } = ops[index]!;
        const seen = input.f === 'cas' ? input.from : input.f === 'get' ? output : undefined;
        if (seen === undefined || typeof seen === 'boolean' || seen === UNKNOWN) return true;
        return seen === null ? state.value === null : shows(seen, state.value ?? '', true);
      };
      return { ...writeObservers(ops, kvEffects, shows), grows };
    },
    describeOperation(input, output) {
      const k = input.key;
      const unknown = output === UNKNOWN;
      const tail = unknown ? ' (outcome unknown)' : '';
      switch (input.f) {
        case 'get':
          return unknown ? `get ${k} (result unknown)` : `get ${k}=${show(output)}`;
        case 'put':
          return `put ${k}=${show(input.value.text)}${tail}`;
        case 'append':
          return `append ${k}+=${show(input.value.text)}${tail}`;
        case 'cas': {
          const verdict = unknown ? 'outcome unknown' : output === true ? 'swapped' : 'failed';
          return `cas ${k} ${show(input.from)}→${show(input.to.text)} (${verdict})`;
        }
      }
    },
    describeState: (state) => `value ${show(state.value)}`,
  };
}

/**
 * What a KV operation writes and sees (see unseenWrites.ts). An empty text is a write too (it
 * may produce an empty value); a compare-and-set expecting a missing key sees `null`.
 */
function kvEffects(op: TimedOperation<KvInput, KvOutput>): WriteEffects<KvValue> {
  const input = op.input;
  switch (input.f) {
    case 'get':
      return typeof op.output === 'string' ? { sees: op.output } : {};
    case 'put':
    case 'append':
      return { writes: input.value.text, replaces: input.f === 'put' };
    case 'cas':
      return { writes: input.to.text, replaces: true, sees: input.from,
        mismatch: op.output === false };
  }
}

/**
 * Whether a value seen could hold a written text, given the texts appended in the partition:
 * a value is a put's (or compare-and-set's) text followed by appended texts, so a replacing
 * write shows at the start and an appended text anywhere, each followed by nothing or by an
 * appended text ("c4.1" does not show in "c4.10"). A missing key holds none.
 */
function kvShows(ops: readonly TimedOperation<KvInput, KvOutput>[]): Shows<KvValue> {
  const appended = new Map<string, string[]>();
  for (const { input } of ops) {
    if (input.f !== 'append' || input.value.text === '') continue;
    const text = input.value.text;
    const list = appended.get(text[0]!);
    if (list === undefined) appended.set(text[0]!, [text]);
    else list.push(text);
  }
  const follows = (value: string, at: number): boolean => at === value.length ||
    (appended.get(value[at]!)?.some((text) => value.startsWith(text, at)) ?? false);
  return (seen, text, replaces) => {
    if (seen === null || text === null) return false;
    if (replaces) return seen.startsWith(text) && follows(seen, text.length);
    for (let at = seen.indexOf(text); at >= 0; at = seen.indexOf(text, at + 1)) {
      if (follows(seen, at + text.length)) return true;
    }
    return false;
  };
}

/** Maps a recorded KV operation to model input and output. */
function convertKvOperation(
  op: Operation,
  casRule: FailedCas,
): ModelOperation<KvInput, KvOutput> | null {
  const key = op.key ?? '';
  const output = op.outcome === 'info' ? UNKNOWN : undefined;
  // A failed CAS observes a mismatch only when that is why it failed (failedCas.ts): a CAS
  // refused by a follower ("not-leader") tells nothing about the value.
  if (op.outcome === 'fail' && !failedCasObserves(op, casRule)) return null;
  switch (op.f) {
    case 'get': {
      // A read with unknown outcome changes nothing and shows nothing: dropping it keeps the
      // verdict and spares the search every subset of such reads it could linearize.
      if (output === UNKNOWN) return null;
      const read = output ?? (op.output === undefined ? null : toValue(op, op.output));
      return { input: { f: 'get', key }, output: read };
    }
    case 'put':
    case 'append':
      return { input: { f: op.f, key, value: hashText(toString(op, op.input)) }, output };
    case 'cas': {
      const pair = op.input;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new OperationError(op, `cas expects [from, to], got ${show(pair)}`);
      }
      const input: KvInput = {
        f: 'cas',
        key,
        from: toValue(op, pair[0]),
        to: hashText(toString(op, pair[1])),
      };
      return { input, output: output ?? op.outcome === 'ok' };
    }
    default:
      throw new OperationError(op, `the kv model has get, put, append and cas, not ${op.f}`);
  }
}

function toValue(op: Operation, value: unknown): KvValue {
  return value === null || value === undefined ? null : toString(op, value);
}

function toString(op: Operation, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new OperationError(op, `the kv model's values are strings, got ${show(value)}`);
}

const BASE = 0x01000193;
const MISSING_HASH = 0x27d4eb2f;

/**
 * Hashes a text polynomially, h = Σ c[i]·BASE^(n-1-i) mod 2^32, so that
 * h(a + b) = h(a)·BASE^|b| + h(b).
 */
function hashText(text: string): HashedText {
  let hash = 0;
  let power = 1;
  for (let i = 0; i < text.length; i++) {
    hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
    power = Math.imul(power, BASE);
  }
  return { text, hash, power };
}

function stateOf(value: KvValue): KvState {
  return { value, hash: value === null ? MISSING_HASH : hashText(value).hash };
}
