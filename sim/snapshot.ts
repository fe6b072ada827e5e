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
 * Marks a snapshot. Frozen snapshots are immutable, so one already made is shared rather than
 * copied again (a message forwarded unchanged, log entries sent again, costs nothing). The
 * mark is a non-enumerable symbol property: JSON, Object.keys and equality ignore it, and
 * reading it is a plain property load, much cheaper than a WeakSet lookup per object.
 */
const SNAPSHOT: unique symbol = Symbol('faultline.snapshot');
const MARK: PropertyDescriptor = { value: true, enumerable: false };

function copy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new AssertionError(`cannot snapshot a ${typeof value}: messages are plain data`);
    }
    return value;
  }
  if ((value as { [SNAPSHOT]?: true })[SNAPSHOT] === true) return value;
  if (depth > MAX_DEPTH) {
    throw new AssertionError(`snapshot deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], depth + 1);
    return seal(out);
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new AssertionError('cannot snapshot a class instance: messages are plain data');
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const field = copy((value as Record<string, unknown>)[key], depth + 1);
    // An own "__proto__" key (JSON.parse makes one) would set the prototype if assigned.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: field, enumerable: true, writable: true,
        configurable: true });
    } else {
      out[key] = field;
    }
  }
  return seal(out);
}

function seal<T extends object>(value: T): T {
  Object.defineProperty(value, SNAPSHOT, MARK);
  return Object.freeze(value);
}
