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

/** What became of a block given to a reader: read, or an error and the bytes back. */
export type BlockOutcome = { readonly read: ReadTrace } |
  { readonly error: unknown; readonly bytes: Uint8Array | undefined };

/**
 * Reads one block of records (bytes cut at line ends, not yet placed in the file), elsewhere:
 * the block's buffer may be transferred, and comes back as the read's piece (or with the error).
 */
export type ReadBlock = (block: Uint8Array, header: TraceInfo, last: boolean) =>
  Promise<BlockOutcome>;

/** Blocks are about this long; a file of fewer than two is read in one, where it arrives. */
export const BLOCK = 8 * 2 ** 20;

/**
 * Reads a file into blocks as it arrives: `push` each chunk, then `finish`. Chunks are copied
 * into the block being filled, each block into a buffer of its own, and a full block is cut
 * at its last line end and handed to `readBlock` at once (its buffer transferred, not copied:
 * on a file of hundreds of MiB a second copy costs the receiving thread as much as the first),
 * so reading overlaps the transfer. The blocks' buffers come back as the trace's pieces.
 */
export class BlockedReading {
  /** The block being filled, from byte `curAt` of the file; its records start at `curFrom`. */
  private cur: Uint8Array;
  private curLen = 0;
  private curAt = 0;
  private curFrom = 0;
  private total = 0;
  private header: { info: TraceInfo; start: number; end: number } | undefined;
  /** Where each block starts in the file, and whether it ends it. */
  private readonly cuts: { at: number; last: boolean }[] = [];
  private readonly outcomes: Promise<BlockOutcome>[] = [];

  constructor(private readonly readBlock: ReadBlock, private readonly blockSize = BLOCK) {
    this.cur = new Uint8Array(blockSize);
  }

  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.total >= 2 ** 31) throw new TraceFileError(1, 'the file is over 2 GiB');
    let p = 0;
    while (p < chunk.length) {
      const n = Math.min(chunk.length - p, this.cur.length - this.curLen);
      this.cur.set(chunk.subarray(p, p + n), this.curLen);
      this.curLen += n;
      p += n;
      if (this.header === undefined) this.readHeader(false);
      if (this.curLen === this.cur.length) this.cut();
    }
  }

  async finish(): Promise<ReadTrace> {
    if (this.header === undefined) this.readHeader(true);
    const header = this.header;
    if (header === undefined) throw new TraceFileError(1, 'the file is empty, expected a trace header');
    if (this.curLen > this.curFrom || this.cuts.length === 0) this.send(this.curLen, true);
    const outcomes = await Promise.all(this.outcomes);
    const blocks: Block[] = [];
    let firstLine = 2;
    outcomes.forEach((outcome, k) => {
      const cut = this.cuts[k] as { at: number; last: boolean };
      let read = 'read' in outcome ? outcome.read : undefined;
      if (read === undefined || (read.n > 0 && read.firstRecord !== firstLine - 2)) {
        // Read it again where it lies: this throws the error reading it whole would.
        const bytes = read?.pieces[0] ?? ('bytes' in outcome ? outcome.bytes : undefined);
        if (bytes === undefined) throw (outcome as { error: unknown }).error;
        read = new TraceReader(bytes.length, bytes, { header: header.info, firstLine,
          last: cut.last }).finish();
      }
      blocks.push({ read, offset: cut.at, firstLine });
      firstLine += read.n;
    });
    return joinBlocks(header.info, header, blocks);
  }

  /** The block is full: hand it on up to its last line end, and start the next with the rest. */
  private cut(): void {
    const end = this.header === undefined ? -1 : lineEndBefore(this.cur, this.curFrom, this.curLen);
    if (end <= this.curFrom) {
      // A header or line longer than a block: make room and wait for its end.
      const grown = new Uint8Array(this.cur.length * 2);
      grown.set(this.cur);
      this.cur = grown;
      return;
    }
    const rest = this.cur.slice(end, this.curLen);
    const at = this.curAt + end;
    this.send(end, false);
    this.cur = new Uint8Array(Math.max(this.blockSize, rest.length * 2));
    this.cur.set(rest);
    this.curLen = rest.length;
    this.curAt = at;
    this.curFrom = 0;
  }

  private readHeader(final: boolean): void {
    const nl = this.cur.subarray(0, this.curLen).indexOf(10);
    if (nl < 0 && !final) return;
    const end = nl < 0 ? this.curLen : nl;
    const text = new TextDecoder().decode(this.cur.subarray(0, end)).replace(/\r$/, '');
    this.header = { info: traceInfo(text), start: 0, end };
    this.curFrom = Math.min(this.curLen, end + 1);
  }

  /** Hands on bytes [curFrom, end) of the block: read here for a file of one, else by readBlock. */
  private send(end: number, last: boolean): void {
    const info = (this.header as { info: TraceInfo }).info;
    const block = this.cur.subarray(this.curFrom, end);
    this.cuts.push({ at: this.curAt + this.curFrom, last });
    if (last && this.outcomes.length === 0) {
      const read = new TraceReader(block.length, block, { header: info, firstLine: 2, last })
        .finish();
      this.outcomes.push(Promise.resolve({ read: { ...read, firstRecord: 0 } }));
      return;
    }
    this.outcomes.push(this.readBlock(block, info, last)
      .catch((error: unknown) => ({ error, bytes: undefined })));
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

/** Joins blocks read apart into the trace read whole; their bytes stay the pieces they are. */
export function joinBlocks(info: TraceInfo, header: { start: number; end: number },
  blocks: readonly Block[]): ReadTrace {
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
  return { info, n, columns: { t, kind, node, peer, mid, tagCode, tagTable },
    pieces: blocks.map((b) => b.read.pieces[0] ?? new Uint8Array(0)),
    pieceAt: blocks.map((b) => b.offset), lineStart, lineEnd };
}
