/**
 * The length of `JSON.stringify(value)` without building the string: what the network's
 * bandwidth model and protocols' byte counts take as a message's size, for every message sent.
 * Plain data (objects, arrays, strings, finite numbers, booleans, null) is measured by a walk
 * that allocates nothing but the numbers' digits; anything else (a string that needs escapes,
 * a `toJSON`, a bigint, deep nesting) falls back to `JSON.stringify` itself, so the answer is
 * always its length. About twice as fast on a Raft message (test/sim/jsonLength.test.ts checks
 * it against JSON.stringify on arbitrary data).
 */

const MAX_DEPTH = 32;

/** `JSON.stringify(value).length`; 0 where JSON.stringify gives undefined (a function). */
export function jsonLength(value: unknown): number {
  const n = measure(value, 0);
  return n >= 0 ? n : (JSON.stringify(value) as string | undefined)?.length ?? 0;
}

/** The length, or -1 when the walk cannot be sure (the caller then stringifies). */
function measure(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return stringLength(value);
    case 'number':
      return Number.isFinite(value) ? numberLength(value) : 4; // NaN and ±Infinity: null
    case 'boolean':
      return value ? 4 : 5;
    case 'object':
      if (value === null) return 4;
      if (depth >= MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return -1;
      }
      return Array.isArray(value) ? arrayLength(value, depth) : objectLength(value, depth);
    default:
      return -1;
  }
}

/** Elements that JSON cannot hold become null. */
function arrayLength(array: readonly unknown[], depth: number): number {
  let n = array.length > 0 ? array.length + 1 : 2; // brackets and commas
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
      n += 4;
      continue;
    }
    const m = measure(item, depth + 1);
    if (m < 0) return -1;
    n += m;
  }
  return n;
}

/** Own enumerable string keys, as JSON.stringify takes them; undefined values are left out. */
function objectLength(object: object, depth: number): number {
  let n = 2;
  let count = 0;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const item = (object as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const m = measure(item, depth + 1);
    if (m < 0) return -1;
    n += stringLength(key) + 1 + m;
    count++;
  }
  return count > 0 ? n + count - 1 : n;
}

/** Quotes included; a string with anything to escape (or a surrogate) is stringified. */
function stringLength(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(text).length;
    }
  }
  return text.length + 2;
}

function numberLength(value: number): number {
  if (Number.isInteger(value) && value >= 0 && value < 1e9) {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    return digits;
  }
  return String(value).length;
}
