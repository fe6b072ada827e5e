/**
 * A fast reader for trace lines as the engine writes them (sim/trace.ts `record`): the keys
 * in their fixed order, `{"i":…,"t":…,"kind":"…","node":"…","to"|"from":"…","id":…,
 * "tag":"…","data":…}`. It reads the bytes of a line up to `data` without building strings
 * for anything but short ids and tags, so a million lines take a fraction of what JSON.parse
 * takes. The payload (`data`) is left in place and parsed when someone looks at the record.
 *
 * Any line it does not recognise (other key order, escapes, non-ASCII text, spaces) returns
 * undefined, and the caller parses that line with JSON.parse instead: the fast path changes
 * speed, never meaning.
 */

/** The fields of one line, without its payload. */
export interface ScannedLine {
  i: number;
  t: number;
  kind: string;
  node: string | undefined;
  peer: string | undefined;
  /** Which key the peer came under. */
  peerKey: 'to' | 'from' | undefined;
  id: number;
  tag: string | undefined;
}

const Q = 0x22; // "
const COMMA = 0x2c;
const CLOSE = 0x7d; // }

/**
 * Intern table for ids and tags: a fixed array of slots indexed by a cheap hash of the
 * length and a few bytes, each holding the last string seen there, checked byte by byte. A
 * trace has few distinct ids and tags, so nearly every lookup hits and builds no string.
 */
const SLOTS = 4096;
const slots: (string | undefined)[] = new Array<string | undefined>(SLOTS);

function intern(bytes: Uint8Array, from: number, to: number): string {
  const len = to - from;
  if (len === 0) return '';
  const h = (len * 7919 + (bytes[from] as number) * 31 + (bytes[to - 1] as number) * 131 +
    (bytes[from + (len >> 1)] as number) * 17 + (bytes[to - 2] ?? 0) * 3) & (SLOTS - 1);
  const s = slots[h];
  if (s !== undefined && s.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (s.charCodeAt(i) !== bytes[from + i]) {
        same = false;
        break;
      }
    }
    if (same) return s;
  }
  const made = String.fromCharCode(...bytes.subarray(from, to));
  slots[h] = made;
  return made;
}

/**
 * Where the scan is, and the line's end: module state rather than a cursor object, so the
 * helpers below are plain functions the compiler inlines (a million lines a trace).
 */
let at = 0;
let end = 0;

/** Consumes the ASCII text `lit` if it is next. */
function take(b: Uint8Array, lit: Uint8Array): boolean {
  const n = lit.length;
  if (at + n > end) return false;
  for (let i = 0; i < n; i++) if (b[at + i] !== lit[i]) return false;
  at += n;
  return true;
}

/** A plain decimal integer (digits, optional minus); NaN when something else is there. */
function int(b: Uint8Array): number {
  let v = 0;
  let neg = false;
  if (b[at] === 0x2d) {
    neg = true;
    at++;
  }
  const start = at;
  let c = b[at] as number;
  while (c >= 0x30 && c <= 0x39 && at < end) {
    v = v * 10 + (c - 0x30);
    c = b[++at] as number;
  }
  if (at === start || at - start > 15) return NaN;
  if (c !== COMMA && c !== CLOSE) return NaN; // a fraction or exponent: not ours
  return neg ? -v : v;
}

/** A string with no escapes and only ASCII; the closing quote is consumed. */
function str(b: Uint8Array): string | undefined {
  const start = at;
  while (at < end) {
    const c = b[at] as number;
    if (c === Q) {
      const s = intern(b, start, at);
      at++;
      return s;
    }
    if (c === 0x5c || c >= 0x80 || c < 0x20) return undefined;
    at++;
  }
  return undefined;
}

const enc = (s: string) => new TextEncoder().encode(s);
const K = {
  i: enc('{"i":'), t: enc(',"t":'), kind: enc(',"kind":"'), node: enc(',"node":"'),
  to: enc(',"to":"'), from: enc(',"from":"'), id: enc(',"id":'), tag: enc(',"tag":"'),
  data: enc(',"data":'),
};
/** The byte after `,"` that tells the optional keys apart. */
const N = 0x6e; // n
const T = 0x74; // t
const F = 0x66; // f
const I = 0x69; // i
const D = 0x64; // d

const reused: ScannedLine = { i: 0, t: 0, kind: '', node: undefined, peer: undefined,
  peerKey: undefined, id: -1, tag: undefined };

/**
 * Reads the line in bytes [from, to); undefined when it is not in the engine's form. The
 * result is one shared object, overwritten by the next call.
 */
export function scanLine(bytes: Uint8Array, from: number, to: number): ScannedLine | undefined {
  at = from;
  end = to;
  const b = bytes;
  if (!take(b, K.i)) return undefined;
  const i = int(b);
  if (Number.isNaN(i) || !take(b, K.t)) return undefined;
  const t = int(b);
  if (Number.isNaN(t) || !take(b, K.kind)) return undefined;
  const kind = str(b);
  if (kind === undefined) return undefined;
  const out = reused;
  out.i = i;
  out.t = t;
  out.kind = kind;
  out.node = out.peer = out.peerKey = out.tag = undefined;
  out.id = -1;
  // Each optional key is looked for only when its first letter is next.
  if (b[at + 2] === N && take(b, K.node) && (out.node = str(b)) === undefined) return undefined;
  const next = b[at + 2];
  const peerKey = next === T && take(b, K.to) ? 'to' : next === F && take(b, K.from) ? 'from'
    : undefined;
  if (peerKey !== undefined) {
    out.peerKey = peerKey;
    if ((out.peer = str(b)) === undefined) return undefined;
  }
  // An id below 0 is not the engine's (it leaves `id` out): JSON's path reports it.
  if (b[at + 2] === I && take(b, K.id) && !((out.id = int(b)) >= 0)) return undefined;
  if (b[at + 2] === T && take(b, K.tag) && (out.tag = str(b)) === undefined) return undefined;
  if (at === to - 1 && b[at] === CLOSE) return out;
  if (b[at + 2] === D && take(b, K.data) && at < to - 1 && b[to - 1] === CLOSE) return out;
  return undefined;
}
