/**
 * Reads a trace file (JSON Lines, sim/trace.ts): a header line `{format: 'faultline-trace',
 * version, seed, nodes, clients}`, then one record per line. Everything in the file is data:
 * it is parsed with JSON.parse only and shown with textContent or canvas text. A malformed
 * file gets an error naming the line and what was expected.
 *
 * For speed on a million records, lines are parsed once into the model's columns and the
 * line text is kept, so a record's payload is parsed again only when someone looks at it.
 */
import { TRACE_FORMAT_VERSION, TRACE_KINDS, type TraceRecord } from '../../../sim/index.js';
import { ColumnBuilder, type TraceInfo, TraceModel } from './traceModel.js';

/** A trace file that cannot be read; `line` is 1-based. */
export class TraceFileError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFileError';
  }
}

const KINDS = new Set<string>(TRACE_KINDS);

/** Parses a trace file into a model. Throws TraceFileError. */
export function parseTraceFile(text: string): TraceModel {
  const lines = text.split('\n');
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw new TraceFileError(1, 'the file is empty, expected a trace header');
  const info = parseHeader(lines[0] as string);
  const laneOf = new Map([...info.nodes, ...info.clients].map((id, i) => [id, i]));
  const b = new ColumnBuilder(lines.length - 1, laneOf);
  let last = 0;
  for (let l = 1; l < lines.length; l++) {
    const r = parseLine(lines[l] as string, l + 1);
    if (r.t < last) throw new TraceFileError(l + 1, `time ${r.t} goes back before ${last}`);
    last = r.t;
    if (r.node !== undefined && !laneOf.has(r.node)) {
      throw new TraceFileError(l + 1, `node ${JSON.stringify(r.node)} is not in the header`);
    }
    b.put(r);
  }
  const fetch = (i: number): TraceRecord => JSON.parse(lines[i + 1] as string) as TraceRecord;
  return new TraceModel(info, b.count, b, fetch);
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
  if (r.id !== undefined && typeof r.id !== 'number') throw new TraceFileError(at, '"id" must be a number');
  return r as unknown as TraceRecord;
}
