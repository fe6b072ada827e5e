/**
 * A write-ahead log kept twice on a node's simulated disk. Every record goes to two logs
 * (`<name>` and `<name>.mirror`) under one sequence number, so that one damaged copy — a
 * record torn by a crash or corrupted on the platter — is read from the other, and a record
 * lost in both copies shows as a gap in the sequence numbers instead of going unnoticed.
 *
 * A torn write is always the oldest unsynced write at a crash, so no promise was made on it
 * (promises go out through `sendAfterSync`); it is skipped. A gap means two faults hit one
 * record, beyond the fault model the protocol is built for; `recoverWal` reports it and the
 * node stops serving rather than act on a log with a hole (see README, "Storage faults").
 */
import { CorruptRecord, snapshot } from '../../sim/index.js';
import type { Disk, DiskView } from '../../sim/index.js';

/** The part of a disk recovery reads: `Disk` for a node, a `DiskView` through `viewReader`. */
export interface LogReader {
  read(log: string, index: number): unknown;
  length(log: string): number;
}

/** What recovery found. */
export interface Recovered<R> {
  /** Intact records in sequence order. */
  readonly records: readonly R[];
  /** True when a sequence number is missing in both copies. */
  readonly lost: boolean;
  /** The sequence number of the next append. */
  readonly next: number;
}

/** A mirrored append-only log; the node syncs through its context. */
export class Wal<R> {
  constructor(private readonly disk: Disk, private readonly name: string, private next: number) {}

  /** Appends `record` to both copies (not yet durable); one frozen snapshot serves both. */
  append(record: R): void {
    const entry = snapshot({ seq: this.next++, record });
    this.disk.append(this.name, entry);
    this.disk.append(`${this.name}.mirror`, entry);
  }
}

/** Reads both copies of log `name`, keeping the first intact copy of each record. */
export function recoverWal<R>(
  reader: LogReader, name: string, isRecord: (value: unknown) => value is R,
): Recovered<R> {
  const bySeq = new Map<number, R>();
  for (const log of [name, `${name}.mirror`]) {
    const length = reader.length(log);
    for (let i = 0; i < length; i++) {
      const entry = reader.read(log, i);
      if (entry instanceof CorruptRecord || typeof entry !== 'object' || entry === null) continue;
      const { seq, record } = entry as { seq?: unknown; record?: unknown };
      if (typeof seq !== 'number' || bySeq.has(seq) || !isRecord(record)) continue;
      bySeq.set(seq, record);
    }
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const last = seqs.length === 0 ? -1 : (seqs[seqs.length - 1] as number);
  return { records: seqs.map((s) => bySeq.get(s) as R), lost: seqs.length !== last + 1,
    next: last + 1 };
}

/** A `LogReader` over a decoded disk view (for checkers reading a crashed node's disk). */
export function viewReader(view: DiskView): LogReader {
  return {
    read: (log, index) => view.logs[log]?.[index],
    length: (log) => view.logs[log]?.length ?? 0,
  };
}
