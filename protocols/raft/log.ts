/**
 * A Raft log and the pure rules over it. Entry indexes are 1-based, as in the paper; index 0 is
 * the empty prefix with term 0. After log compaction (§7) the log starts after a snapshot: it
 * knows the index and term of the snapshot's last entry (`snapshotIndex`, `snapshotTerm`) and
 * holds only the entries after it. Everything at or below `snapshotIndex` is committed and
 * applied, so no rule ever needs those entries again, only the last one's term.
 *
 * The rules are kept free of node state so that each can be property-tested against a naive
 * reference (test/raft/log.test.ts).
 */
import type { Entry } from './messages.js';

/**
 * The log: the entries after the snapshot (entry `snapshotIndex + 1 + k` is `entries[k]`).
 *
 * It also keeps the indexes of its configuration entries (thesis §4.1), in increasing order,
 * so a server finds the configuration it uses (the latest in its log) without a scan.
 * Invariant: `configIndexes` lists exactly the indexes above the snapshot whose entry is a
 * `config` command; every mutator keeps it so (test/raft/log.test.ts checks it against a scan).
 */
export class RaftLog {
  private readonly configs: number[] = [];

  constructor(
    /** Index of the last entry the snapshot covers (0 without a snapshot). */
    public snapshotIndex = 0,
    /** Term of that entry (0 without a snapshot). */
    public snapshotTerm = 0,
    public entries: Entry[] = [],
  ) {
    entries.forEach((entry, k) => {
      if (entry.command.kind === 'config') this.configs.push(snapshotIndex + 1 + k);
    });
  }

  /** Indexes of the configuration entries in the log, oldest first. */
  get configIndexes(): readonly number[] {
    return this.configs;
  }

  /** The index of the latest configuration entry at or below `index`, or 0 if none. */
  configIndexAt(index: number): number {
    for (let k = this.configs.length - 1; k >= 0; k--) {
      const at = this.configs[k] as number;
      if (at <= index) return at;
    }
    return 0;
  }

  /** A log holding `entries` from index 1 (tests and recovery). */
  static of(entries: Entry[]): RaftLog {
    return new RaftLog(0, 0, entries);
  }

  /** The index of the last entry (the snapshot's, or 0, when no entry follows it). */
  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  /** The term of the last entry. */
  get lastTerm(): number {
    const n = this.entries.length;
    return n === 0 ? this.snapshotTerm : (this.entries[n - 1] as Entry).term;
  }

  /**
   * The term of entry `index`: the snapshot's term at `snapshotIndex`, undefined past the end
   * and below the snapshot (compacted away).
   */
  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    return this.entries[index - this.snapshotIndex - 1]?.term;
  }

  /** Entry `index`, undefined past the end or at or below the snapshot. */
  entry(index: number): Entry | undefined {
    return index > this.snapshotIndex ? this.entries[index - this.snapshotIndex - 1] : undefined;
  }

  /** The entries with indexes from `from` (above the snapshot) to `to`, exclusive. */
  slice(from: number, to: number): Entry[] {
    return this.entries.slice(from - this.snapshotIndex - 1, to - this.snapshotIndex - 1);
  }

  /** Keeps the entries up to `index` (at least the snapshot's) and drops the rest. */
  truncateTo(index: number): void {
    this.entries.length = Math.max(0, index - this.snapshotIndex);
    while (this.configs.length > 0 && (this.configs[this.configs.length - 1] as number) > index) {
      this.configs.pop();
    }
  }

  append(entries: readonly Entry[]): void {
    for (const entry of entries) {
      this.entries.push(entry);
      if (entry.command.kind === 'config') this.configs.push(this.lastIndex);
    }
  }

  /**
   * Makes (`index`, `term`) the snapshot's last entry: drops the entries it covers and keeps
   * those after it when the log holds that entry with that term (§7: "retain log entries
   * following it"); otherwise the whole log is discarded.
   */
  compactTo(index: number, term: number): void {
    const keep = this.termAt(index) === term;
    this.entries = keep ? this.entries.slice(index - this.snapshotIndex) : [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    const kept = keep ? this.configs.filter((at) => at > index) : [];
    this.configs.length = 0;
    this.configs.push(...kept);
  }
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
export function matchesAt(log: RaftLog, prevIndex: number, prevTerm: number): boolean {
  return log.termAt(prevIndex) === prevTerm;
}

/**
 * What a follower does with entries that passed the consistency check (Figure 2, receiver
 * rule 3 and 4): the index of the first entry that conflicts (same index, other term), where
 * the log is cut, and the entries to append after it. Entries already present are kept: a
 * stale or duplicated AppendEntries must not truncate a log that matches (§5.3).
 */
export function mergePlan(
  log: RaftLog, prevIndex: number, entries: readonly Entry[],
): { truncateTo: number | undefined; append: readonly Entry[] } {
  for (let k = 0; k < entries.length; k++) {
    const index = prevIndex + 1 + k;
    const existing = log.termAt(index);
    if (existing === undefined) return { truncateTo: undefined, append: entries.slice(k) };
    if (existing !== (entries[k] as Entry).term) {
      return { truncateTo: index - 1, append: entries.slice(k) };
    }
  }
  return { truncateTo: undefined, append: [] };
}

/**
 * A follower's hint when the consistency check fails: a log too short names its next index
 * and term 0; otherwise the term at `prevIndex` and the first index holding that term (not
 * below the first entry after the snapshot: the snapshot never conflicts, it is committed).
 */
export function conflictHint(
  log: RaftLog, prevIndex: number,
): { conflictTerm: number; conflictIndex: number } {
  if (prevIndex > log.lastIndex) return { conflictTerm: 0, conflictIndex: log.lastIndex + 1 };
  const term = log.termAt(prevIndex) as number;
  let first = prevIndex;
  while (first > log.snapshotIndex + 1 && log.termAt(first - 1) === term) first--;
  return { conflictTerm: term, conflictIndex: first };
}

/**
 * The leader's next try after a mismatch: just past its last entry of the conflicting term if
 * it has any, else the follower's first index of that term (or its log end).
 */
export function backtrack(log: RaftLog, conflictTerm: number, conflictIndex: number): number {
  if (conflictTerm > 0) {
    for (let i = log.lastIndex; i > log.snapshotIndex; i--) {
      const term = log.termAt(i) as number;
      if (term === conflictTerm) return i + 1;
      if (term < conflictTerm) break;
    }
  }
  return Math.max(1, conflictIndex);
}
