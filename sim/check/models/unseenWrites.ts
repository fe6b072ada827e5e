/**
 * Writes of unknown outcome that no operation could have seen, which a model may drop before
 * the search (`Model.droppable`) without changing the verdict. A client that times out during
 * a partition leaves many writes of unknown outcome; most never took effect, and each one the
 * search keeps multiplies the states it must consider (every subset, and for appends every
 * order).
 *
 * A model describes each operation by what it writes, what value it sees, and whether it is a
 * compare-and-set that failed by a mismatch; `shows(seen, written)` says whether a value seen
 * could hold what a write wrote (equality for a register, containment for appended text).
 * Write X is unseen when:
 * 1. no operation that may come after X (its return is not before X's call) sees a value that
 *    shows X's write: a read's result, or the value a compare-and-set expects;
 * 2. no compare-and-set that failed by a mismatch may come after X.
 * Take any linearization with X in it and leave X out. Until the next write that replaces the
 * value outright (a put, or a swapping compare-and-set), the value with X shows X's write and
 * the one without does not (for appends: the same text minus X's). In that stretch no read and
 * no swapping compare-and-set can occur (they would see X's write, rule 1), a compare-and-set
 * of unknown outcome failed there and may as well not happen, and no mismatch is there to tell
 * the two values apart (rule 2). After it, both values are the same. So the history is
 * linearizable with X exactly when it is without X; a property test checks this against brute
 * force (test/check/referenceChecker.test.ts).
 */
import { type TimedOperation, UNKNOWN } from '../model.js';

/** What one operation writes and sees, as `unseenWrites` needs it. */
export interface WriteEffects<V> {
  /** The value written (a put's, an append's text, a compare-and-set's new value). */
  readonly writes?: V;
  /** The value seen (a read's result, the value a compare-and-set expects). */
  readonly sees?: V;
  /** A compare-and-set that failed by a mismatch (an observation that the value differed). */
  readonly mismatch?: boolean;
}

/** For each operation, whether it is an unseen write of unknown outcome (droppable). */
export function unseenWrites<I, O, V>(
  ops: readonly TimedOperation<I, O>[],
  effects: (op: TimedOperation<I, O>) => WriteEffects<V>,
  shows: (seen: V, written: V) => boolean,
): boolean[] {
  const seen: { returnTime: number; value: V }[] = [];
  let lastMismatch = -Infinity;
  const described = ops.map(effects);
  described.forEach((e, i) => {
    const returnTime = (ops[i] as TimedOperation<I, O>).returnTime;
    if (e.sees !== undefined) seen.push({ returnTime, value: e.sees });
    if (e.mismatch === true) lastMismatch = Math.max(lastMismatch, returnTime);
  });
  return ops.map((op, i) => {
    const written = (described[i] as WriteEffects<V>).writes;
    if (op.output !== UNKNOWN || written === undefined || op.callTime <= lastMismatch) return false;
    return !seen.some((s) => s.returnTime >= op.callTime && shows(s.value, written));
  });
}
