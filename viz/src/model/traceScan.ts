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

/** A tiny cursor over one line's bytes. */
class Cursor {
  constructor(readonly b: Uint8Array, public p: number, readonly end: number) {}

  /** Consumes the ASCII text `lit` if it is next. */
  take(lit: Uint8Array): boolean {
    if (this.p + lit.length > this.end) return false;
    for (let i = 0; i < lit.length; i++) if (this.b[this.p + i] !== lit[i]) return false;
    this.p += lit.length;
    return true;
  }

  /** A plain decimal integer (digits, optional minus); NaN when something else is there. */
  int(): number {
    let v = 0;
    let neg = false;
    if (this.b[this.p] === 0x2d) {
      neg = true;
      this.p++;
    }
    const start = this.p;
    while (this.p < this.end) {
      const c = this.b[this.p] as number;
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      this.p++;
    }
    if (this.p === start || this.p - start > 15) return NaN;
    const c = this.b[this.p];
    if (c !== COMMA && c !== CLOSE) return NaN; // a fraction or exponent: not ours
    return neg ? -v : v;
  }

  /** A string with no escapes and only ASCII; the closing quote is consumed. */
  str(): string | undefined {
    const start = this.p;
    while (this.p < this.end) {
      const c = this.b[this.p] as number;
      if (c === Q) {
        const s = intern(this.b, start, this.p);
        this.p++;
        return s;
      }
      if (c === 0x5c || c >= 0x80 || c < 0x20) return undefined;
      this.p++;
    }
    return undefined;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
const K = {
  i: enc('{"i":'), t: enc(',"t":'), kind: enc(',"kind":"'), node: enc(',"node":"'),
  to: enc(',"to":"'), from: enc(',"from":"'), id: enc(',"id":'), tag: enc(',"tag":"'),
  data: enc(',"data":'),
};

const reused: ScannedLine = { i: 0, t: 0, kind: '', node: undefined, peer: undefined,
  peerKey: undefined, id: -1, tag: undefined };

/**
 * Reads the line in bytes [from, to); undefined when it is not in the engine's form. The
 * result is one shared object, overwritten by the next call.
 */
export function scanLine(bytes: Uint8Array, from: number, to: number): ScannedLine | undefined {
  const c = new Cursor(bytes, from, to);
  if (!c.take(K.i)) return undefined;
  const i = c.int();
  if (Number.isNaN(i) || !c.take(K.t)) return undefined;
  const t = c.int();
  if (Number.isNaN(t) || !c.take(K.kind)) return undefined;
  const kind = c.str();
  if (kind === undefined) return undefined;
  const out = reused;
  out.i = i;
  out.t = t;
  out.kind = kind;
  out.node = out.peer = out.peerKey = out.tag = undefined;
  out.id = -1;
  if (c.take(K.node) && (out.node = c.str()) === undefined) return undefined;
  const peerKey = c.take(K.to) ? 'to' : c.take(K.from) ? 'from' : undefined;
  if (peerKey !== undefined) {
    out.peerKey = peerKey;
    if ((out.peer = c.str()) === undefined) return undefined;
  }
  // An id below 0 is not the engine's (it leaves `id` out): JSON's path reports it.
  if (c.take(K.id) && !((out.id = c.int()) >= 0)) return undefined;
  if (c.take(K.tag) && (out.tag = c.str()) === undefined) return undefined;
  if (c.p === to - 1 && bytes[c.p] === CLOSE) return out;
  if (c.take(K.data) && c.p < to - 1 && bytes[to - 1] === CLOSE) return out;
  return undefined;
}
