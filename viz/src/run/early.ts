/**
 * Opening a trace the address names before the app has loaded: the page's entry starts the
 * trace worker on the served file at once, so the file is on its way and being read while the
 * app's code is fetched, compiled and run (on a loaded machine, a few hundred milliseconds).
 * The app then takes the worker that is already at work instead of starting one. This module
 * is tiny on purpose: it is all the entry runs before the app.
 */
import type { TraceReply, TraceRequest } from './traceWorker.js';

/** A trace worker at work on a request, with its one reply to come. */
export interface Started {
  readonly url: string | undefined;
  readonly worker: Worker;
  readonly reply: Promise<TraceReply>;
}

let early: Started | undefined;

/** Starts the trace worker on a request. */
export function startTraceWorker(request: TraceRequest): Started {
  const worker = new Worker(new URL('./traceWorker.ts', import.meta.url), { type: 'module' });
  const reply = new Promise<TraceReply>((resolve) => {
    worker.onerror = (e) => resolve({ type: 'error', name: 'Error',
      message: `the trace reader failed: ${e.message}` });
    worker.onmessage = (e: MessageEvent<TraceReply>) => resolve(e.data);
  }).finally(() => worker.terminate());
  worker.postMessage(request);
  return { url: 'url' in request ? request.url : undefined, worker, reply };
}

/** Whether a link may open `path`: a plain relative path the server could offer. */
export function servable(path: string): boolean {
  return /^[\w./-]+$/.test(path) && !path.includes('..') && !path.startsWith('/');
}

/** Whether `path` names a trace (JSON Lines) rather than a scenario. */
export function isTracePath(path: string): boolean {
  return /\.jsonl?$/.test(path.split('/').pop() ?? path);
}

/** The served trace an address opens (`#open=input/run.jsonl`), if it opens one. */
export function servedTrace(hash: string): string | undefined {
  const path = new URLSearchParams(hash.replace(/^#/, '')).get('open') ?? undefined;
  return path !== undefined && servable(path) && isTracePath(path) ? path : undefined;
}

/** Starts reading the trace the address names, if it names one. */
export function openEarly(hash: string, base: string): void {
  const path = servedTrace(hash);
  if (path !== undefined) early = startTraceWorker({ url: new URL(path, base).href });
}

/** Stops the worker started early, if the app will not take it (a link that fails). */
export function dropEarly(): void {
  early?.worker.terminate();
  early = undefined;
}

/** The worker started early for this request, if any (once). */
export function takeEarly(request: TraceRequest): Started | undefined {
  const found = early;
  early = undefined;
  if (found === undefined) return undefined;
  if ('url' in request && request.url === found.url) return found;
  found.worker.terminate();
  return undefined;
}
