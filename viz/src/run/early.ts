/**
 * Opening a trace the address names before the app has loaded: the page's entry starts the
 * trace worker on the served file at once, so the file is on its way and being read while the
 * app's code is fetched, compiled and run (on a loaded machine, a few hundred milliseconds).
 * The app then takes the worker that is already at work instead of starting one. This module
 * is tiny on purpose: it is all the entry runs before the app.
 */
import type { TraceReply, TraceRequest } from './traceWorker.js';
import { servedTrace } from './urlState.js';

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
