/**
 * A trace file read in blocks, in parallel: the bytes are cut at line ends into blocks after
 * the header, blocks are read by two workers at once (TraceReader with the header known), and
 * the blocks' columns are joined here in file order. Tags are re-coded into one table; each
 * block's line positions become positions in the whole file's bytes; a time that goes back
 * across a cut is an error at its line, as it would be read whole.
 */
import { type ReadTrace, TraceFileError } from './traceFile.js';
import type { Columns, TraceInfo } from './traceModel.js';

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
