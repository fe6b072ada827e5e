/**
 * Stale reads, from the client history alone: a key-value read that returned a value older
 * than a write acknowledged before the read began. Protocol-neutral, so every design counts
 * them alike (docs/metrics.md); a protocol's own count (replication's `stale-reads`, judged
 * against its final log) stays beside it under its own name.
 *
 * The shared workload writes unique tokens (sim/check/workload.ts): a `put` writes its token,
 * an `append` adds ` token`, a `cas` that succeeds writes its second token. So the last token
 * of a value read names the write whose effect the read saw last (no token: the initial empty
 * key). A read R of key k is **stale** when some write W' to k was acknowledged (`ok`) before R
 * was invoked, R's value does not contain W''s token, and the write W that R saw last had
 * completed before W' was invoked (or R saw the initial value). Then W precedes W' in real
 * time, so every linearization puts W' between W and R: R missed it. Only provable cases
 * count: a read that saw a write concurrent with W' is not called stale, so the figure never
 * accuses a correct store (a linearizable history has none); it is a lower bound on what a
 * linearizability checker would reject.
 */
import type { Micros } from '../types.js';
import type { Completion } from './completions.js';

/** The tokens a value holds, in order (a read's value, or what a write wrote). */
function tokens(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((t) => t !== '') : [];
}

/** The token a write adds to its key's value; undefined for a write that writes none. */
function writtenToken(op: Completion): string | undefined {
  if (op.f === 'put' || op.f === 'append') return tokens(op.input).at(-1);
  if (op.f === 'cas' && Array.isArray(op.input)) return tokens(op.input[1]).at(-1);
  return undefined;
}

/** Whether the history has key-value reads, so that stale reads can be counted. */
export function hasKvReads(ops: readonly Completion[]): boolean {
  return ops.some((op) => op.f === 'get' && op.key !== undefined);
}

/** The number of provably stale reads: see the file comment. */
export function staleReads(ops: readonly Completion[]): number {
  const writes = new Map<string, { token: string; op: Completion }[]>();
  const byToken = new Map<string, Completion>();
  for (const op of ops) {
    const token = writtenToken(op);
    if (token === undefined || op.key === undefined) continue;
    const list = writes.get(op.key) ?? [];
    list.push({ token, op });
    writes.set(op.key, list);
    byToken.set(`${op.key}\u0000${token}`, op);
  }
  let stale = 0;
  for (const read of ops) {
    if (read.f !== 'get' || read.outcome !== 'ok' || read.key === undefined) continue;
    const seen = tokens(read.output);
    const last = seen.at(-1);
    const saw = last === undefined ? undefined : byToken.get(`${read.key}\u0000${last}`);
    if (last !== undefined && saw === undefined) continue; // a value no write wrote
    // When the write it saw last completed: never, for one whose outcome is unknown.
    const sawDone: Micros = saw === undefined ? -Infinity
      : saw.outcome === 'ok' ? saw.done : Infinity;
    const contains = new Set(seen);
    const missed = (writes.get(read.key) ?? []).some(({ token, op }) => op.outcome === 'ok' &&
      op.done < read.invoked && op.invoked > sawDone && !contains.has(token));
    if (missed) stale++;
  }
  return stale;
}
