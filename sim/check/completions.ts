/**
 * A client history read as completed operations: each invocation paired with its completion,
 * numbered per client in invocation order (the shared client numbers its operations 1, 2, …
 * one at a time, so the number is also its session sequence number). The shared client
 * figures (recovery.ts, staleReads.ts) read histories this way.
 */
import type { Micros, NodeId } from '../types.js';
import type { HistoryEvent } from './history.js';

/** Operation names that read without writing, in the shared workloads (kv, bank). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set(['get', 'read', 'read-all']);

/** A completed operation of the history. */
export interface Completion {
  readonly process: NodeId;
  /** The client's sequence number of it: its invocations so far (the shared client's). */
  readonly seq: number;
  readonly f: string;
  readonly key: string | undefined;
  /** The argument, as invoked. */
  readonly input: unknown;
  /** The result of an `ok`; undefined otherwise. */
  readonly output: unknown;
  readonly write: boolean;
  readonly outcome: 'ok' | 'fail' | 'info';
  readonly error: string | undefined;
  readonly invoked: Micros;
  readonly done: Micros;
}

/** The completed operations, in completion order (pending ones are left out). */
export function completions(history: readonly HistoryEvent[]): Completion[] {
  const open = new Map<NodeId, { event: HistoryEvent; seq: number }>();
  const count = new Map<NodeId, number>();
  const out: Completion[] = [];
  for (const event of history) {
    if (event.type === 'invoke') {
      const seq = (count.get(event.process) ?? 0) + 1;
      count.set(event.process, seq);
      open.set(event.process, { event, seq });
      continue;
    }
    const call = open.get(event.process);
    if (call === undefined) continue;
    open.delete(event.process);
    out.push({ process: event.process, seq: call.seq, f: call.event.f, key: call.event.key,
      input: call.event.value, output: event.type === 'ok' ? event.value : undefined,
      write: !READ_OPERATIONS.has(call.event.f), outcome: event.type, error: event.error,
      invoked: call.event.time, done: event.time });
  }
  return out;
}
