// Test helper: fast-check arbitraries of small histories simulated against an atomic register
// or key-value store, so they are linearizable by construction. Clients run operations back
// to back; each takes effect at a drawn point inside its interval, or, when its outcome is
// unknown, at a point that may lie after the client gave up, or never. Small value and text
// sets make reads, compare-and-sets and appends collide, which is where the search's pruning
// (forced reads, covering, writes nothing observes) has to be right.
import fc from 'fast-check';
import type { Operation } from '../../sim/check/history.js';

/** One drawn operation before simulation: what it does and how its interval looks. */
interface Draw {
  readonly client: number;
  readonly f: string;
  readonly a: number;
  readonly b: number;
  readonly gap: number;
  readonly length: number;
  readonly unknown: boolean;
  readonly applied: boolean;
  readonly at: number;
  readonly late: number;
}

const draw = (fs: readonly string[], unknownShare: number) => fc.noBias(fc.record({
  client: fc.integer({ min: 0, max: 3 }),
  f: fc.constantFrom(...fs),
  a: fc.integer({ min: 0, max: 3 }),
  b: fc.integer({ min: 0, max: 3 }),
  gap: fc.integer({ min: 0, max: 4 }),
  length: fc.integer({ min: 0, max: 12 }),
  // Integers, not doubles: fc.double draws uniformly over representations, not values.
  unknown: fc.integer({ min: 0, max: 999 }).map((x) => x < unknownShare * 1_000),
  applied: fc.boolean(),
  at: fc.integer({ min: 0, max: 1_000 }).map((x) => x / 1_000),
  late: fc.integer({ min: 0, max: 20 }),
}));

/**
 * Applies one operation to a state: its result (or undefined) and the state after. `recent`
 * holds the last few states, latest first, so a compare-and-set can expect a stale value.
 */
type Apply<S> = (state: S, d: Draw, recent: readonly S[]) =>
  { state: S; output: unknown; input: unknown; ok: boolean };

/**
 * Simulates drawn operations: per client back to back, each taking effect at a point in its
 * interval (or later, or never, when its outcome is unknown), in the order of those points.
 */
function simulate<S>(draws: readonly Draw[], initial: S, apply: Apply<S>, key?: string): Operation[] {
  const clock = [0, 0, 0, 0];
  const timed = draws.map((d, id) => {
    const call = (clock[d.client] as number) + d.gap;
    const ret = call + d.length;
    clock[d.client] = ret + 1;
    const effect = !d.unknown ? call + d.at * d.length
      : d.applied ? call + d.at * (d.length + d.late) : Infinity;
    return { d, id, call, ret, effect };
  });
  const results = new Map<number, ReturnType<Apply<S>>>();
  let state = initial;
  const recent = [initial];
  for (const t of [...timed].sort((x, y) => x.effect - y.effect || x.id - y.id)) {
    const step = apply(state, t.d, recent);
    results.set(t.id, step);
    if (t.effect === Infinity || step.state === state) continue;
    state = step.state;
    recent.unshift(state);
    recent.length = Math.min(recent.length, 3);
  }
  return timed.map(({ d, id, call, ret }) => {
    const r = results.get(id)!;
    const outcome = d.unknown ? 'info' : r.ok ? 'ok' : 'fail';
    return {
      id, process: `c${d.client + 1}-${id}`, f: d.f, input: r.input,
      output: outcome === 'ok' ? r.output : undefined, outcome,
      ...(outcome === 'fail' ? { error: 'cas-mismatch' } : {}),
      ...(key === undefined ? {} : { key }),
      callTime: call, returnTime: outcome === 'info' ? Infinity : ret,
    } as Operation;
  });
}

/** Linearizable register histories of `min`–`max` operations (read, write, cas on 0–3). */
export function registerHistory(min: number, max: number, unknownShare = 0.3) {
  return fc.array(draw(['read', 'write', 'write', 'cas'], unknownShare),
    { minLength: min, maxLength: max }).map((draws) =>
    simulate<number | null>(draws, null, (state, d, recent) => {
      if (d.f === 'read') return { state, output: state, input: null, ok: true };
      if (d.f === 'write') return { state: d.a, output: undefined, input: d.a, ok: true };
      // Expect the value now or a recent one, as a client expects what it last saw.
      const from = d.a < 3 ? recent[d.a % recent.length] as number | null : d.a;
      const swaps = state === from;
      return { state: swaps ? d.b : state, output: true, input: [from, d.b], ok: swaps };
    }));
}

const TEXTS = ['a', 'b', 'ab', 'ba'];

/** Linearizable histories of one key (get, put, append, cas; texts that overlap). */
export function kvHistory(min: number, max: number, unknownShare = 0.3) {
  return fc.array(draw(['get', 'put', 'append', 'append', 'cas'], unknownShare),
    { minLength: min, maxLength: max }).map((draws) =>
    simulate<string | null>(draws, null, (state, d, recent) => {
      const text = TEXTS[d.a] as string;
      switch (d.f) {
        case 'get':
          return { state, output: state, input: null, ok: true };
        case 'put':
          return { state: text, output: null, input: text, ok: true };
        case 'append':
          return { state: (state ?? '') + text, output: null, input: text, ok: true };
        default: {
          // Expect the value now or a recent one, or one of the texts.
          const from = d.b < 3 ? recent[d.b % recent.length] as string | null : text;
          const to = TEXTS[(d.a + d.b) % TEXTS.length] as string;
          const swaps = state === from;
          return { state: swaps ? to : state, output: true, input: [from, to], ok: swaps };
        }
      }
    }, 'k'));
}

/** A copy of a history with one read's (or get's) result replaced, often making it illegal. */
export function withWrongRead(ops: readonly Operation[], pick: number, value: unknown): Operation[] {
  const reads = ops.filter((o) => (o.f === 'read' || o.f === 'get') && o.outcome === 'ok');
  if (reads.length === 0) return [...ops];
  const target = reads[pick % reads.length]!;
  return ops.map((o) => (o === target ? { ...o, output: value } : o));
}
