/**
 * The key-value store a replica serves: the effects of the log up to the commit index. A
 * master also keeps the `head` store (every entry applied) to decide the effect of the next
 * write. `decide` turns a client operation into a row-based log entry.
 */
import type { ClientOperation, NodeId } from '../../sim/index.js';
import type { Entry } from './log.js';

/** Values by key; a missing key reads as null. */
export type Store = Map<string, string>;

/** Applies an entry's effect. */
export function applyEntry(store: Store, entry: Entry): void {
  if (entry.after === undefined || entry.op?.key === undefined) return;
  if (entry.after === null) store.delete(entry.op.key);
  else store.set(entry.op.key, entry.after);
}

/** The log entry for a write, decided against the head store. */
export function decide(head: Store, epoch: number, client: NodeId, seq: number,
  op: ClientOperation): Entry {
  const key = op.key ?? '';
  const current = head.get(key) ?? null;
  const base = { epoch, client, seq, op };
  switch (op.f) {
    case 'put':
      return { ...base, outcome: 'ok', result: null, after: String(op.value) };
    case 'append':
      return { ...base, outcome: 'ok', result: null, after: (current ?? '') + String(op.value) };
    case 'cas': {
      const [from, to] = op.value as [string | null, string];
      if (from !== current) return { ...base, outcome: 'fail' };
      return { ...base, outcome: 'ok', result: null, after: to };
    }
    default:
      return { ...base, outcome: 'fail' };
  }
}

/** The token that names a write in a history: key, operation and its unique argument. */
export function writeToken(op: ClientOperation): string {
  return `${op.key ?? ''}|${op.f}|${JSON.stringify(op.value)}`;
}

/** The token a value was last written with: the put value, last appended token, CAS target. */
export function producedBy(entry: Entry): string | undefined {
  if (entry.op === undefined || entry.outcome !== 'ok') return undefined;
  if (entry.op.f === 'cas') return String((entry.op.value as unknown[])[1]);
  return String(entry.op.value).trim();
}

/** Whether an operation is a write (goes through the log). */
export function isWrite(op: ClientOperation): boolean {
  return op.f === 'put' || op.f === 'append' || op.f === 'cas';
}
