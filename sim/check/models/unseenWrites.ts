/**
 * Writes of unknown outcome that no operation could have seen. A client that times out during
 * a partition leaves many writes of unknown outcome; most never took effect, and each one the
 * search keeps multiplies the states it must consider (every subset, and for appends every
 * order). A model describes what could observe each such write (`Model.observers`); the
 * checker drops a write that nothing observes before the search, and the search does not
 * linearize one where nothing left to linearize could observe it (see `_internal/wglSearch.ts`).
 *
 * A model describes each operation by what it writes, what value it sees, and whether it is a
 * compare-and-set that failed by a mismatch; `shows(seen, written, replaces)` says whether a
 * value seen could hold what a write wrote (equality for a register; for appended text, the
 * text at the start for a put, anywhere for an append).
 * What observes write X:
 * 1. the operations that may come after X (their return is not before X's call) and see a
 *    value that shows X's write: a read's result, or the value a compare-and-set expects;
 * 2. the compare-and-sets that failed by a mismatch and may come after X, unless the value f
 *    they expected was gone for good by then: f is gone at time t when every write that could
 *    produce f (writes w with shows(f, w)) has a known outcome, and a write W of known outcome
 *    that does not produce f (a put, a swapping compare-and-set, a non-empty append) was
 *    called after all of them returned and itself returned before t. A mismatch C does not
 *    observe X when f was gone by C's call or by X's call.
 * A compare-and-set of unknown outcome whose expected value was gone for good (rule 2) before
 * it was called could only have failed, which changes nothing: it has no observers either.
 * Why X may be left out where none of them is left: take any linearization that places X
 * there and leave X out. Until the next write that replaces the value outright (a put, or a
 * swapping compare-and-set), the value with X shows X's write and the one without does not
 * (for appends: the same text minus X's). In that stretch no read and no swapping
 * compare-and-set can occur (they would see X's write, rule 1), a compare-and-set of unknown
 * outcome failed there and may as well not happen, and a mismatch C that observes X could
 * tell the two values apart, so there is none (rule 2). A mismatch that does not observe X
 * sees the value after W (W returned before C's call, or before X's call and so before C),
 * and no write after W produces f, so without X the value still differs from f. After the
 * stretch both values are the same. So the history is linearizable with X there exactly when
 * it is without X; a property test checks this against brute force
 * (test/check/referenceChecker.test.ts).
 * The search also uses a weaker condition on mismatches, which depends on where it is: a
 * mismatch C still to place cannot tell X apart if the value now is not f and no write still
 * to place could complete f by adding to the value (`adders`: appends whose text could end
 * f). Without X, the values in X's stretch are the value now followed by appends, never f.
 *
 * Every write must report what it writes (an empty text too: it may produce an empty value),
 * or rule 2 would miss a producer.
 */
import { type TimedOperation, UNKNOWN, type WriteObservers } from '../model.js';

export type { WriteObservers };

/** What one operation writes and sees, as `writeObservers` needs it. */
export interface WriteEffects<V> {
  /** The value written (a put's, an append's text, a compare-and-set's new value). */
  readonly writes?: V;
  /** The value seen (a read's result, the value a compare-and-set expects). */
  readonly sees?: V;
  /** A compare-and-set that failed by a mismatch (an observation that the value differed). */
  readonly mismatch?: boolean;
  /** The write replaces the value outright (a put, a compare-and-set), not adds to it. */
  readonly replaces?: boolean;
}

/** Whether a value seen could hold what a write wrote (replacing the value, or adding to it). */
export type Shows<V> = (seen: V, written: V, replaces: boolean) => boolean;

/** How many fences `writeObservers` keeps per observer. */
const FENCES = 4;

/** What observes each write of unknown outcome; see the file comment. */
export function writeObservers<I, O, V>(
  ops: readonly TimedOperation<I, O>[],
  effects: (op: TimedOperation<I, O>) => WriteEffects<V>,
  shows: Shows<V>,
): WriteObservers {
  const described = ops.map(effects);
  const producers = producersOf(ops, described, shows);
  // Only operations that may come after some write of unknown outcome can observe one.
  let firstCall = Infinity;
  described.forEach((e, i) => {
    const op = ops[i] as TimedOperation<I, O>;
    if (e.writes !== undefined && op.output === UNKNOWN) firstCall = Math.min(firstCall, op.callTime);
  });
  const seers: number[] = [];
  const mismatches: { index: number; goneAt: number }[] = [];
  const adders = described.map((e, i) => {
    if ((ops[i] as TimedOperation<I, O>).returnTime < firstCall) return undefined;
    if (e.sees !== undefined) seers.push(i);
    if (e.mismatch !== true) return undefined;
    // A mismatch that names no value could be told apart by anything: it is its own adder,
    // so it counts until it is placed.
    if (e.sees === undefined) {
      mismatches.push({ index: i, goneAt: Infinity });
      return [i];
    }
    const made = producers(e.sees);
    mismatches.push({ index: i, goneAt: made.goneAt });
    return made.adders;
  });
  const observers = ops.map((op, i) => {
    const { writes: written, replaces, sees } = described[i] as WriteEffects<V>;
    if (op.output !== UNKNOWN || written === undefined) return undefined;
    // A compare-and-set whose expected value was gone for good before its call cannot swap.
    if (sees !== undefined && producers(sees).goneAt < op.callTime) return [];
    const after = (j: number) => j !== i && (ops[j] as TimedOperation<I, O>).returnTime >= op.callTime;
    const seeing = seers.filter((j) => after(j) &&
      shows((described[j] as WriteEffects<V>).sees as V, written, replaces === true));
    const telling = mismatches.filter((c) => after(c.index) &&
      Math.max((ops[c.index] as TimedOperation<I, O>).callTime, op.callTime) <= c.goneAt);
    return [...new Set([...seeing, ...telling.map((c) => c.index)])].sort((a, b) => a - b);
  });
  const replacing = described.map((e) => e.writes !== undefined && e.replaces === true &&
    e.mismatch !== true);
  const reads = described.map((e, i) => e.sees !== undefined && e.writes === undefined &&
    e.mismatch !== true && (ops[i] as TimedOperation<I, O>).output !== UNKNOWN);
  const conditional = described.map((e, i) => replacing[i] === true && e.sees !== undefined);
  const derives = (op: number, write: number) => {
    const seen = (described[op] as WriteEffects<V>).sees;
    const written = (described[write] as WriteEffects<V>).writes;
    return seen === undefined || written === undefined || shows(seen, written, true);
  };
  return { observers, adders, fences: fencesOf(ops, described, observers), replacing, reads,
    conditional, derives };
}

/** The fences of every observer (see `WriteObservers.fences`). */
function fencesOf<I, O, V>(
  ops: readonly TimedOperation<I, O>[],
  described: readonly WriteEffects<V>[],
  observers: readonly (readonly number[] | undefined)[],
): (readonly number[] | undefined)[] {
  const watching = new Set<number>();
  for (const o of observers) if (o !== undefined) for (const w of o) watching.add(w);
  if (watching.size === 0) return new Array<undefined>(observers.length).fill(undefined);
  const replacing = ops.map((_, i) => i).filter((i) => {
    const e = described[i] as WriteEffects<V>;
    return e.replaces === true && e.writes !== undefined && e.mismatch !== true &&
      (ops[i] as TimedOperation<I, O>).output !== UNKNOWN;
  });
  const returnOf = (i: number) => (ops[i] as TimedOperation<I, O>).returnTime;
  replacing.sort((a, b) => returnOf(a) - returnOf(b));
  return ops.map((op, i) => {
    if (!watching.has(i)) return undefined;
    let end = 0;
    for (let lo = 0, hi = replacing.length; lo < hi; end = lo) {
      const mid = (lo + hi) >>> 1;
      if (returnOf(replacing[mid]!) < op.callTime) lo = mid + 1;
      else hi = mid;
      end = lo;
    }
    return replacing.slice(Math.max(0, end - FENCES), end).reverse();
  });
}

/** For each operation, whether it is a write of unknown outcome that nothing observes. */
export function unseenWrites<I, O, V>(
  ops: readonly TimedOperation<I, O>[],
  effects: (op: TimedOperation<I, O>) => WriteEffects<V>,
  shows: Shows<V>,
): boolean[] {
  return writeObservers(ops, effects, shows).observers.map((o) => o?.length === 0);
}

/**
 * For a value f: when it is gone for good (rule 2; Infinity if never), and the writes that
 * could complete it by adding to the value. Memoised per value.
 */
function producersOf<I, O, V>(
  ops: readonly TimedOperation<I, O>[],
  described: readonly WriteEffects<V>[],
  shows: Shows<V>,
): (f: V) => { goneAt: number; adders: number[] } {
  let writes: { index: number; op: TimedOperation<I, O>; value: V; replaces: boolean;
    changes: boolean }[] | undefined;
  const cache = new Map<V, { goneAt: number; adders: number[] }>();
  return (f) => {
    const cached = cache.get(f);
    if (cached !== undefined) return cached;
    writes ??= described.flatMap((e, i) => e.writes === undefined ? []
      : [{ index: i, op: ops[i] as TimedOperation<I, O>, value: e.writes,
        replaces: e.replaces === true,
        changes: e.mismatch !== true && (ops[i] as TimedOperation<I, O>).output !== UNKNOWN }]);
    let lastProduced = -Infinity;
    const adders: number[] = [];
    for (const w of writes) {
      if (!shows(f, w.value, w.replaces)) continue;
      lastProduced = Math.max(lastProduced, w.op.returnTime);
      if (!w.replaces) adders.push(w.index);
    }
    let goneAt = Infinity;
    if (lastProduced !== Infinity) {
      for (const w of writes) {
        if (w.changes && w.op.callTime > lastProduced && !shows(f, w.value, w.replaces)) {
          goneAt = Math.min(goneAt, w.op.returnTime);
        }
      }
    }
    const result = { goneAt, adders };
    cache.set(f, result);
    return result;
  };
}
