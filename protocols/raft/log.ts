/**
 * Pure helpers over a Raft log held as an array: entry `i` (1-based, as in the paper) is
 * `log[i - 1]`, index 0 is the empty prefix with term 0. Kept free of node state so that each
 * rule can be property-tested against a naive reference (test/raft/log.test.ts).
 */
import type { Entry } from './messages.js';

/** The index of the last entry (0 for an empty log). */
export function lastIndex(log: readonly Entry[]): number {
  return log.length;
}

/** The term of entry `index`, 0 for index 0, undefined past the end. */
export function termAt(log: readonly Entry[], index: number): number | undefined {
  if (index === 0) return 0;
  return log[index - 1]?.term;
}

/** The term of the last entry (0 for an empty log). */
export function lastTerm(log: readonly Entry[]): number {
  return log.length === 0 ? 0 : (log[log.length - 1] as Entry).term;
}

/**
 * §5.4.1: a candidate's log is at least as up-to-date as the voter's when its last term is
 * greater, or equal with a last index at least as large.
 */
export function isUpToDate(
  candidateLastTerm: number, candidateLastIndex: number, voterLastTerm: number,
  voterLastIndex: number,
): boolean {
  if (candidateLastTerm !== voterLastTerm) return candidateLastTerm > voterLastTerm;
  return candidateLastIndex >= voterLastIndex;
}

/** The AppendEntries consistency check (§5.3): the log holds `prevIndex` with `prevTerm`. */
export function matchesAt(log: readonly Entry[], prevIndex: number, prevTerm: number): boolean {
  return termAt(log, prevIndex) === prevTerm;
}

/**
 * What a follower does with entries that passed the consistency check (Figure 2, receiver
 * rule 3 and 4): the index of the first entry that conflicts (same index, other term), where
 * the log is cut, and the entries to append after it. Entries already present are kept: a
 * stale or duplicated AppendEntries must not truncate a log that matches (§5.3).
 */
export function mergePlan(
  log: readonly Entry[], prevIndex: number, entries: readonly Entry[],
): { truncateTo: number | undefined; append: readonly Entry[] } {
  for (let k = 0; k < entries.length; k++) {
    const index = prevIndex + 1 + k;
    const existing = termAt(log, index);
    if (existing === undefined) return { truncateTo: undefined, append: entries.slice(k) };
    if (existing !== (entries[k] as Entry).term) {
      return { truncateTo: index - 1, append: entries.slice(k) };
    }
  }
  return { truncateTo: undefined, append: [] };
}

/**
 * A follower's hint when the consistency check fails: a log too short names its next index
 * and term 0; otherwise the term at `prevIndex` and the first index holding that term.
 */
export function conflictHint(
  log: readonly Entry[], prevIndex: number,
): { conflictTerm: number; conflictIndex: number } {
  if (prevIndex > log.length) return { conflictTerm: 0, conflictIndex: log.length + 1 };
  const term = termAt(log, prevIndex) as number;
  let first = prevIndex;
  while (first > 1 && termAt(log, first - 1) === term) first--;
  return { conflictTerm: term, conflictIndex: first };
}

/**
 * The leader's next try after a mismatch: just past its last entry of the conflicting term if
 * it has any, else the follower's first index of that term (or its log end).
 */
export function backtrack(
  log: readonly Entry[], conflictTerm: number, conflictIndex: number,
): number {
  if (conflictTerm > 0) {
    for (let i = log.length; i >= 1; i--) {
      const term = (log[i - 1] as Entry).term;
      if (term === conflictTerm) return i + 1;
      if (term < conflictTerm) break;
    }
  }
  return Math.max(1, conflictIndex);
}
