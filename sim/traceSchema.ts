/**
 * What a trace file must be, checked the same way by every reader: the visualizer's
 * (viz/src/model/traceFile.ts) and `faultline replay`'s. A trace file is JSON Lines (README,
 * "Trace format"): a header, then one record per line, as sim/trace.ts writes them.
 *
 * - Header: `format: "faultline-trace"`, `version` this build reads, `seed` (a string of 1 to
 *   256 characters), `nodes` (at least one id) and `clients` (ids, unique across both), at most
 *   2000 lanes in all, and an optional `meta`.
 * - Record: a JSON object with only the engine's keys. `i` counts records from 0; `t` is a
 *   finite time in µs, never before the record above; `kind` is a trace kind; `node`, `to` and
 *   `from` are ids from the header (`to` on a send only, `from` never on one); `id` is a message
 *   id (an integer >= 0); `tag` is a string; `data` is anything.
 *
 * A problem is a `TraceFormatError` with its line and column (of the field when a field is
 * wrong), so a reader can say `file:line:column: message`. JSON syntax errors are located by
 * `jsonErrorAt`, which reads the same in Node and in a browser, whose JSON.parse messages differ.
 */
import { TRACE_FORMAT_VERSION, TRACE_KINDS, type TraceHeader, type TraceRecord } from './trace.js';

/** Lanes a trace may have (servers and clients): more than any scenario, few enough to draw. */
export const MAX_TRACE_LANES = 2_000;
const MAX_SEED = 256;
const MAX_ID = 64;

/** A trace file that breaks the format, at a 1-based line and column. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(`line ${line}:${column}: ${reason}`);
  }
}

const KINDS = new Set<string>(TRACE_KINDS);
const RECORD_KEYS = new Set(['i', 't', 'kind', 'node', 'to', 'from', 'id', 'tag', 'data']);

type Fields = Record<string, unknown>;

/** A line's text, or a way to get it (readers that scan bytes decode a line only to report it). */
export type LineText = string | (() => string);

/** The column of key `key` in `text` (1 when it cannot be found). */
function columnOf(text: LineText, key: string | undefined): number {
  if (key === undefined) return 1;
  const at = (typeof text === 'string' ? text : text()).indexOf(`"${key}"`);
  return at < 0 ? 1 : at + 1;
}

/** Parses one line of JSON, or throws a located error. */
export function parseJsonLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { offset, expected } = jsonErrorAt(text);
    throw new TraceFormatError(line, offset + 1, `not JSON: expected ${expected}`);
  }
}

const isObject = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks the header line. */
export function readTraceHeader(text: string): TraceHeader {
  const h = parseJsonLine(text, 1);
  const fail = (key: string | undefined, reason: string): never => {
    throw new TraceFormatError(1, columnOf(text, key), reason);
  };
  if (!isObject(h) || h.format !== 'faultline-trace') {
    return fail('format', 'expected a header {"format":"faultline-trace","version":1,...}');
  }
  if (h.version !== TRACE_FORMAT_VERSION) {
    fail('version', `trace format version ${JSON.stringify(h.version) ?? 'missing'} is not ` +
      `supported (this build reads version ${TRACE_FORMAT_VERSION})`);
  }
  if (typeof h.seed !== 'string' || h.seed === '' || h.seed.length > MAX_SEED) {
    fail('seed', `"seed": the run's seed as a string of 1 to ${MAX_SEED} characters`);
  }
  const seen = new Set<string>();
  const ids = (key: string, value: unknown, least: number): string[] => {
    if (!Array.isArray(value) || value.length < least || !value.every((x) =>
      typeof x === 'string' && x !== '' && x.length <= MAX_ID && !seen.has(x) && seen.add(x))) {
      return fail(key, `"${key}" must be a list of ${least > 0 ? `at least ${least} ` : ''
      }distinct node ids`);
    }
    return value as string[];
  };
  const nodes = ids('nodes', h.nodes, 1);
  const clients = ids('clients', h.clients ?? [], 0);
  if (nodes.length + clients.length > MAX_TRACE_LANES) {
    fail('nodes', `more than ${MAX_TRACE_LANES} nodes and clients`);
  }
  return { format: 'faultline-trace', version: TRACE_FORMAT_VERSION, seed: h.seed as string,
    nodes, clients, ...(h.meta === undefined ? {} : { meta: h.meta }) };
}

/**
 * Checks the records of one trace in order. `check` takes the fields of a record however a
 * reader got them (JSON.parse, or the visualizer's byte scanner) and `text`, its line.
 */
export class TraceChecker {
  private readonly ids: ReadonlySet<string>;
  private index = 0;
  private last = 0;

  /** `firstRecord`: the index of the first record checked (a reader of a file in blocks). */
  constructor(header: TraceHeader, firstRecord = 0) {
    this.ids = new Set([...header.nodes, ...header.clients]);
    this.index = firstRecord;
  }

  /** Records checked so far. */
  get count(): number {
    return this.index;
  }

  /** Parses and checks the record on `line` (its text). */
  read(text: string, line: number): TraceRecord {
    const r = parseJsonLine(text, line);
    if (!isObject(r)) {
      throw new TraceFormatError(line, 1, 'expected a record object {"i":…,"t":…,"kind":…}');
    }
    for (const key of Object.keys(r)) {
      if (!RECORD_KEYS.has(key)) {
        throw new TraceFormatError(line, columnOf(text, key), `unknown field ${
          JSON.stringify(key)}`);
      }
    }
    this.check(r.i, r.t, r.kind, r.node, r.to, r.from, r.id, r.tag, text, line);
    return r as unknown as TraceRecord;
  }

  /**
   * Checks a record's fields (undefined for an absent one); throws a `TraceFormatError` on the
   * first problem. Positional, so a reader that scans a million lines allocates nothing here.
   */
  check(i: unknown, t: unknown, kind: unknown, node: unknown, to: unknown, from: unknown,
    id: unknown, tag: unknown, text: LineText, line: number): void {
    // The common case first, without making a closure: this runs a million times a trace.
    if (i === this.index && typeof t === 'number' && t >= this.last && Number.isFinite(t) &&
      typeof kind === 'string' && KINDS.has(kind) && this.lane(node) && this.lane(to) &&
      this.lane(from) && (to === undefined || kind === 'send') &&
      (from === undefined || kind !== 'send') &&
      (id === undefined || (Number.isSafeInteger(id) && (id as number) >= 0)) &&
      (tag === undefined || typeof tag === 'string')) {
      this.index++;
      this.last = t;
      return;
    }
    const fail = (key: string, reason: string): never => {
      throw new TraceFormatError(line, columnOf(text, key), reason);
    };
    if (i !== this.index) {
      fail('i', `"i": record ${this.index} comes here, got ${JSON.stringify(i) ?? 'nothing'}`);
    }
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
      fail('t', 'expected "t": a non-negative time in µs');
    }
    if ((t as number) < this.last) fail('t', `time ${String(t)} goes back before ${this.last}`);
    if (typeof kind !== 'string' || !KINDS.has(kind)) {
      fail('kind', `unknown kind ${JSON.stringify(kind) ?? 'nothing'}`);
    }
    this.checkLane('node', node, fail);
    this.checkLane('to', to, fail);
    this.checkLane('from', from, fail);
    if (to !== undefined && kind !== 'send') fail('to', '"to" goes only on a send');
    if (from !== undefined && kind === 'send') fail('from', 'a send has "to", not "from"');
    if (id !== undefined && !(Number.isSafeInteger(id) && (id as number) >= 0)) {
      fail('id', '"id" must be a message id, an integer >= 0');
    }
    if (tag !== undefined && typeof tag !== 'string') fail('tag', '"tag" must be a string');
    // Every check passed the second time: the first one cannot have failed.
    throw new Error('the trace checker disagrees with itself');
  }

  /** True when `id` is absent or a lane of the header. */
  private lane(id: unknown): boolean {
    return id === undefined || (typeof id === 'string' && this.ids.has(id));
  }

  private checkLane(key: string, id: unknown, fail: (key: string, reason: string) => never): void {
    if (id === undefined) return;
    if (typeof id !== 'string') fail(key, `"${key}" must be a string`);
    if (!this.ids.has(id as string)) fail(key, `${key} ${JSON.stringify(id)} is not in the header`);
  }
}

/**
 * Where the JSON text `text` first goes wrong, and what was expected there. Iterative, so a
 * line of a million brackets cannot overflow the stack. Only called on text JSON.parse rejected.
 */
export function jsonErrorAt(text: string): { offset: number; expected: string } {
  const stack: string[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const error = (expected: string) => ({ offset: Math.min(i, text.length), expected });
  let want: 'value' | 'after' | 'key' = 'value';
  for (;;) {
    ws();
    const c = text[i];
    if (want === 'key') {
      if (c !== '"') return error('a quoted field name');
      const end = stringEnd(text, i);
      if (end < 0) return error('a closed string');
      i = end;
      ws();
      if (text[i] !== ':') return error('":"');
      i++;
      want = 'value';
      continue;
    }
    if (want === 'after') {
      const top = stack[stack.length - 1];
      // JSON.parse rejected what this reads as whole: a number too long to be one, say.
      if (top === undefined) return error(i < text.length ? 'the end of the line' : 'a value');
      if (c === ',') {
        i++;
        want = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        i++;
        stack.pop();
      } else {
        return error(`"," or "${top === '{' ? '}' : ']'}"`);
      }
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        stack.pop();
        want = 'after';
      } else {
        want = c === '{' ? 'key' : 'value';
      }
      continue;
    }
    const end = c === '"' ? stringEnd(text, i) : scalarEnd(text, i);
    if (end < 0) return error(c === '"' ? 'a closed string' : 'a value');
    i = end;
    want = 'after';
  }
}

/** The index after the string starting at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = text[i + 1] ?? '';
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -1;
        i += 5;
      } else if ('"\\/bfnrt'.includes(e) && e !== '') {
        i++;
      } else {
        return -1;
      }
    }
  }
  return -1;
}

const SCALAR = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

/** The index after the literal or number starting at `from`, or -1. */
function scalarEnd(text: string, from: number): number {
  const match = SCALAR.exec(text.slice(from, from + 400));
  return match === null ? -1 : from + match[0].length;
}
