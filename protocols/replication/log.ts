/**
 * The replicated write log, kept on disk in the log `log` (index i at disk position i − 1)
 * and mirrored in memory. An entry is row-based, as MySQL's row-based binlog is: the master
 * decides a write's effect once, when it appends it (the new value of the key, or that a CAS
 * did not match), so replicas apply effects without re-running operations and every replica
 * reaches the same state. Entry 0 does not exist: (0, 0) is the empty prefix.
 *
 * Invariants (checked by `assertEntry` on append and on load):
 * 1. Entries' epochs never decrease along the log.
 * 2. An entry with a client carries its sequence number; a no-op (a new master's first entry)
 *    carries neither client nor op.
 */
import { assert, CorruptRecord, type Disk, type NodeId } from '../../sim/index.js';
import type { ClientOperation } from '../../sim/index.js';

/** One log entry. */
export interface Entry {
  readonly epoch: number;
  readonly client?: NodeId;
  readonly seq?: number;
  readonly op?: ClientOperation;
  /** `ok` with `result`, or `fail` (a CAS whose expected value did not match). */
  readonly outcome?: 'ok' | 'fail';
  readonly result?: unknown;
  /** The key's value after this entry; undefined when the entry changes nothing. */
  readonly after?: string | null;
}

const LOG = 'log';

/** The log in memory, written through to disk. */
export class ReplicationLog {
  private readonly entries: Entry[] = [];

  /**
   * Loads the log from disk. A corrupt record ends the log there: what follows cannot be
   * trusted. Returns false when that happened, so the node knows its log lost a suffix.
   */
  load(disk: Disk): boolean {
    const length = disk.length(LOG);
    for (let i = 0; i < length; i++) {
      const record = disk.read(LOG, i);
      if (record instanceof CorruptRecord || record === undefined) {
        disk.truncate(LOG, i);
        return false;
      }
      this.push(record as Entry);
    }
    return true;
  }

  get lastIndex(): number {
    return this.entries.length;
  }

  get lastEpoch(): number {
    return this.epochAt(this.entries.length);
  }

  /** Epoch of entry `index`; 0 for index 0. */
  epochAt(index: number): number {
    if (index === 0) return 0;
    const entry = this.entries[index - 1];
    assert(entry !== undefined, () => `no entry at ${index}`);
    return entry.epoch;
  }

  at(index: number): Entry {
    const entry = this.entries[index - 1];
    assert(entry !== undefined, () => `no entry at ${index}`);
    return entry;
  }

  /** Entries from index `from` (inclusive), at most `max`. */
  slice(from: number, max: number): Entry[] {
    return this.entries.slice(from - 1, from - 1 + max);
  }

  append(disk: Disk, entry: Entry): number {
    this.push(entry);
    disk.append(LOG, entry);
    return this.entries.length;
  }

  /** Drops entries after `length`. */
  truncate(disk: Disk, length: number): void {
    assert(length >= 0 && length <= this.entries.length, () => `truncate to ${length}`);
    this.entries.length = length;
    disk.truncate(LOG, length);
  }

  /** Whether (`index`, `epoch`) is in this log: the Log Matching check of a Replicate. */
  matches(index: number, epoch: number): boolean {
    return index <= this.lastIndex && this.epochAt(index) === epoch;
  }

  /**
   * After a Replicate at `prevIndex` did not match: the highest index the master should try
   * next, skipping at once every entry of the epoch that conflicts there (Raft §5.3's
   * optimisation): a master that backs off one entry a round trip never catches up a replica
   * that wrote a long suffix alone under a steady workload.
   */
  retryBelow(prevIndex: number): number {
    if (prevIndex > this.lastIndex) return this.lastIndex;
    const epoch = this.epochAt(prevIndex);
    let index = prevIndex - 1;
    while (index > 0 && this.epochAt(index) === epoch) index--;
    return index;
  }

  /** Whether a log ending at (index, epoch) is at least as up to date as this one. */
  isBehind(lastIndex: number, lastEpoch: number): boolean {
    return lastEpoch > this.lastEpoch ||
      (lastEpoch === this.lastEpoch && lastIndex >= this.lastIndex);
  }

  private push(entry: Entry): void {
    assertEntry(entry, this.lastEpoch);
    this.entries.push(entry);
  }
}

function assertEntry(entry: Entry, previousEpoch: number): void {
  assert(entry.epoch >= previousEpoch, () => `entry epoch ${entry.epoch} < ${previousEpoch}`);
  if (entry.client !== undefined) assert(entry.seq !== undefined, 'client entry without seq');
  if (entry.op === undefined) assert(entry.client === undefined, 'no-op with a client');
}
