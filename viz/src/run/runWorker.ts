/**
 * The Web Worker that runs a scenario off the page's thread, so a long run keeps the page
 * responsive and shows progress. It receives the scenario text, seed and added faults, runs
 * exactly what the page would (Session.runEngine), and sends back progress, then the trace as
 * JSON Lines bytes (transferred, not copied) with the run's report.
 */
import type { ScheduledFault, Seed } from '../../../sim/index.js';
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
  | { readonly type: 'done'; readonly trace: ArrayBuffer; readonly report: unknown }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

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
    const bytes = new TextEncoder().encode(engine.trace.toJsonl({ seed: String(seed) }));
    const trace = bytes.buffer as ArrayBuffer;
    scope.postMessage({ type: 'done', trace, report: JSON.parse(JSON.stringify(report)) }, [trace]);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    scope.postMessage({ type: 'error', name: err.name, message: err.message });
  }
};
