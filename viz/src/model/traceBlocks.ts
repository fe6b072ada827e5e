/**
 * A trace file read in blocks, in parallel: the bytes are cut at line ends into blocks after
 * the header as they arrive, blocks are read by two workers at once (TraceReader with the
 * header known), and the blocks' columns are joined here in file order. Tags are re-coded into
 * one table; each block's line positions become positions in the whole file's bytes; a time
 * that goes back across a cut is an error at its line, as it would be read whole.
 *
 * The receiving side never counts lines: a block is read before its place in the file is
 * known, taking its first record's index as given. The join checks each block's first index
 * against the records before it, and a block that failed (or was misplaced) is read again,
 * placed, so its error names the line and reason reading the whole file would.
 */
import { type ReadTrace, TraceFileError, traceInfo, TraceReader } from './traceFile.js';
import type { Columns, TraceInfo } from './traceModel.js';

/** Reads one block of records (bytes cut at line ends), elsewhere; a rejection is its error. */
export type ReadBlock = (block: Uint8Array, header: TraceInfo, last: boolean) =>
  Promise<ReadTrace>;

/** Blocks are about this long; a file of fewer than two is read in one, where it arrives. */
export const BLOCK = 8 * 2 ** 20;

type Outcome = { readonly read: ReadTrace } | { readonly error: unknown };

/**
 * Reads a file into blocks as it arrives: `push` each chunk, then `finish`. Blocks go to
 * `readBlock` as soon as they are complete, so reading overlaps the transfer.
 */
export class BlockedReading {
  private buf: Uint8Array;
  private length = 0;
  private header: { info: TraceInfo; start: number; end: number } | undefined;
  private next = 0;
  private readonly cuts: { from: number; end: number; last: boolean }[] = [];
  private readonly outcomes: Promise<Outcome>[] = [];

  /** `size`: the file's length when known (0 otherwise), so its buffer is made once. */
  constructor(size: number, private readonly readBlock: ReadBlock,
    private readonly blockSize = BLOCK) {
    this.buf = new Uint8Array(Math.max(size, 1 << 16));
  }

  push(chunk: Uint8Array): void {
    if (this.length + chunk.length >= 2 ** 31) throw new TraceFileError(1, 'the file is over 2 GiB');
    if (this.length + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.min(2 ** 31 - 1,
        Math.max(this.length + chunk.length, this.buf.length * 2)));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
    if (this.header === undefined) this.readHeader();
    while (this.header !== undefined && this.length - this.next >= this.blockSize) {
      const end = lineEndBefore(this.buf, this.next, this.next + this.blockSize);
      if (end < 0) break; // a line longer than a block: wait for its end
      this.dispatch(end, false);
    }
  }

  async finish(): Promise<ReadTrace> {
    if (this.header === undefined) this.readHeader(true);
    const header = this.header;
    if (header === undefined) throw new TraceFileError(1, 'the file is empty, expected a trace header');
    if (this.next < this.length || this.cuts.length === 0) this.dispatch(this.length, true);
    const outcomes = await Promise.all(this.outcomes);
    const blocks: Block[] = [];
    let firstLine = 2;
    outcomes.forEach((outcome, k) => {
      const cut = this.cuts[k] as { from: number; end: number; last: boolean };
      let read = 'read' in outcome ? outcome.read : undefined;
      if (read === undefined || (read.n > 0 && read.firstRecord !== firstLine - 2)) {
        // Read it again where it lies: this throws the error reading it whole would.
        read = new TraceReader(cut.end - cut.from, this.buf.subarray(cut.from, cut.end),
          { header: header.info, firstLine, last: cut.last }).finish();
      }
      blocks.push({ read, offset: cut.from, firstLine });
      firstLine += read.n;
    });
    return joinBlocks(header.info, header, this.buf.subarray(0, this.length), blocks);
  }

  private readHeader(final = false): void {
    const nl = this.buf.subarray(0, this.length).indexOf(10);
    if (nl < 0 && !final) return;
    const end = nl < 0 ? this.length : nl;
    const text = new TextDecoder().decode(this.buf.subarray(0, end)).replace(/\r$/, '');
    this.header = { info: traceInfo(text), start: 0, end };
    this.next = Math.min(this.length, end + 1);
  }

  /** Reads bytes [next, end) as the next block: here for a file of one, else by readBlock. */
  private dispatch(end: number, last: boolean): void {
    const info = (this.header as { info: TraceInfo }).info;
    const from = this.next;
    this.next = end;
    this.cuts.push({ from, end, last });
    if (last && this.outcomes.length === 0) {
      const read = new TraceReader(end - from, this.buf.subarray(from, end),
        { header: info, firstLine: 2, last }).finish();
      this.outcomes.push(Promise.resolve({ read: { ...read, firstRecord: 0 } }));
      return;
    }
    this.outcomes.push(this.readBlock(this.buf.slice(from, end), info, last)
      .then((read) => ({ read }), (error: unknown) => ({ error })));
  }
}

/** A block read: where it starts in the file, and the number of its first line. */
export interface Block {
  readonly read: ReadTrace;
  readonly offset: number;
  readonly firstLine: number;
}

/** Cuts `bytes` [from, to) at the last line end at or before `to`; -1 when none. */
export function lineEndBefore(bytes: Uint8Array, from: number, to: number): number {
  const nl = bytes.subarray(from, to).lastIndexOf(10);
  return nl < 0 ? -1 : from + nl + 1;
}

/** Joins blocks read apart into the trace read whole. */
export function joinBlocks(info: TraceInfo, header: { start: number; end: number },
  bytes: Uint8Array, blocks: readonly Block[]): ReadTrace {
  const n = blocks.reduce((sum, b) => sum + b.read.n, 0);
  const t = new Float64Array(n);
  const kind = new Uint8Array(n);
  const node = new Int16Array(n);
  const peer = new Int16Array(n);
  const mid = new Float64Array(n);
  const tagCode = new Uint16Array(n);
  const tagTable: (string | undefined)[] = [undefined];
  const codes = new Map<string, number>();
  const lineStart = new Int32Array(n + 1);
  const lineEnd = new Int32Array(n + 1);
  lineStart[0] = header.start;
  lineEnd[0] = header.end;
  let at = 0;
  let last = 0;
  for (const { read, offset, firstLine } of blocks) {
    const c: Columns = read.columns;
    if (read.n > 0 && (c.t[0] as number) < last) {
      throw new TraceFileError(firstLine, `time ${c.t[0]} goes back before ${last}`);
    }
    t.set(c.t, at);
    kind.set(c.kind, at);
    node.set(c.node, at);
    peer.set(c.peer, at);
    mid.set(c.mid, at);
    const recode = c.tagTable.map((tag) => {
      if (tag === undefined) return 0;
      let code = codes.get(tag);
      if (code === undefined) {
        code = tagTable.length;
        tagTable.push(tag);
        codes.set(tag, code);
      }
      return code;
    });
    for (let k = 0; k < read.n; k++) {
      tagCode[at + k] = recode[c.tagCode[k] as number] as number;
      lineStart[at + k + 1] = offset + (read.lineStart[k + 1] as number);
      lineEnd[at + k + 1] = offset + (read.lineEnd[k + 1] as number);
    }
    if (read.n > 0) last = c.t[read.n - 1] as number;
    at += read.n;
  }
  return { info, n, columns: { t, kind, node, peer, mid, tagCode, tagTable }, bytes,
    lineStart, lineEnd };
}
