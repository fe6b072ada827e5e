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
import { readTraceHeader, TRACE_FORMAT_VERSION, TraceChecker, TraceFormatError, type TraceHeader,
  type TraceRecord } from '../../../sim/index.js';
import { scanLine } from './traceScan.js';
import { ColumnBuilder, type Columns, KIND, type TraceInfo, TraceModel } from './traceModel.js';

/** A trace file that cannot be read; `line` and `column` are 1-based. */
export class TraceFileError extends Error {
  constructor(readonly line: number, message: string, readonly column = 1) {
    super(`line ${line}: ${message}`);
    this.name = 'TraceFileError';
  }
}

const decoder = new TextDecoder();

function growTo<A extends Int32Array | Uint8Array>(a: A, size: number, make: (n: number) => A): A {
  const b = make(size);
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

/**
 * A trace file read into columns, with its bytes and where each line lies in them (a record's
 * payload is parsed from its line when someone looks at it). Everything in it can be sent to
 * another thread: typed arrays, a few strings, the file's bytes.
 */
export interface ReadTrace {
  readonly info: TraceInfo;
  readonly n: number;
  readonly columns: Columns;
  /**
   * The file's bytes, in the pieces it was read in (one, or a block each when read in blocks:
   * never copied together); piece k starts at byte `pieceAt[k]` of the file.
   */
  readonly pieces: readonly Uint8Array[];
  readonly pieceAt: readonly number[];
  /** Line k+1 (record k) is the file's bytes [lineStart[k+1], lineEnd[k+1]). */
  readonly lineStart: Int32Array;
  readonly lineEnd: Int32Array;
  /**
   * A block read without knowing where it lies in the file (`firstLine` undefined): the index
   * its first record gave, which the join checks is the count of records before it.
   */
  readonly firstRecord?: number;
}

/** Average bytes per line of an engine trace, to size the columns before reading. */
const BYTES_PER_LINE = 150;

/**
 * Reads a trace file as its bytes arrive, chunk by chunk (a download or a file being read):
 * every complete line is read into the columns at once, so reading overlaps the transfer.
 * Blank lines may only end the file.
 */
export class TraceReader {
  private buf: Uint8Array;
  private length = 0;
  /** Where the next unread line starts. */
  private pos = 0;
  private starts: Int32Array;
  private ends: Int32Array;
  private lines = 0;
  /** Blank lines seen and not yet followed by a record (they may end the file). */
  private blanks = 0;
  private info: TraceInfo | undefined;
  private laneOf: ReadonlyMap<string, number> = new Map();
  private b: ColumnBuilder | undefined;
  private checker: TraceChecker | undefined;

  /**
   * `whole`: a file already in memory, read where it is, not copied. `header`: read a block of
   * a file whose header is known (its lines are records from the first; a placeholder stands
   * in for the header line, so record k is still line k + 1); `firstLine` numbers its first
   * line in errors. A block whose place is not known yet (no `firstLine`) takes its first
   * record's index as given and numbers its lines from 2: the join checks the index, and
   * reads the block again, placed, to report any error at its true line.
   */
  constructor(private readonly expectedBytes = 0, whole?: Uint8Array,
    private readonly block?: { readonly header: TraceInfo; readonly firstLine?: number;
      /** Whether the block ends the file (only then may it end with blank lines). */
      readonly last: boolean }) {
    this.buf = whole ?? new Uint8Array(Math.max(expectedBytes, 1 << 16));
    this.length = whole?.length ?? 0;
    const lines = Math.max(1 << 12, Math.ceil(expectedBytes / BYTES_PER_LINE));
    this.starts = new Int32Array(lines);
    this.ends = new Int32Array(lines);
    if (block !== undefined) {
      // Record k of the file is on line k + 2: this block's first record is record firstLine - 2.
      this.start(block.header, block.firstLine === undefined ? null : block.firstLine - 2);
      this.lines = 1; // the header's place
      this.offset = (block.firstLine ?? 2) - 2;
    }
  }

  /** Line numbers in errors are this much more than the reader's own count. */
  private offset = 0;

  /** `firstRecord` null: taken from the first record (a block not yet placed). */
  private start(info: TraceInfo, firstRecord: number | null = 0): void {
    this.info = info;
    this.laneOf = new Map([...info.nodes, ...info.clients].map((id, i) => [id, i]));
    this.b = new ColumnBuilder(Math.ceil(this.expectedBytes / BYTES_PER_LINE) + 16, this.laneOf);
    if (firstRecord !== null) this.checker = new TraceChecker(headerOf(info), firstRecord);
  }

  /** The index the first record of an unplaced block gives (0 when it gives none). */
  private firstRecord: number | undefined;

  /** Appends the next bytes of the file and reads the lines they complete. */
  push(chunk: Uint8Array): void {
    if (this.length + chunk.length >= 2 ** 31) throw new TraceFileError(1, 'the file is over 2 GiB');
    if (this.length + chunk.length > this.buf.length) {
      this.buf = growTo(this.buf, Math.max(this.length + chunk.length,
        Math.ceil(this.buf.length * 1.5)), (n) => new Uint8Array(n));
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
    this.readLines(false);
  }

  /** Reads the last line and returns the trace. */
  finish(): ReadTrace {
    this.readLines(true);
    if (this.blanks > 0 && this.block?.last === false) {
      throw new TraceFileError(this.lines + this.offset + 1, 'a blank line inside the trace');
    }
    const b = this.b;
    if (this.info === undefined || b === undefined) {
      throw new TraceFileError(1, 'the file is empty, expected a trace header');
    }
    return { info: this.info, n: b.count, columns: b.trimmed(),
      pieces: [this.buf.subarray(0, this.length)], pieceAt: [0], lineStart: this.starts,
      lineEnd: this.ends,
      ...(this.firstRecord === undefined ? {} : { firstRecord: this.firstRecord }) };
  }

  private readLines(final: boolean): void {
    // Searched only up to the bytes received: the buffer past them is empty.
    const buf = this.buf.subarray(0, this.length);
    while (this.pos < this.length) {
      const nl = buf.indexOf(10, this.pos);
      if (nl < 0 && !final) return;
      const p = nl < 0 ? this.length : nl;
      this.line(this.pos, p > this.pos && buf[p - 1] === 13 ? p - 1 : p);
      this.pos = p + 1;
    }
  }

  /**
   * The checker of an unplaced block, made at its first record: it expects the index that
   * record gives (the join checks that index against the records before the block).
   */
  private placeAt(from: number, to: number): TraceChecker {
    let first = scanLine(this.buf, from, to)?.i;
    if (first === undefined) {
      try {
        const r = JSON.parse(decoder.decode(this.buf.subarray(from, to))) as { i?: unknown };
        first = typeof r.i === 'number' && Number.isSafeInteger(r.i) && r.i >= 0 ? r.i : 0;
      } catch {
        first = 0; // not JSON: the checker reports it
      }
    }
    this.firstRecord = first;
    this.checker = new TraceChecker(headerOf(this.info as TraceInfo), first);
    return this.checker;
  }

  /** One line, bytes [from, to). */
  private line(from: number, to: number): void {
    const number = this.lines + this.blanks + 1 + this.offset;
    if (blank(this.buf, from, to)) {
      this.blanks++;
      return;
    }
    if (this.blanks > 0) throw new TraceFileError(number - 1, 'a blank line inside the trace');
    if (this.lines === this.starts.length) {
      this.starts = growTo(this.starts, this.lines * 2, (n) => new Int32Array(n));
      this.ends = growTo(this.ends, this.lines * 2, (n) => new Int32Array(n));
    }
    this.starts[this.lines] = from;
    this.ends[this.lines++] = to;
    this.at = from;
    this.to = to;
    if (this.info === undefined) return this.start(traceInfo(this.text()));
    const checker = this.checker ?? this.placeAt(from, to);
    const b = this.b as ColumnBuilder;
    // No closure per line: on a million lines their allocation alone shows in the profile.
    try {
      const s = scanLine(this.buf, from, to);
      if (s !== undefined) {
        const sent = s.peerKey === 'to';
        checker.check(s.i, s.t, s.kind, s.node, sent ? s.peer : undefined,
          sent ? undefined : s.peer,
          s.id < 0 ? undefined : s.id, s.tag, this.text, number);
        b.putFields(s.t, KIND[s.kind as keyof typeof KIND], s.node, s.peer, s.id, s.tag);
      } else {
        const r = checker.read(this.text(), number);
        b.putFields(r.t, KIND[r.kind], r.node, r.kind === 'send' ? r.to : r.from, r.id ?? -1,
          r.tag);
      }
    } catch (error) {
      throw located(error);
    }
  }

  /** Bytes [at, to) are the line being read. */
  private at = 0;
  private to = 0;

  /** The text of the line being read (for errors, and lines not in the engine's form). */
  private readonly text = (): string => decoder.decode(this.buf.subarray(this.at, this.to));
}

/** Reads a trace file (text or bytes) into columns. Throws TraceFileError. */
export function readTrace(input: string | Uint8Array): ReadTrace {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length >= 2 ** 31) throw new TraceFileError(1, 'the file is over 2 GiB');
  return new TraceReader(bytes.length, bytes).finish();
}

/** The model over a read trace: payloads parsed from their lines on demand. */
export function modelOf(read: ReadTrace): TraceModel {
  const { pieces, pieceAt, lineStart, lineEnd } = read;
  const fetch = (i: number): TraceRecord => {
    const from = lineStart[i + 1] as number;
    // The last piece that starts at or before the line (a line never spans two).
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((pieceAt[mid] as number) <= from) lo = mid;
      else hi = mid - 1;
    }
    const base = pieceAt[lo] as number;
    const text = decoder.decode((pieces[lo] as Uint8Array).subarray(from - base,
      (lineEnd[i + 1] as number) - base));
    try {
      return JSON.parse(text) as TraceRecord;
    } catch (error) {
      throw new TraceFileError(i + 2, `not JSON (${(error as Error).message})`);
    }
  };
  return new TraceModel(read.info, read.n, read.columns, fetch);
}

/** Parses a trace file (text or bytes) into a model. Throws TraceFileError. */
export function parseTraceFile(input: string | Uint8Array): TraceModel {
  return modelOf(readTrace(input));
}

/** The trace schema's error as this reader's; any other error as it is. */
function located(error: unknown): unknown {
  return error instanceof TraceFormatError
    ? new TraceFileError(error.line, error.reason, error.column) : error;
}

/** The header line read and checked by the trace schema, with the `meta` the page shows. */
export function traceInfo(line: string): TraceInfo {
  let header: TraceHeader;
  try {
    header = readTraceHeader(line);
  } catch (error) {
    throw located(error);
  }
  const meta = typeof header.meta === 'object' && header.meta !== null
    ? header.meta as Record<string, unknown> : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const scenario = text(meta.scenario);
  const file = text(meta.file);
  const name = text(meta.name);
  return { seed: header.seed, nodes: header.nodes, clients: header.clients,
    ...(scenario === undefined ? {} : { meta: { scenario, ...(file === undefined ? {} : { file }),
      ...(name === undefined ? {} : { name }) } }) };
}

/** The schema's header for a header already read. */
function headerOf(info: TraceInfo): TraceHeader {
  return { format: 'faultline-trace', version: TRACE_FORMAT_VERSION, seed: info.seed,
    nodes: info.nodes, clients: info.clients };
}
