/**
 * Reads a trace file (JSON Lines, sim/trace.ts): a header line `{format: 'faultline-trace',
 * version, seed, nodes, clients}`, then one record per line. Everything in the file is data:
 * it is read with JSON.parse or the byte scanner (traceScan.ts), checked by the trace schema
 * that `faultline replay` checks with too (sim/traceSchema.ts), and shown with textContent
 * or canvas text. A malformed file gets an error naming the line and what was expected.
 *
 * For speed on a million records the file stays as bytes: lines in the engine's own form
 * are scanned field by field up to their payload, others go through JSON.parse, and a
 * record's payload is parsed only when someone looks at it (so a broken payload is reported
 * then, in the tooltip or inspector, rather than when the file opens).
 */
import { readTraceHeader, TraceChecker, TraceFormatError, type TraceRecord } from
  '../../../sim/index.js';
import { scanLine } from './traceScan.js';
import { ColumnBuilder, KIND, type TraceInfo, TraceModel } from './traceModel.js';

/** A trace file that cannot be read; `line` and `column` are 1-based. */
export class TraceFileError extends Error {
  constructor(readonly line: number, message: string, readonly column = 1) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFileError';
  }
}
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
  const header = located(() => readTraceHeader(line(0)));
  const info: TraceInfo = { seed: header.seed, nodes: header.nodes, clients: header.clients };
  const laneOf = new Map([...info.nodes, ...info.clients].map((id, i) => [id, i]));
  const b = new ColumnBuilder(count - 1, laneOf);
  const checker = new TraceChecker(header);
  located(() => {
    for (let l = 1; l < count; l++) {
      const s = scanLine(bytes, start[l] as number, end[l] as number);
      if (s !== undefined) {
        const [to, from] = s.peerKey === 'to' ? [s.peer, undefined] : [undefined, s.peer];
        checker.check(s.i, s.t, s.kind, s.node, to, from, s.id < 0 ? undefined : s.id, s.tag,
          () => line(l), l + 1);
        b.putFields(s.t, KIND[s.kind as keyof typeof KIND], s.node, s.peer, s.id, s.tag);
      } else {
        const r = checker.read(line(l), l + 1);
        b.putFields(r.t, KIND[r.kind], r.node, r.kind === 'send' ? r.to : r.from, r.id ?? -1,
          r.tag);
      }
    }
  });
  const fetch = (i: number): TraceRecord => {
    try {
      return JSON.parse(line(i + 1)) as TraceRecord;
    } catch (error) {
      throw new TraceFileError(i + 2, `not JSON (${(error as Error).message})`);
    }
  };
  return new TraceModel(info, b.count, b, fetch);
}

/** Runs `read`, turning the trace schema's errors into this reader's. */
function located<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof TraceFormatError)) throw error;
    throw new TraceFileError(error.line, error.reason, error.column);
  }
}
