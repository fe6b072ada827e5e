/**
 * The replicated write log, kept on disk in the log `log` (index i at disk position i − 1)
 * and mirrored in memory. An entry is row-based, as MySQL's row-based binlog is: the master
 * decides a write's effect once, when it appends it (the new value of the key, or that a CAS
 * did not match), so replicas apply effects without re-running operations and every replica
 * reaches the same state. Entry 0 does not exist: (0, 0) is the empty prefix.
 *
 * A replica that joined by a snapshot (snapshot.ts) holds no entries up to the snapshot's
 * index, its `base`: the snapshot record (disk key `snapshot`) stands for them, with the
 * epoch of the last one, and names the disk log that holds the entries after it (a fresh one
 * per snapshot, its records at their absolute positions index − 1). A master never compacts
 * its own log; only a joiner starts from a base.
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
  /** A configuration entry: the members (voters) from here on (protocols/membership.ts). */
  readonly config?: readonly NodeId[];
}

/** What a snapshot record on disk says of the log (snapshot.ts holds the rest). */
export interface LogBase {
  /** The last index the snapshot covers, and that entry's epoch. */
  readonly index: number;
  readonly epoch: number;
  /** The disk log holding the entries after it. */
  readonly log: string;
  /** The configuration at `index` (undefined: the first one). */
  readonly config?: readonly NodeId[];
}

/** The disk key of the snapshot record. */
export const SNAPSHOT_KEY = 'snapshot';

/** The disk log holding the entries after a base at `index` (its records start there). */
export function logName(index: number): string {
  return index === 0 ? 'log' : `log.${index}`;
}

/** The log in memory, written through to disk. */
export class ReplicationLog {
  private readonly entries: Entry[] = [];
  /** Where the log starts: a snapshot's index (0: the log holds every entry). */
  base: LogBase = { index: 0, epoch: 0, log: 'log' };
  /** Indexes of the configuration entries held, in order. */
  private readonly configs: number[] = [];

  /**
   * Loads the log from disk, after the snapshot base `base` if the node holds one. A corrupt
   * record ends the log there: what follows cannot be trusted. Returns false when that
   * happened, so the node knows its log lost a suffix.
   */
  load(disk: Disk, base?: LogBase): boolean {
    if (base !== undefined) this.base = base;
    const name = this.base.log;
    const length = disk.length(name);
    for (let i = this.base.index; i < length; i++) {
      const record = disk.read(name, i);
      if (record instanceof CorruptRecord || record === undefined) {
        disk.truncate(name, i);
        return false;
      }
      this.push(record as Entry);
    }
    return true;
  }

  /**
   * Starts the log afresh after a snapshot, at `base`, dropping every entry held; `record`
   * (the snapshot, naming `base`) goes under the disk key `snapshot`. The entries after a
   * base at index i live in the disk log `logName(i)`, emptied before the record names it and
   * the old log emptied after: writes reach the disk in order, so a crash leaves either the
   * old snapshot with its log or the new one with a prefix of its own.
   */
  reset(disk: Disk, base: LogBase, record: unknown): void {
    assert(base.log === logName(base.index), () => `log ${base.log} for base ${base.index}`);
    disk.truncate(base.log, disk.start(base.log));
    disk.compact(base.log, base.index);
    disk.put(SNAPSHOT_KEY, record);
    if (this.base.log !== base.log) disk.truncate(this.base.log, disk.start(this.base.log));
    this.base = base;
    this.entries.length = 0;
    this.configs.length = 0;
  }

  get lastIndex(): number {
    return this.base.index + this.entries.length;
  }

  get lastEpoch(): number {
    return this.epochAt(this.lastIndex);
  }

  /** Epoch of entry `index`; 0 for index 0, the base's epoch at the base. */
  epochAt(index: number): number {
    if (index === this.base.index) return this.base.epoch;
    if (index === 0) return 0;
    return this.at(index).epoch;
  }

  /** Whether entry `index` is covered by the snapshot (held as state, not as an entry). */
  compacted(index: number): boolean {
    return index <= this.base.index;
  }

  at(index: number): Entry {
    const entry = this.entries[index - this.base.index - 1];
    assert(entry !== undefined, () => `no entry at ${index}`);
    return entry;
  }

  /** Entries from index `from` (inclusive, above the base), at most `max`. */
  slice(from: number, max: number): Entry[] {
    const start = from - this.base.index - 1;
    assert(start >= 0, () => `entries from ${from} are compacted (base ${this.base.index})`);
    return this.entries.slice(start, start + max);
  }

  append(disk: Disk, entry: Entry): number {
    this.push(entry);
    disk.append(this.base.log, entry);
    return this.lastIndex;
  }

  /** Drops entries after `length` (not below the base). */
  truncate(disk: Disk, length: number): void {
    assert(length >= this.base.index && length <= this.lastIndex, () => `truncate to ${length}`);
    this.entries.length = length - this.base.index;
    while ((this.configs.at(-1) ?? 0) > length) this.configs.pop();
    disk.truncate(this.base.log, length);
  }

  /**
   * The members in force: those of the latest configuration entry held, committed or not
   * (Ongaro's thesis §4.1), else the snapshot's, else `initial`; with the index that made it.
   */
  configuration(initial: readonly NodeId[]): { index: number; list: readonly NodeId[] } {
    const last = this.configs.at(-1);
    if (last !== undefined) return { index: last, list: this.at(last).config as NodeId[] };
    if (this.base.config !== undefined) return { index: this.base.index, list: this.base.config };
    return { index: 0, list: initial };
  }

  /** The members in force after entry `index` (at or above the base). */
  configurationAt(index: number, initial: readonly NodeId[]): readonly NodeId[] {
    for (let k = this.configs.length - 1; k >= 0; k--) {
      const at = this.configs[k] as number;
      if (at <= index) return this.at(at).config as NodeId[];
    }
    return this.base.config ?? initial;
  }

  /**
   * Whether this replica holds entry `index` of epoch `epoch`, as an entry or as its base (the
   * snapshot's last entry); below the base it cannot tell.
   */
  holds(index: number, epoch: number): boolean {
    return index >= this.base.index && index <= this.lastIndex && this.epochAt(index) === epoch;
  }

  /** Whether (`index`, `epoch`) is in this log: the Log Matching check of a Replicate. */
  matches(index: number, epoch: number): boolean {
    // Below the base: covered by a snapshot of committed entries, which match every log.
    return index < this.base.index || this.holds(index, epoch);
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
    while (index > this.base.index && this.epochAt(index) === epoch) index--;
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
    if (entry.config !== undefined) this.configs.push(this.lastIndex);
  }
}

function assertEntry(entry: Entry, previousEpoch: number): void {
  assert(entry.epoch >= previousEpoch, () => `entry epoch ${entry.epoch} < ${previousEpoch}`);
  if (entry.client !== undefined) assert(entry.seq !== undefined, 'client entry without seq');
  if (entry.op === undefined) assert(entry.client === undefined, 'no-op with a client');
  if (entry.config !== undefined) assert(entry.op === undefined, 'a configuration with an op');
}
