/**
 * Quorum arithmetic, pure so it can be tested against brute force (test/raft/quorum.test.ts):
 * a majority of a cluster of `n`, and the highest index a majority has matched (the commit
 * candidate of §5.3; whether it may be committed also depends on its term, see §5.4.2).
 */

/** Servers that form a majority of `n`. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Whether `count` servers out of `n` form a majority. */
export function isQuorum(count: number, n: number): boolean {
  return count >= majority(n);
}

/**
 * The largest index N such that a majority of `matchIndexes` (one per server) is >= N.
 */
export function quorumMatchIndex(matchIndexes: readonly number[]): number {
  // The largest value that at least a majority of values reach; clusters are small, so the
  // quadratic count beats sorting a copy (this runs on every acknowledgement).
  const need = majority(matchIndexes.length);
  let best = 0;
  for (const v of matchIndexes) {
    if (v <= best) continue;
    let count = 0;
    for (const w of matchIndexes) if (w >= v) count++;
    if (count >= need) best = v;
  }
  return best;
}
