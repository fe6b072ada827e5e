/**
 * Runs a session in the Web Worker (runWorker.ts) and takes the outcome it sends back: the
 * trace read from its own JSON Lines into columns, derived, and hashed in the worker. The
 * hash read back is checked against the run's own: a mismatch would mean the trace format
 * lost something, and is reported rather than drawn. Opens trace files in the trace worker
 * (traceWorker.ts) the same way. One run at a time: starting another stops the one in flight.
 */
import type { RunReport } from '../../../runner/index.js';
import { type PackedTrace, unpackTrace } from '../model/transfer.js';
import type { Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import type { RunMessage, RunRequest } from './runWorker.js';
import type { TraceRequest } from './traceWorker.js';
import { startTraceWorker, takeEarly } from './early.js';
import type { RunOutcome, Session } from './session.js';

let current: Worker | undefined;

/** The worker's trace would not fit in a message: run in the page instead. */
export class TraceTooBig extends Error {
  constructor(readonly limit: number) {
    super(`the trace is over ${Math.round(limit / 2 ** 20)} MiB as JSON Lines`);
    this.name = 'TraceTooBig';
  }
}

/** Runs in a worker; `progress` gets the fraction of simulated time done. */
export function runInWorker(session: Session, text: string, fileName: string,
  progress: (fraction: number, events: number) => void): Promise<RunOutcome> {
  current?.terminate();
  const worker = new Worker(new URL('./runWorker.ts', import.meta.url), { type: 'module' });
  current = worker;
  const request: RunRequest = { key: session.key, text, fileName, seed: session.seed,
    added: session.added };
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`the run worker failed: ${e.message}`));
    };
    worker.onmessage = (e: MessageEvent<RunMessage>) => {
      const m = e.data;
      if (m.type === 'progress') return progress(m.fraction, m.events);
      worker.terminate();
      if (current === worker) current = undefined;
      if (m.type === 'too-big') return reject(new TraceTooBig(m.bytes));
      if (m.type === 'error') {
        const error = new Error(m.message);
        error.name = m.name;
        return reject(error);
      }
      try {
        resolve(outcome(m.packed, m.report as RunReport));
      } catch (error) {
        reject(error);
      }
    };
    worker.postMessage(request);
  });
}

function outcome(packed: PackedTrace, report: RunReport): RunOutcome {
  const { model, derived, hash } = unpackTrace(packed);
  if (hash !== undefined && hash !== report.result.hash) {
    throw new Error(`the trace read back hashes to ${hash}, the run to ${report.result.hash}`);
  }
  return { model, derived, report };
}

/**
 * Opens a trace (a served path or a file) in the trace worker: the one the page's entry
 * started on the address's trace (early.ts), or a new one.
 */
export async function openInWorker(request: TraceRequest): Promise<{ model: TraceModel;
  derived: Derived; hash: string | undefined; timings: { fetch: number; read: number } }> {
  const m = await (takeEarly(request) ?? startTraceWorker(request)).reply;
  if (m.type === 'error') {
    const error = new Error(m.message);
    error.name = m.name;
    throw error;
  }
  return { ...unpackTrace(m.packed), timings: m.timings };
}
