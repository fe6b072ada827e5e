/**
 * Raft's persistent state on the simulated disk (Figure 2: currentTerm, votedFor, log[]):
 * - keys `hardState.a` and `hardState.b`: both hold `{ term, votedFor }`, written in that
 *   order before one sync. Two copies because a crash can tear the write in progress: a torn
 *   `a` means its sync never completed, so `b` still holds the previous durable state and
 *   nothing (no vote, no acknowledgement) depended on the new one. A torn `b` means `a` is
 *   already new. Recovery takes the newest readable copy (highest term, then a cast vote),
 *   and reports the damaged one (`repaired`, which the node notes as `copy-repaired`).
 * - log `log`: one record per entry, record i holding entry i + 1. Indexes are absolute: after
 *   a snapshot the records it covers are dropped (`compact`) and the rest keep their indexes.
 * - keys `refusals.a` and `refusals.b`: refused client writes and the last term this server
 *   stood for (protocols/refusals.ts, which reads and writes them);
 * - keys `snapshot.a` and `snapshot.b`: the latest snapshot (§7), two copies for the same
 *   reason as the hard state, written before the log prefix it covers is dropped. A crash
 *   keeps a prefix of the writes, so a compacted log always has an intact snapshot copy
 *   unless a corruption fault hit both.
 *
 * Recovery validates every record once, at the gateway, and handles damage conservatively:
 * - both hard-state copies unreadable (a corrupt fault on top of a tear): the node cannot know
 *   which term it reached or whom it voted for, and guessing could make it vote twice in one
 *   term (two leaders). It is disabled: it never votes, campaigns or acknowledges again, like
 *   a replica awaiting an operator. Raft's safety needs only a majority of intact servers.
 * - a corrupt log record: the log is cut before it. A torn tail (the write in progress at a
 *   crash) was never acknowledged, but a record damaged after its sync may have been, and the
 *   two look alike. So the node enters repair: it neither votes nor campaigns until a leader
 *   has matched its log up to the old length (`repairUpTo`), which restores every committed
 *   entry it may have acknowledged (Leader Completeness of that leader).
 * - both snapshot copies unreadable, or a log compacted past the readable snapshot: the node
 *   lost applied state it cannot rebuild alone (and may have acknowledged the entries it
 *   held). It is disabled, like a node with damaged hard state.
 */
import { CorruptRecord, type Disk, type NodeId } from '../../sim/index.js';
import { RaftLog } from './log.js';
import type { Command, Entry, Snapshot, SnapshotRecord } from './messages.js';

export const HARD_STATE_KEYS = ['hardState.a', 'hardState.b'] as const;
export const SNAPSHOT_KEYS = ['snapshot.a', 'snapshot.b'] as const;
export const LOG = 'log';

/** What `recover` read back. */
export interface Recovered {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly log: RaftLog;
  /** The snapshot the log starts after, if any. */
  readonly snapshot: Snapshot | undefined;
  /** Why the node must not take part (a damaged term or vote record), if it must not. */
  readonly disabled: string | undefined;
  /** Log length before a damaged record was cut off, or 0 when the log was intact. */
  readonly repairUpTo: number;
  /** Damaged copies (a torn write, a corrupted record) whose twin held the state, by key. */
  readonly repaired: readonly string[];
}

/** Writes the term and the vote (not yet durable: the caller syncs before relying on it). */
export function saveHardState(disk: Disk, term: number, votedFor: NodeId | null): void {
  for (const key of HARD_STATE_KEYS) disk.put(key, { term, votedFor });
}

/** Appends entries to the log on disk. */
export function appendToDisk(disk: Disk, entries: readonly Entry[]): void {
  for (const entry of entries) disk.append(LOG, entry);
}

/** Cuts the log on disk to its first `length` entries. */
export function truncateOnDisk(disk: Disk, length: number): void {
  disk.truncate(LOG, length);
}

/**
 * Writes a snapshot, then drops the log records it covers. `keepLog` false (an installed
 * snapshot whose last entry the log does not hold) drops the whole log.
 */
export function saveSnapshot(disk: Disk, snapshot: Snapshot, keepLog: boolean): void {
  for (const key of SNAPSHOT_KEYS) disk.put(key, snapshot);
  if (!keepLog && disk.length(LOG) > snapshot.index) {
    disk.truncate(LOG, Math.max(disk.start(LOG), snapshot.index));
  }
  disk.compact(LOG, snapshot.index);
}

/** Reads the persistent state back after a start or restart. */
export function recover(disk: Disk): Recovered {
  // A copy never written stands for the initial state: term 0, no vote.
  const records = HARD_STATE_KEYS.map((key) => disk.get(key) ?? { term: 0, votedFor: null });
  const readable = records.filter(isHardState)
    .sort((x, y) => y.term - x.term || Number(y.votedFor !== null) - Number(x.votedFor !== null));
  const best = readable[0];
  const snap = recoverSnapshot(disk);
  const disabled = best === undefined
    ? `hard state unreadable (${records.map(describe).join(', ')})` : snap.problem;
  // Without its snapshot the log's indexes mean nothing: a disabled node holds none.
  const { log, repairUpTo } = snap.problem === undefined ? recoverLog(disk, snap.snapshot)
    : { log: new RaftLog(), repairUpTo: 0 };
  const damaged = (keys: readonly string[]) =>
    keys.filter((key) => disk.get(key) instanceof CorruptRecord);
  // A damaged copy beside a readable twin: recovered from the twin (see the file comment).
  const repaired = [...(best === undefined ? [] : damaged(HARD_STATE_KEYS)),
    ...(snap.snapshot === undefined ? [] : damaged(SNAPSHOT_KEYS))];
  return { term: best?.term ?? 0, votedFor: best?.votedFor ?? null, log,
    snapshot: snap.snapshot, disabled, repairUpTo, repaired };
}

function recoverSnapshot(disk: Disk): { snapshot: Snapshot | undefined; problem?: string } {
  const copies = SNAPSHOT_KEYS.map((key) => disk.get(key));
  const snapshot = copies.filter(isSnapshot).sort((x, y) => y.index - x.index)[0];
  const start = disk.start(LOG);
  if (snapshot === undefined && copies.some((c) => c !== undefined)) {
    return { snapshot, problem: `snapshot unreadable (${copies.map(describe).join(', ')})` };
  }
  if (start > (snapshot?.index ?? 0)) {
    return { snapshot, problem: `log compacted to ${start} past the readable snapshot (${
      snapshot?.index ?? 'none'})` };
  }
  return { snapshot };
}

function recoverLog(disk: Disk, snapshot: Snapshot | undefined): { log: RaftLog; repairUpTo: number } {
  const from = snapshot?.index ?? 0;
  // A crash between a snapshot's write and its compaction leaves covered records behind.
  disk.compact(LOG, from);
  const length = disk.length(LOG);
  const log = new RaftLog(from, snapshot?.term ?? 0);
  for (let i = Math.max(from, disk.start(LOG)); i < length; i++) {
    const record = disk.read(LOG, i);
    if (!isEntry(record)) {
      truncateOnDisk(disk, i);
      return { log, repairUpTo: length };
    }
    log.append([record]);
  }
  return { log, repairUpTo: 0 };
}

function describe(record: unknown): string {
  return record instanceof CorruptRecord ? `corrupt ${record.where}` : String(JSON.stringify(record));
}

function isTerm(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isHardState(value: unknown): value is { term: number; votedFor: NodeId | null } {
  if (typeof value !== 'object' || value === null || value instanceof CorruptRecord) return false;
  const v = value as { term?: unknown; votedFor?: unknown };
  return isTerm(v.term) && (v.votedFor === null || typeof v.votedFor === 'string');
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null || value instanceof CorruptRecord) return false;
  const e = value as { term?: unknown; command?: unknown };
  return isTerm(e.term) && e.term > 0 && isCommand(e.command);
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== 'object' || value === null || value instanceof CorruptRecord) return false;
  const v = value as { index?: unknown; term?: unknown; records?: unknown; voters?: unknown };
  return isTerm(v.index) && isTerm(v.term) && Array.isArray(v.records) &&
    v.records.every(isSnapshotRecord) && (v.voters === undefined || isVoters(v.voters));
}

/** A configuration's voters: a non-empty list of distinct server ids. */
function isVoters(value: unknown): value is readonly NodeId[] {
  return Array.isArray(value) && value.length > 0 &&
    value.every((id) => typeof id === 'string') && new Set(value).size === value.length;
}

function isSnapshotRecord(value: unknown): value is SnapshotRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { kind?: unknown; key?: unknown; value?: unknown; client?: unknown;
    seq?: unknown; result?: unknown };
  if (r.kind === 'data') return typeof r.key === 'string' && typeof r.value === 'string';
  return r.kind === 'session' && typeof r.client === 'string' && typeof r.seq === 'number' &&
    typeof r.result === 'object' && r.result !== null;
}

function isCommand(value: unknown): value is Command {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { kind?: unknown; client?: unknown; seq?: unknown; op?: unknown;
    voters?: unknown };
  if (c.kind === 'noop') return true;
  if (c.kind === 'config') return isVoters(c.voters);
  return c.kind === 'client' && typeof c.client === 'string' && typeof c.seq === 'number' &&
    typeof c.op === 'object' && c.op !== null;
}
