/**
 * A node's simulated disk: a key-value area and named append-only logs.
 *
 * Writes go to a volatile buffer (the page cache) and are visible to the node at once; they
 * become durable only when a sync that started after them completes, an event the engine
 * schedules after a sampled latency. A crash throws the buffer away: the restarted node sees
 * exactly what was durable. Faults can make things worse, as real disks do:
 * - a torn write: at a crash, the write in progress (the oldest unsynced one) lands half
 *   written, so its record fails its checksum;
 * - a failed sync: the engine treats it as fatal and crashes the node, as PostgreSQL does
 *   since "fsyncgate", so the unsynced writes are lost;
 * - corruption: a durable record's bytes change, and its checksum reveals it on read.
 *
 * Every record carries a checksum. A record written through the API is kept as a frozen
 * snapshot whose checksum was right when written; a record damaged by a fault is kept as
 * raw bytes with the checksum it had, and reading it recomputes the checksum, finds the
 * mismatch and returns a `CorruptRecord`. The node must handle that; the disk never hands
 * out damaged data as if it were good.
 *
 * Records are snapshots (deep frozen copies), so a node cannot change what it stored by
 * mutating an object afterwards, and no object is shared between a node and its disk.
 */
import { assert } from './assert.js';
import { fnv1a } from './hash.js';
import { snapshot } from './snapshot.js';

/** What a read returns for a record whose checksum does not match its bytes. */
export class CorruptRecord {
  constructor(readonly where: string) {}
}

/** One write as data: what a transcript (sim/transcript.ts) lists of a handler's writes. */
export type DiskWrite =
  | { readonly op: 'put'; readonly key: string; readonly value: unknown }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'append'; readonly log: string; readonly record: unknown }
  | { readonly op: 'truncate'; readonly log: string; readonly length: number }
  | { readonly op: 'compact'; readonly log: string; readonly before: number };

/** The disk as a node sees it. */
export interface Disk {
  /** The value under `key`, undefined if absent, or a CorruptRecord. */
  get(key: string): unknown;
  put(key: string, value: unknown): void;
  delete(key: string): void;
  /** Keys of the key-value area, sorted. */
  keys(): string[];
  /** Appends to a log and returns the record's index (0-based). */
  append(log: string, record: unknown): number;
  /**
   * Record `index` of a log, or undefined past its end or below its start, or a CorruptRecord.
   * Indexes are absolute: compaction never renumbers records.
   */
  read(log: string, index: number): unknown;
  /** The index one past a log's last record (its record count until it is compacted). */
  length(log: string): number;
  /** The index of a log's first kept record: 0 until `compact` dropped a prefix. */
  start(log: string): number;
  /** Keeps the records below index `length` and drops the rest; `length` >= `start(log)`. */
  truncate(log: string, length: number): void;
  /**
   * Drops the records below index `before`, as a write-ahead log deletes old segments once a
   * snapshot covers them. With `before` past the end the log becomes empty and the next
   * append gets index `before`.
   */
  compact(log: string, before: number): void;
  /** Asks for every write so far to be made durable; completion is an engine event. */
  sync(): void;
}

type Stored = { readonly value: unknown } | { readonly bytes: string; readonly checksum: number };
type Op =
  | { readonly kind: 'put'; readonly key: string; readonly record: Stored }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'append'; readonly log: string; readonly record: Stored }
  | { readonly kind: 'truncate'; readonly log: string; readonly length: number }
  | { readonly kind: 'compact'; readonly log: string; readonly before: number };

/** Unsynced writes beyond this many mean a protocol forgot to sync: an assertion. */
export const MAX_UNSYNCED_WRITES = 1_000_000;

/** A log's kept records; record i (absolute) is `records[i - start]`. */
interface StoredLog {
  start: number;
  records: Stored[];
}

interface Area {
  kv: Map<string, Stored>;
  logs: Map<string, StoredLog>;
}

/** A disk's durable and volatile contents. The engine owns it; a node sees the `Disk` view. */
export class SimDisk implements Disk {
  private durable: Area = { kv: new Map(), logs: new Map() };
  private volatile: Area = { kv: new Map(), logs: new Map() };
  private pending: Op[] = [];
  /** Sequence number of the first op in `pending`; op i has sequence pendingBase + i. */
  private pendingBase = 0;
  private syncRequestedUpTo = 0;
  /** Called when the node asks for a sync covering writes up to `upTo` (exclusive). */
  onSyncRequest: (upTo: number) => void = () => {};

  /** Sequence number the next write will get; writes below it exist. */
  get writeSequence(): number {
    return this.pendingBase + this.pending.length;
  }

  /** Writes not yet durable. */
  get unsyncedWrites(): number {
    return this.pending.length;
  }

  /** Sequence number below which every write is durable (for checkers). */
  get durableSequence(): number {
    return this.pendingBase;
  }

  /** The durable value under `key` (what a restart would read), without copying the disk. */
  durableGet(key: string): unknown {
    const stored = this.durable.kv.get(key);
    return stored === undefined ? undefined : decode(stored, `key ${key}`);
  }

  /** Durable record `index` of a log, without copying the disk. */
  durableRead(log: string, index: number): unknown {
    return readLog(this.durable, log, index);
  }

  /** The index one past a log's last durable record. */
  durableLength(log: string): number {
    return logEnd(this.durable.logs.get(log));
  }

  get(key: string): unknown {
    const stored = this.volatile.kv.get(key);
    return stored === undefined ? undefined : decode(stored, `key ${key}`);
  }

  put(key: string, value: unknown): void {
    this.apply(this.volatile, this.record({ kind: 'put', key, record: { value: snapshot(value) } }));
  }

  delete(key: string): void {
    this.apply(this.volatile, this.record({ kind: 'delete', key }));
  }

  keys(): string[] {
    return [...this.volatile.kv.keys()].sort();
  }

  append(log: string, record: unknown): number {
    const index = this.length(log);
    this.apply(this.volatile, this.record({ kind: 'append', log, record: { value: snapshot(record) } }));
    return index;
  }

  read(log: string, index: number): unknown {
    return readLog(this.volatile, log, index);
  }

  length(log: string): number {
    return logEnd(this.volatile.logs.get(log));
  }

  start(log: string): number {
    return this.volatile.logs.get(log)?.start ?? 0;
  }

  truncate(log: string, length: number): void {
    assert(Number.isInteger(length) && length >= this.start(log),
      () => `truncate ${log} to ${length}, below its start ${this.start(log)}`);
    if (length >= this.length(log)) return;
    this.apply(this.volatile, this.record({ kind: 'truncate', log, length }));
  }

  compact(log: string, before: number): void {
    assert(Number.isInteger(before) && before >= 0, () => `compact before ${before}`);
    if (before <= this.start(log)) return;
    this.apply(this.volatile, this.record({ kind: 'compact', log, before }));
  }

  sync(): void {
    const upTo = this.writeSequence;
    if (upTo <= this.syncRequestedUpTo) return;
    this.syncRequestedUpTo = upTo;
    this.onSyncRequest(upTo);
  }

  /** The unsynced writes with sequence `from` or above, in order, as data. */
  writesSince(from: number): DiskWrite[] {
    return this.pending.slice(Math.max(0, from - this.pendingBase)).map((op): DiskWrite => {
      switch (op.kind) {
        case 'put':
          return { op: 'put', key: op.key, value: decode(op.record, `key ${op.key}`) };
        case 'append':
          return { op: 'append', log: op.log, record: decode(op.record, `log ${op.log}`) };
        case 'delete':
          return { op: 'delete', key: op.key };
        case 'truncate':
          return { op: 'truncate', log: op.log, length: op.length };
        case 'compact':
          return { op: 'compact', log: op.log, before: op.before };
      }
    });
  }

  /** Makes writes with sequence below `upTo` durable (a sync completed). */
  completeSync(upTo: number): void {
    const count = Math.min(upTo - this.pendingBase, this.pending.length);
    for (let i = 0; i < count; i++) this.apply(this.durable, this.pending[i] as Op);
    if (count > 0) {
      this.pending = this.pending.slice(count);
      this.pendingBase += count;
    }
  }

  /**
   * Loses everything not durable. With `tear`, the oldest unsynced write (the one being
   * written when the power went) lands with torn bytes. Returns what was lost, for the trace.
   */
  crash(tear: boolean): { lost: number; torn: boolean } {
    const lost = this.pending.length;
    const first = this.pending[0];
    let torn = false;
    if (tear && first !== undefined && (first.kind === 'put' || first.kind === 'append')) {
      this.apply(this.durable, { ...first, record: damage(first.record) });
      torn = true;
    }
    this.pendingBase += this.pending.length;
    this.pending = [];
    this.syncRequestedUpTo = this.pendingBase;
    this.volatile = copyArea(this.durable);
    return { lost, torn };
  }

  /**
   * Damages one durable record so its checksum no longer matches. `pick` chooses among the
   * candidates (sorted, so the choice is deterministic). Returns where, or undefined if the
   * disk holds nothing durable.
   */
  corrupt(pick: (count: number) => number): string | undefined {
    const places: (() => string)[] = [];
    for (const key of [...this.durable.kv.keys()].sort()) {
      places.push(() => this.damageKey(key));
    }
    for (const log of [...this.durable.logs.keys()].sort()) {
      const { start, records } = this.durable.logs.get(log) as StoredLog;
      records.forEach((_, i) => places.push(() => this.damageLog(log, start + i)));
    }
    if (places.length === 0) return undefined;
    return (places[pick(places.length)] as () => string)();
  }

  /** The durable contents, decoded (corrupt records as CorruptRecord), for inspection. */
  durableView(): DiskView {
    return view(this.durable);
  }

  /** What the node currently sees (durable plus unsynced writes), for inspection. */
  volatileView(): DiskView {
    return view(this.volatile);
  }

  private damageKey(key: string): string {
    const original = this.durable.kv.get(key) as Stored;
    const damaged = damage(original);
    this.durable.kv.set(key, damaged);
    // The node sees the damage too unless an unsynced write already replaced the record.
    if (this.volatile.kv.get(key) === original) this.volatile.kv.set(key, damaged);
    return `key ${key}`;
  }

  private damageLog(log: string, index: number): string {
    const stored = this.durable.logs.get(log) as StoredLog;
    const original = stored.records[index - stored.start] as Stored;
    const damaged = damage(original);
    stored.records[index - stored.start] = damaged;
    const seen = this.volatile.logs.get(log);
    if (seen !== undefined && seen.records[index - seen.start] === original) {
      seen.records[index - seen.start] = damaged;
    }
    return `log ${log}[${index}]`;
  }

  private record(op: Op): Op {
    assert(this.pending.length < MAX_UNSYNCED_WRITES, 'too many unsynced writes: sync missing?');
    this.pending.push(op);
    return op;
  }

  private apply(area: Area, op: Op): void {
    switch (op.kind) {
      case 'put':
        area.kv.set(op.key, op.record);
        return;
      case 'delete':
        area.kv.delete(op.key);
        return;
      case 'append':
        logIn(area, op.log).records.push(op.record);
        return;
      case 'truncate': {
        const log = area.logs.get(op.log);
        log?.records.splice(op.length - log.start);
        return;
      }
      case 'compact': {
        const log = logIn(area, op.log);
        log.records = log.records.slice(Math.min(op.before - log.start, log.records.length));
        log.start = op.before;
        return;
      }
    }
  }
}

/**
 * A decoded copy of a disk area, for checkers and the visualizer. `logs[name][i]` is record
 * `logStarts[name] + i`: a compacted log lists only the records it kept.
 */
export interface DiskView {
  readonly kv: Readonly<Record<string, unknown>>;
  readonly logs: Readonly<Record<string, readonly unknown[]>>;
  readonly logStarts: Readonly<Record<string, number>>;
}

function view(area: Area): DiskView {
  const kv: Record<string, unknown> = {};
  for (const key of [...area.kv.keys()].sort()) kv[key] = decode(area.kv.get(key) as Stored, key);
  const logs: Record<string, unknown[]> = {};
  const logStarts: Record<string, number> = {};
  for (const name of [...area.logs.keys()].sort()) {
    const { start, records } = area.logs.get(name) as StoredLog;
    logs[name] = records.map((r, i) => decode(r, `log ${name}[${start + i}]`));
    logStarts[name] = start;
  }
  return { kv, logs, logStarts };
}

function copyArea(area: Area): Area {
  const logs = new Map<string, StoredLog>();
  for (const [name, log] of area.logs) logs.set(name, { start: log.start, records: log.records.slice() });
  return { kv: new Map(area.kv), logs };
}

function logIn(area: Area, name: string): StoredLog {
  let log = area.logs.get(name);
  if (log === undefined) area.logs.set(name, (log = { start: 0, records: [] }));
  return log;
}

function logEnd(log: StoredLog | undefined): number {
  return log === undefined ? 0 : log.start + log.records.length;
}

function readLog(area: Area, name: string, index: number): unknown {
  const log = area.logs.get(name);
  if (log === undefined || index < log.start) return undefined;
  const stored = log.records[index - log.start];
  return stored === undefined ? undefined : decode(stored, `log ${name}[${index}]`);
}

function decode(stored: Stored, where: string): unknown {
  if ('value' in stored) return stored.value;
  if (fnv1a(stored.bytes) !== stored.checksum) return new CorruptRecord(where);
  return snapshot(JSON.parse(stored.bytes) as unknown);
}

/** The record's bytes with the second half garbled, under the checksum of the intact bytes. */
function damage(stored: Stored): Stored {
  const bytes = 'value' in stored ? JSON.stringify(stored.value) ?? 'null' : stored.bytes;
  const checksum = 'value' in stored ? fnv1a(bytes) : stored.checksum;
  const cut = Math.floor(bytes.length / 2);
  const garbled = bytes.slice(0, cut) + '\u0000'.repeat(Math.max(1, bytes.length - cut));
  return { bytes: garbled, checksum };
}
