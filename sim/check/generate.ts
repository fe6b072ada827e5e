/**
 * Seeded histories of one register, for benchmarking and testing the linearizability checker on
 * histories of any size: `clients` processes call reads and writes back to back against an
 * atomic register, each operation taking effect at a point drawn inside its interval, so the
 * history is linearizable by construction (Porcupine's and Knossos' benchmarks use histories of
 * this kind).
 *
 * Options make it harder: a share of operations whose outcome is unknown (`info`: the client
 * timed out; half of those took effect, possibly after the timeout, as a write committed late
 * does), a small set of values (so that states recur and the memo has work), and one
 * impossible read: a read near a given point of the history returns a value that was
 * overwritten, by a write that completed, before the read was called. Then no order exists, and
 * a checker must rule out every order of everything before it.
 *
 * Deterministic: the same options give the same history (sim's seeded `Prng`).
 */
import { Prng, type Seed } from '../prng.js';
import type { HistoryEvent } from './history.js';

/** What to generate. */
export interface RegisterHistoryOptions {
  readonly seed: Seed;
  /** Client processes, each with one operation outstanding at a time. */
  readonly clients: number;
  /** Operations in all. */
  readonly operations: number;
  /** Share of reads (default 0.5); the rest are writes. */
  readonly reads?: number;
  /** Writes draw values from 0 … values-1 (default: each write writes a new value 1, 2, …). */
  readonly values?: number;
  /** Share of operations whose outcome is unknown (default 0). */
  readonly unknown?: number;
  /**
   * Make the first suitable read at or after this fraction of the history (0 to 1) return a
   * stale value (default: none).
   */
  readonly impossibleRead?: number;
  /** Mean operation duration and mean pause between a client's operations, in µs. */
  readonly meanDuration?: number;
  readonly meanPause?: number;
}

/** A generated history and, when one was asked for, the impossible read's operation. */
export interface GeneratedHistory {
  readonly events: HistoryEvent[];
  /** Index (in invocation order, as `pairOperations` numbers them) of the impossible read. */
  readonly impossibleRead?: number;
}

interface Draft {
  readonly process: string;
  readonly f: 'read' | 'write';
  readonly value: number;
  readonly call: number;
  readonly ret: number;
  /** When it took effect, or Infinity if it never did. */
  readonly effect: number;
  readonly known: boolean;
  result: number | null;
}

/** Generates a register history; see the file comment. */
export function generateRegisterHistory(options: RegisterHistoryOptions): GeneratedHistory {
  const { clients, operations } = options;
  if (!Number.isInteger(clients) || clients < 1) throw new Error('clients: a positive integer');
  if (!Number.isInteger(operations) || operations < 0) {
    throw new Error('operations: a non-negative integer');
  }
  const prng = new Prng('history', `register\u0000${String(options.seed)}`);
  const reads = options.reads ?? 0.5;
  const unknown = options.unknown ?? 0;
  const duration = options.meanDuration ?? 1_000;
  const pause = options.meanPause ?? 100;
  const clock = Array.from({ length: clients }, () => prng.int(0, duration));
  const drafts: Draft[] = [];
  let written = 0;
  for (let i = 0; i < operations; i++) {
    // The client whose next call comes first goes next, so drafts are in call order.
    let c = 0;
    for (let k = 1; k < clients; k++) if (clock[k]! < clock[c]!) c = k;
    const call = clock[c]!;
    const ret = call + 1 + prng.int(0, 2 * duration);
    const known = !prng.chance(unknown);
    const f = prng.chance(reads) ? 'read' : 'write';
    // An operation of unknown outcome took effect or not; if it did, maybe after the timeout.
    const effect = known ? prng.int(call, ret)
      : f === 'write' && prng.chance(0.5) ? prng.int(call, ret + 2 * duration) : Infinity;
    const value = f === 'read' ? 0 : options.values === undefined ? ++written
      : prng.int(0, options.values - 1);
    drafts.push({ process: `c${c + 1}`, f, value, call, ret, effect, known, result: null });
    clock[c] = ret + 1 + prng.int(0, 2 * pause);
  }
  // Apply effects in order of their points (ties by call order) to get what each read saw.
  const order = drafts.map((_, i) => i).filter((i) => drafts[i]!.effect !== Infinity);
  order.sort((a, b) => drafts[a]!.effect - drafts[b]!.effect || a - b);
  let register: number | null = null;
  for (const i of order) {
    const d = drafts[i]!;
    if (d.f === 'write') register = d.value;
    else d.result = register;
  }
  const impossible = options.impossibleRead === undefined ? undefined
    : makeImpossible(drafts, options.impossibleRead);
  return { events: toEvents(drafts), ...(impossible === undefined ? {} : { impossibleRead:
    impossible }) };
}

/**
 * Gives the first suitable read at or after `fraction` of the history a stale value v: every
 * write of v (none of unknown outcome) returned before some completed write of another value
 * was called, and that write returned before the read was called. Returns the read's index.
 */
function makeImpossible(drafts: Draft[], fraction: number): number {
  const lastWriteOf = new Map<number, number>();
  const uncertain = new Set<number>();
  for (const d of drafts) {
    if (d.f !== 'write') continue;
    if (!d.known) uncertain.add(d.value);
    lastWriteOf.set(d.value, Math.max(lastWriteOf.get(d.value) ?? -Infinity, d.ret));
  }
  const start = Math.floor(fraction * drafts.length);
  for (let i = start; i < drafts.length; i++) {
    const read = drafts[i]!;
    if (read.f !== 'read' || !read.known) continue;
    for (let j = i - 1; j >= 0; j--) {
      const w2 = drafts[j]!;
      if (w2.f !== 'write' || !w2.known || w2.ret >= read.call) continue;
      const stale = [...lastWriteOf].find(([v, last]) => v !== w2.value && v !== read.result &&
        !uncertain.has(v) && last < w2.call);
      if (stale !== undefined) {
        read.result = stale[0];
        return i;
      }
    }
  }
  throw new Error(`no read at or after ${fraction} of the history can be made impossible`);
}

/** Invocations and completions in time order (a completion before an invocation at a tie). */
function toEvents(drafts: readonly Draft[]): HistoryEvent[] {
  const raw: Omit<HistoryEvent, 'index'>[] = [];
  for (const d of drafts) {
    raw.push({ type: 'invoke', process: d.process, f: d.f, value: d.f === 'read' ? null : d.value,
      time: d.call });
    const type = d.known ? 'ok' : 'info';
    raw.push({ type, process: d.process, f: d.f,
      value: d.f === 'read' && d.known ? d.result : d.f === 'read' ? null : d.value,
      time: d.ret });
  }
  const rank = (e: Omit<HistoryEvent, 'index'>) => (e.type === 'invoke' ? 1 : 0);
  const sorted = raw.map((e, i) => ({ e, i }));
  sorted.sort((a, b) => a.e.time - b.e.time || rank(a.e) - rank(b.e) || a.i - b.i);
  return sorted.map(({ e }, index) => ({ index, ...e }));
}
