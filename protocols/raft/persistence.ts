/**
 * Raft's persistent state on the simulated disk (Figure 2: currentTerm, votedFor, log[]):
 * - keys `hardState.a` and `hardState.b`: both hold `{ term, votedFor }`, written in that
 *   order before one sync. Two copies because a crash can tear the write in progress: a torn
 *   `a` means its sync never completed, so `b` still holds the previous durable state and
 *   nothing (no vote, no acknowledgement) depended on the new one. A torn `b` means `a` is
 *   already new. Recovery takes the newest readable copy (highest term, then a cast vote).
 * - log `log`: one record per entry, record i holding entry i + 1.
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
 */
import { CorruptRecord, type Disk, type NodeId } from '../../sim/index.js';
import type { Command, Entry } from './messages.js';

export const HARD_STATE_KEYS = ['hardState.a', 'hardState.b'] as const;
export const LOG = 'log';

/** What `recover` read back. */
export interface Recovered {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly log: Entry[];
  /** Why the node must not take part (a damaged term or vote record), if it must not. */
  readonly disabled: string | undefined;
  /** Log length before a damaged record was cut off, or 0 when the log was intact. */
  readonly repairUpTo: number;
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

/** Reads the persistent state back after a start or restart. */
export function recover(disk: Disk): Recovered {
  // A copy never written stands for the initial state: term 0, no vote.
  const records = HARD_STATE_KEYS.map((key) => disk.get(key) ?? { term: 0, votedFor: null });
  const readable = records.filter(isHardState)
    .sort((x, y) => y.term - x.term || Number(y.votedFor !== null) - Number(x.votedFor !== null));
  const best = readable[0];
  const disabled = best !== undefined ? undefined
    : `hard state unreadable (${records.map(describe).join(', ')})`;
  const { log, repairUpTo } = recoverLog(disk);
  return { term: best?.term ?? 0, votedFor: best?.votedFor ?? null, log, disabled, repairUpTo };
}

function recoverLog(disk: Disk): { log: Entry[]; repairUpTo: number } {
  const length = disk.length(LOG);
  const log: Entry[] = [];
  for (let i = 0; i < length; i++) {
    const record = disk.read(LOG, i);
    if (!isEntry(record)) {
      truncateOnDisk(disk, i);
      return { log, repairUpTo: length };
    }
    log.push(record);
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

function isCommand(value: unknown): value is Command {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { kind?: unknown; client?: unknown; seq?: unknown; op?: unknown };
  if (c.kind === 'noop') return true;
  return c.kind === 'client' && typeof c.client === 'string' && typeof c.seq === 'number' &&
    typeof c.op === 'object' && c.op !== null;
}
