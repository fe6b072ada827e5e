/**
 * The Web Worker that opens trace files off the page's thread: it fetches the file (a link the
 * `faultline viz` server offers) or reads it (a dropped or chosen file), reads every line into
 * columns, derives what the views draw, and hashes the records, then transfers the result
 * (packTrace) to the page. A million-event trace thus never holds the page: the page only
 * builds the tag column and draws.
 */
import { TraceReader } from '../model/traceFile.js';
import { packRead, type PackedTrace } from '../model/transfer.js';

/** A request: a served path, or a file. */
export type TraceRequest = { readonly url: string } | { readonly file: Blob };

/** Messages from the worker. */
export type TraceReply =
  | { readonly type: 'done'; readonly packed: PackedTrace;
    /** Fetching and reading lines (overlapped), then deriving and hashing. */
    readonly timings: { readonly fetch: number; readonly read: number } }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<TraceRequest>) => void) | null;
  postMessage(message: TraceReply, transfer?: Transferable[]): void;
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

scope.onmessage = (e) => {
  void (async () => {
    try {
      const t0 = performance.now();
      const { stream, size } = await source(e.data);
      // Lines are read as the bytes arrive, so reading overlaps the download.
      const reader = new TraceReader(size);
      const chunks = stream.getReader();
      for (let next = await chunks.read(); !next.done; next = await chunks.read()) {
        reader.push(next.value);
      }
      const read = reader.finish();
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
