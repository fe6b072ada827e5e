/**
 * The Web Worker that opens trace files off the page's thread. It fetches the file (a link the
 * `faultline viz` server offers) or reads it (a dropped or chosen file) as a stream, and reads
 * it in blocks cut at line ends as the bytes arrive: the blocks go in turn to two block
 * readers (this same script), so on two cores the reading takes about half as long and
 * overlaps the transfer, which this worker goes on receiving. The blocks are joined in order,
 * what the views draw is derived and the records hashed, and the result is transferred
 * (packRead) to the page, which only draws.
 */
import { type Block, joinBlocks, lineEndBefore } from '../model/traceBlocks.js';
import { type ReadTrace, TraceFileError, traceInfo, TraceReader } from '../model/traceFile.js';
import type { TraceInfo } from '../model/traceModel.js';
import { packRead, type PackedTrace } from '../model/transfer.js';

/** A request: a served path, or a file; or, to a block reader, a block to read. */
export type TraceRequest = { readonly url: string } | { readonly file: Blob };
type BlockRequest = { readonly block: Uint8Array; readonly k: number; readonly header: TraceInfo;
  readonly firstLine: number; readonly last: boolean };

/** Messages from the worker. */
export type TraceReply =
  | { readonly type: 'done'; readonly packed: PackedTrace;
    /** Fetching and reading lines (overlapped), then deriving and hashing. */
    readonly timings: { readonly fetch: number; readonly read: number } }
  | { readonly type: 'error'; readonly name: string; readonly message: string };
type BlockReply = { readonly type: 'block'; readonly k: number; readonly read: ReadTrace } |
  { readonly type: 'error'; readonly name: string; readonly message: string };

/** Blocks are about this long; a file of fewer than two is read in one. */
const BLOCK = 8 * 2 ** 20;
/**
 * Block readers: one per core on the machines this runs on. This worker only receives the
 * bytes and hands out blocks, so receiving never waits for reading.
 */
const READERS = 2;

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<TraceRequest | BlockRequest>) => void) | null;
  postMessage(message: TraceReply | BlockReply, transfer?: ArrayBuffer[]): void;
};

/** The file's bytes as a stream, and its size when known. */
async function source(request: TraceRequest): Promise<{ stream: ReadableStream<Uint8Array>;
  size: number }> {
  if ('url' in request) {
    const response = await fetch(request.url);
    if (!response.ok || response.body === null) {
      throw new Error(`could not fetch ${request.url}: HTTP ${response.status}`);
    }
    return { stream: response.body, size: Number(response.headers.get('content-length') ?? 0) };
  }
  return { stream: request.file.stream(), size: request.file.size };
}

function lines(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let p = bytes.indexOf(10, from); p >= 0 && p < to; p = bytes.indexOf(10, p + 1)) count++;
  return count;
}

/** Reads a file into blocks as it arrives, block readers reading them in turn. */
class BlockedReading {
  private buf: Uint8Array;
  private length = 0;
  private header: { info: TraceInfo; start: number; end: number } | undefined;
  private next = 0;
  private linesBefore = 1;
  private readonly helpers: Worker[] = [];
  private readonly blocks: Promise<Block>[] = [];

  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(size, 1 << 16));
  }

  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.length + chunk.length, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
    if (this.header === undefined) this.readHeader();
    while (this.header !== undefined && this.length - this.next >= BLOCK) {
      const end = lineEndBefore(this.buf, this.next, this.next + BLOCK);
      if (end < 0) break; // a line longer than a block: wait for its end
      this.dispatch(end, false);
    }
  }

  async finish(): Promise<ReadTrace> {
    if (this.header === undefined) this.readHeader(true);
    const header = this.header;
    if (header === undefined) throw new TraceFileError(1, 'the file is empty, expected a trace header');
    if (this.next < this.length || this.blocks.length === 0) this.dispatch(this.length, true);
    try {
      const blocks = await Promise.all(this.blocks);
      return joinBlocks(header.info, header, this.buf.subarray(0, this.length), blocks);
    } finally {
      for (const helper of this.helpers) helper.terminate();
    }
  }

  private readHeader(final = false): void {
    const nl = this.buf.subarray(0, this.length).indexOf(10);
    if (nl < 0 && !final) return;
    const end = nl < 0 ? this.length : nl;
    const text = new TextDecoder().decode(this.buf.subarray(0, end)).replace(/\r$/, '');
    this.header = { info: traceInfo(text), start: 0, end };
    this.next = Math.min(this.length, end + 1);
  }

  /** Reads bytes [next, end) as the next block, here or in the helper. */
  private dispatch(end: number, last: boolean): void {
    const header = this.header as { info: TraceInfo };
    const from = this.next;
    const k = this.blocks.length;
    const firstLine = this.linesBefore + 1;
    this.linesBefore += lines(this.buf, from, end);
    this.next = end;
    if (last && k === 0) {
      // A file of one block: no reader to start.
      const read = new TraceReader(end - from, this.buf.subarray(from, end),
        { header: header.info, firstLine, last }).finish();
      this.blocks.push(Promise.resolve({ read, offset: from, firstLine }));
      return;
    }
    this.blocks.push(this.remote(this.buf.slice(from, end), k, header.info, firstLine, last)
      .then((read) => ({ read, offset: from, firstLine })));
  }

  private remote(block: Uint8Array, k: number, header: TraceInfo, firstLine: number,
    last: boolean): Promise<ReadTrace> {
    if (this.helpers.length < READERS) {
      this.helpers.push(new Worker(new URL('./traceWorker.ts', import.meta.url), { type: 'module' }));
    }
    const helper = this.helpers[k % this.helpers.length] as Worker;
    return new Promise((resolve, reject) => {
      const listen = (e: MessageEvent<BlockReply>) => {
        if (e.data.type === 'error') {
          helper.removeEventListener('message', listen);
          const error = new Error(e.data.message);
          error.name = e.data.name;
          return reject(error);
        }
        if (e.data.k !== k) return;
        helper.removeEventListener('message', listen);
        resolve(e.data.read);
      };
      helper.addEventListener('message', listen);
      helper.onerror = (e) => reject(new Error(`the block reader failed: ${e.message}`));
      const request: BlockRequest = { block, k, header, firstLine, last };
      helper.postMessage(request, [block.buffer as ArrayBuffer]);
    });
  }
}

/** As a block reader: reads one block and sends its columns back. */
function readBlock(request: BlockRequest): void {
  try {
    const read = new TraceReader(request.block.length, request.block,
      { header: request.header, firstLine: request.firstLine, last: request.last }).finish();
    const c = read.columns;
    scope.postMessage({ type: 'block', k: request.k, read: { ...read, bytes: new Uint8Array(0) } },
      [c.t, c.kind, c.node, c.peer, c.mid, c.tagCode, read.lineStart, read.lineEnd]
        .map((a) => a.buffer as ArrayBuffer));
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    scope.postMessage({ type: 'error', name: err.name, message: err.message });
  }
}

scope.onmessage = (e) => {
  if ('block' in e.data) return readBlock(e.data);
  const request = e.data;
  void (async () => {
    try {
      const t0 = performance.now();
      const { stream, size } = await source(request);
      const reading = new BlockedReading(size);
      const chunks = stream.getReader();
      for (let next = await chunks.read(); !next.done; next = await chunks.read()) {
        reading.push(next.value);
      }
      const read = await reading.finish();
      const t1 = performance.now();
      const { packed, transfer } = packRead(read);
      scope.postMessage({ type: 'done', packed,
        timings: { fetch: t1 - t0, read: performance.now() - t1 } }, transfer);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      scope.postMessage({ type: 'error', name: err.name, message: err.message });
    }
  })();
};
