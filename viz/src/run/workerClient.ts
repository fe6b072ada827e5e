/**
 * Runs a session in the Web Worker (runWorker.ts) and rebuilds the outcome on the page from
 * the trace bytes it sends back, with the same reader as trace files. The trace hash of the
 * bytes read back is checked against the run's own: a mismatch would mean the trace format
 * lost something, and is reported rather than drawn. One run at a time: starting another
 * stops the one in flight.
 */
import type { RunReport } from '../../../runner/index.js';
import { parseTraceFile } from '../model/traceFile.js';
import { traceHash } from '../model/traceWrite.js';
import type { RunMessage, RunRequest } from './runWorker.js';
import { deriveRun } from '../model/runModel.js';
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
        resolve(outcome(new Uint8Array(m.trace), m.report as RunReport));
      } catch (error) {
        reject(error);
      }
    };
    worker.postMessage(request);
  });
}

function outcome(bytes: Uint8Array, report: RunReport): RunOutcome {
  const model = parseTraceFile(bytes);
  if (model.n <= 300_000) {
    const hash = traceHash(model);
    if (hash !== report.result.hash) {
      throw new Error(`the trace read back hashes to ${hash}, the run to ${report.result.hash}`);
    }
  }
  return { model, derived: deriveRun(model, report), report };
}
