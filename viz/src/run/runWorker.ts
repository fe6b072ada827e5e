/**
 * The Web Worker that runs a scenario off the page's thread, so a long run keeps the page
 * responsive and shows progress. It receives the scenario text, seed and added faults, runs
 * exactly what the page would (Session.runEngine), and sends back progress, then the trace
 * read into columns with everything derived (transferred, not copied) and the run's report:
 * the same path as a trace file, so the page reads what a download would hold.
 */
import type { RunReport } from '../../../runner/index.js';
import type { ScheduledFault, Seed, Trace } from '../../../sim/index.js';
import { deriveWithReport } from '../model/runModel.js';
import { packTrace, type PackedTrace } from '../model/transfer.js';
import { loadText } from './catalogue.js';
import { Session } from './session.js';

/** A request to the worker. */
export interface RunRequest {
  readonly key: string;
  readonly text: string;
  readonly fileName: string;
  readonly seed: Seed;
  readonly added: readonly ScheduledFault[];
}

/** Messages from the worker. */
export type RunMessage =
  | { readonly type: 'progress'; readonly fraction: number; readonly events: number }
  | { readonly type: 'done'; readonly packed: PackedTrace; readonly report: unknown }
  | { readonly type: 'error'; readonly name: string; readonly message: string }
  /** The trace is too large to send as JSON Lines; the page runs it itself instead. */
  | { readonly type: 'too-big'; readonly bytes: number };

/** Largest trace sent back as bytes (big payloads would pass V8's string limit anyway). */
export const MAX_TRACE_BYTES = 256 * 2 ** 20;

/**
 * The trace as JSON Lines bytes, encoded a batch of lines at a time (one string of the whole
 * trace can exceed what a JavaScript string may hold); undefined beyond MAX_TRACE_BYTES.
 */
function encodeTrace(trace: Trace, seed: string, meta: unknown): Uint8Array | undefined {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [encoder.encode(`${JSON.stringify(trace.header({ seed, meta }))}\n`)];
  let total = chunks[0]?.length ?? 0;
  for (let from = 0; from < trace.storedLength; from += 2_000) {
    const lines: string[] = [];
    const to = Math.min(trace.storedLength, from + 2_000);
    for (let i = from; i < to; i++) lines.push(JSON.stringify(trace.record(i)));
    const chunk = encoder.encode(`${lines.join('\n')}\n`);
    total += chunk.length;
    if (total > MAX_TRACE_BYTES) return undefined;
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: RunMessage, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  const { key, text, fileName, seed, added } = e.data;
  try {
    const session = new Session(key, loadText(text, fileName), seed, added);
    let last = 0;
    const { engine, report } = session.runEngine((fraction, events) => {
      if (fraction - last < 0.02) return;
      last = fraction;
      scope.postMessage({ type: 'progress', fraction, events });
    });
    const bytes = encodeTrace(engine.trace, String(seed), session.traceMeta());
    if (bytes === undefined) {
      scope.postMessage({ type: 'too-big', bytes: MAX_TRACE_BYTES });
      return;
    }
    const plain = JSON.parse(JSON.stringify(report)) as RunReport;
    const { packed, transfer } = packTrace(bytes, (model, d) => deriveWithReport(model, d, plain));
    scope.postMessage({ type: 'done', packed, report: plain }, transfer);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    scope.postMessage({ type: 'error', name: err.name, message: err.message });
  }
};
