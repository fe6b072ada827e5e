/**
 * The Web Worker that opens trace files off the page's thread. It fetches the file (a link the
 * `faultline viz` server offers) or reads it (a dropped or chosen file) as a stream, and cuts it
 * into blocks at line ends as the bytes arrive (traceBlocks.ts): each block goes, its buffer
 * transferred, to one of two block readers (this same script, started before the first byte),
 * so on two cores the reading takes about half as long and overlaps the transfer, which this
 * worker goes on receiving. The blocks are joined in order (their bytes stay the pieces they
 * came in), what the views draw is derived, and the result is transferred (packRead) to the
 * page, which only draws.
 */
import { BLOCK, BlockedReading, type ReadBlock } from '../model/traceBlocks.js';
import { type ReadTrace, TraceReader } from '../model/traceFile.js';
import type { TraceInfo } from '../model/traceModel.js';
import { packRead, type PackedTrace } from '../model/transfer.js';

/** A request: a served path, or a file; or, to a block reader, a block to read. */
export type TraceRequest = { readonly url: string } | { readonly file: Blob };
type BlockRequest = { readonly block: Uint8Array; readonly k: number; readonly header: TraceInfo;
  readonly last: boolean };

/** Messages from the worker. */
export type TraceReply =
  | { readonly type: 'done'; readonly packed: PackedTrace;
    /** Fetching and reading lines (overlapped), then deriving and hashing. */
    readonly timings: { readonly fetch: number; readonly read: number } }
  | { readonly type: 'error'; readonly name: string; readonly message: string };
type BlockReply = { readonly type: 'block'; readonly k: number; readonly read: ReadTrace } |
  { readonly type: 'error'; readonly k: number; readonly name: string; readonly message: string;
    readonly bytes: Uint8Array };

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

/**
 * The block readers, started (`warm`) as soon as the file is known to need them, so that they
 * have loaded when the first block is cut; block k goes to reader k mod READERS.
 */
class Readers {
  private readonly helpers: Worker[] = [];
  private k = 0;

  warm(): void {
    while (this.helpers.length < READERS) {
      this.helpers.push(new Worker(new URL('./traceWorker.ts', import.meta.url), { type: 'module' }));
    }
  }

  readonly read: ReadBlock = (block, header, last) => {
    this.warm();
    const k = this.k++;
    const helper = this.helpers[k % this.helpers.length] as Worker;
    return new Promise((resolve) => {
      const listen = (e: MessageEvent<BlockReply>) => {
        if (e.data.k !== k) return;
        helper.removeEventListener('message', listen);
        if (e.data.type === 'error') {
          const error = new Error(e.data.message);
          error.name = e.data.name;
          return resolve({ error, bytes: e.data.bytes });
        }
        resolve({ read: e.data.read });
      };
      helper.addEventListener('message', listen);
      helper.addEventListener('error', (e) => resolve({
        error: new Error(`the block reader failed: ${e.message}`), bytes: undefined }));
      const request: BlockRequest = { block, k, header, last };
      helper.postMessage(request, [block.buffer as ArrayBuffer]);
    });
  };

  stop(): void {
    for (const helper of this.helpers) helper.terminate();
  }
}

/** As a block reader: reads one block and sends its columns back, with its bytes. */
function readBlock(request: BlockRequest): void {
  const bytes = request.block;
  try {
    const read = new TraceReader(bytes.length, bytes,
      { header: request.header, last: request.last }).finish();
    const c = read.columns;
    scope.postMessage({ type: 'block', k: request.k, read },
      [bytes, c.t, c.kind, c.node, c.peer, c.mid, c.tagCode, read.lineStart, read.lineEnd]
        .map((a) => a.buffer as ArrayBuffer));
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    scope.postMessage({ type: 'error', k: request.k, name: err.name, message: err.message,
      bytes }, [bytes.buffer as ArrayBuffer]);
  }
}

scope.onmessage = (e) => {
  if ('block' in e.data) return readBlock(e.data);
  const request = e.data;
  void (async () => {
    try {
      const t0 = performance.now();
      const readers = new Readers();
      let read: ReadTrace;
      try {
        const { stream, size } = await source(request);
        if (size === 0 || size >= 2 * BLOCK) readers.warm(); // unknown, or several blocks
        const reading = new BlockedReading(readers.read);
        const chunks = stream.getReader();
        for (let next = await chunks.read(); !next.done; next = await chunks.read()) {
          reading.push(next.value);
        }
        read = await reading.finish();
      } finally {
        readers.stop();
      }
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
