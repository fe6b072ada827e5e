/**
 * Copying data across an ownership boundary. A message sent by one node and a record written
 * to a disk must not share an object with the sender afterwards, or a later mutation would
 * change what was delivered or stored, something no real network or disk does.
 *
 * `snapshot` makes a deep, frozen copy of plain data (objects, arrays, strings, numbers,
 * booleans, null, bigint) in one pass. Frozen, it can be handed to the receiver, kept in the
 * trace and read by checkers without further copies; a protocol that tries to mutate a
 * received message fails loudly (strict mode), which is a bug worth finding.
 */
import { AssertionError } from './assert.js';

/** A deep frozen copy of plain data. Throws AssertionError on functions, class instances, cycles. */
export function snapshot<T>(value: T): T {
  return copy(value, 0) as T;
}

const MAX_DEPTH = 64;

/**
 * Deeply frozen plain data is immutable, so it is shared rather than copied again (a message
 * forwarded unchanged, log entries sent again, cost nothing). Such data is recognised by what
 * it is, not by a mark: frozen, with a plain prototype, and every object inside it the same.
 * Marking every copy (a hidden symbol property, or a WeakSet entry) cost about a third of the
 * snapshot time in the Raft benchmark, where almost every copy is a fresh message that is
 * never snapshotted again. So only data that comes back is remembered: the first time a
 * frozen object is met it is verified (a walk without allocation, cheaper than a copy), and
 * once verified it goes in `shared` (if it holds objects: see `isShareable`), so a log entry
 * sent a thousand times is walked once.
 * A frozen object with a getter is taken for the value it returns when verified.
 */
const shared = new WeakSet<object>();

function copy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return primitive(value);
  return copyObject(value, depth);
}

/** A primitive as it is; a function or symbol is refused. */
function primitive(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new AssertionError(`cannot snapshot a ${typeof value}: messages are plain data`);
  }
  return value;
}

/**
 * The copy of an object or array. Fields that are primitives (most of a message) are taken
 * here rather than through a call per field.
 */
function copyObject(value: object, depth: number): unknown {
  if (depth > MAX_DEPTH) {
    throw new AssertionError(`snapshot deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
  if (Object.isFrozen(value) && isShareable(value, depth)) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = item !== null && typeof item === 'object' ? copyObject(item, depth + 1)
        : primitive(item);
    }
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new AssertionError('cannot snapshot a class instance: messages are plain data');
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    const field = item !== null && typeof item === 'object' ? copyObject(item, depth + 1)
      : primitive(item);
    // An own "__proto__" key (JSON.parse makes one) would set the prototype if assigned.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: field, enumerable: true, writable: true,
        configurable: true });
    } else {
      out[key] = field;
    }
  }
  return Object.freeze(out);
}

/**
 * Whether frozen `value` is deeply frozen plain data that a snapshot may share. Anything else
 * (a mutable or non-plain object inside, a function, too deep) answers false, and the copy
 * then either succeeds or throws the copy's own error.
 */
function isShareable(value: object, depth: number): boolean {
  if (shared.has(value)) return true;
  if (depth > MAX_DEPTH) return false;
  let nested = false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const field: unknown = value[i];
      if (field !== null && typeof field === 'object') {
        if (!(Object.isFrozen(field) && isShareable(field, depth + 1))) return false;
        nested = true;
      } else if (typeof field === 'function' || typeof field === 'symbol') {
        return false;
      }
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const field = (value as Record<string, unknown>)[key];
      if (field !== null && typeof field === 'object') {
        if (!(Object.isFrozen(field) && isShareable(field, depth + 1))) return false;
        nested = true;
      } else if (typeof field === 'function' || typeof field === 'symbol') {
        return false;
      }
    }
  }
  // A flat object is walked again next time (as cheap as the lookup); one with objects inside
  // is remembered. So a protocol that freezes every message it sends does not fill the set.
  if (nested) shared.add(value);
  return true;
}
