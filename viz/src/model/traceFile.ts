/**
 * Reads a trace file (JSON Lines, sim/trace.ts): a header line `{format: 'faultline-trace',
 * version, seed, nodes, clients}`, then one record per line. Everything in the file is data:
 * it is read with JSON.parse or the byte scanner (traceScan.ts), and shown with textContent
 * or canvas text. A malformed file gets an error naming the line and what was expected.
 *
 * For speed on a million records the file stays as bytes: lines in the engine's own form
 * are scanned field by field up to their payload, others go through JSON.parse, and a
 * record's payload is parsed only when someone looks at it (so a broken payload is reported
 * then, in the tooltip or inspector, rather than when the file opens).
 */
import { TRACE_FORMAT_VERSION, TRACE_KINDS, type TraceRecord } from '../../../sim/index.js';
import { scanLine } from './traceScan.js';
import { ColumnBuilder, KIND, type TraceInfo, TraceModel } from './traceModel.js';

/** A trace file that cannot be read; `line` is 1-based. */
export class TraceFileError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFileError';
  }
}

const KINDS = new Set<string>(TRACE_KINDS);
const decoder = new TextDecoder();

/** Line boundaries: line k is bytes [start[k], end[k]) without its newline. */
function splitLines(bytes: Uint8Array): { start: Int32Array; end: Int32Array; count: number } {
  let start = new Int32Array(1 << 16);
  let end = new Int32Array(1 << 16);
  let count = 0;
  let from = 0;
  const n = bytes.length;
  while (from <= n) {
    const nl = bytes.indexOf(10, from);
    const p = nl < 0 ? n : nl;
    if (count === start.length) {
      start = growTo(start, count * 2);
      end = growTo(end, count * 2);
    }
    start[count] = from;
    end[count++] = p > from && bytes[p - 1] === 13 ? p - 1 : p;
    from = p + 1;
  }
  if (count > 0 && start[count - 1] === n) count--; // after the final newline
  while (count > 0 && blank(bytes, start[count - 1] as number, end[count - 1] as number)) count--;
  return { start, end, count };
}

function growTo(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function blank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** Parses a trace file (text or bytes) into a model. Throws TraceFileError. */
export function parseTraceFile(input: string | Uint8Array): TraceModel {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length >= 2 ** 31) throw new TraceFileError(1, 'the file is over 2 GiB');
  const { start, end, count } = splitLines(bytes);
  if (count === 0) throw new TraceFileError(1, 'the file is empty, expected a trace header');
  const line = (k: number) => decoder.decode(bytes.subarray(start[k], end[k]));
  const info = parseHeader(line(0));
  const laneOf = new Map([...info.nodes, ...info.clients].map((id, i) => [id, i]));
  const b = new ColumnBuilder(count - 1, laneOf);
  let last = 0;
  for (let l = 1; l < count; l++) {
    const s = scanLine(bytes, start[l] as number, end[l] as number);
    const r = s !== undefined && KINDS.has(s.kind) ? s : fromJson(parseLine(line(l), l + 1));
    if (r.t < 0) throw new TraceFileError(l + 1, 'expected "t": a non-negative time in µs');
    if (r.t < last) throw new TraceFileError(l + 1, `time ${r.t} goes back before ${last}`);
    last = r.t;
    if (r.node !== undefined && !laneOf.has(r.node)) {
      throw new TraceFileError(l + 1, `node ${JSON.stringify(r.node)} is not in the header`);
    }
    b.putFields(r.t, KIND[r.kind as keyof typeof KIND], r.node, r.peer, r.id, r.tag);
  }
  const fetch = (i: number): TraceRecord => {
    try {
      return JSON.parse(line(i + 1)) as TraceRecord;
    } catch (error) {
      throw new TraceFileError(i + 2, `not JSON (${(error as Error).message})`);
    }
  };
  return new TraceModel(info, b.count, b, fetch);
}

function fromJson(r: TraceRecord): { t: number; kind: string; node?: string; peer?: string;
  id: number; tag?: string } {
  const peer = r.kind === 'send' ? r.to : r.from;
  return { t: r.t, kind: r.kind, ...(r.node === undefined ? {} : { node: r.node }),
    ...(peer === undefined ? {} : { peer }), id: r.id ?? -1,
    ...(r.tag === undefined ? {} : { tag: r.tag }) };
}

function parseJson(line: string, at: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (error) {
    throw new TraceFileError(at, `not JSON (${(error as Error).message})`);
  }
}

function parseHeader(line: string): TraceInfo {
  const h = parseJson(line, 1) as Record<string, unknown> | null;
  if (typeof h !== 'object' || h === null || h.format !== 'faultline-trace') {
    throw new TraceFileError(1, 'expected a header {"format":"faultline-trace",...}');
  }
  if (h.version !== TRACE_FORMAT_VERSION) {
    throw new TraceFileError(1, `trace format version ${String(h.version)} is not supported ` +
      `(this visualizer reads version ${TRACE_FORMAT_VERSION})`);
  }
  const ids = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw new TraceFileError(1, `header field "${field}" must be a list of node ids`);
    }
    return v as string[];
  };
  const nodes = ids(h.nodes, 'nodes');
  const clients = ids(h.clients ?? [], 'clients');
  if (nodes.length + clients.length > 2_000) {
    throw new TraceFileError(1, 'more than 2000 nodes and clients: too many lanes to draw');
  }
  return { seed: String(h.seed), nodes, clients };
}

function parseLine(line: string, at: number): TraceRecord {
  const r = parseJson(line, at) as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null) throw new TraceFileError(at, 'expected a record object');
  if (typeof r.t !== 'number' || !Number.isFinite(r.t) || r.t < 0) {
    throw new TraceFileError(at, 'expected "t": a non-negative time in µs');
  }
  if (typeof r.kind !== 'string' || !KINDS.has(r.kind)) {
    throw new TraceFileError(at, `unknown kind ${JSON.stringify(r.kind)}`);
  }
  for (const field of ['node', 'to', 'from', 'tag'] as const) {
    if (r[field] !== undefined && typeof r[field] !== 'string') {
      throw new TraceFileError(at, `"${field}" must be a string`);
    }
  }
  if (r.id !== undefined && typeof r.id !== 'number') {
    throw new TraceFileError(at, '"id" must be a number');
  }
  return r as unknown as TraceRecord;
}
