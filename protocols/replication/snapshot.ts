/**
 * The state a replica copies to join, or to be rebuilt after its disk was damaged: a
 * snapshot of the master's committed state at one log index, as MySQL's clone plugin,
 * `pg_basebackup` or Redis's full resynchronisation copy a primary's data together with the
 * log position it stands for; the log after that position is then streamed (catch-up).
 *
 * A snapshot is a list of records, sent in chunks (`InstallSnapshot`, at most
 * `snapshotChunk` records each) while the master keeps serving:
 * - `key`: a key and its value;
 * - `session`: a client's last write (sequence number, index, outcome), so a retry is
 *   answered once, as the log's entries would have;
 * - `write`: a write applied by then, by its token, with the value it produced if it took
 *   effect: the executed-writes set that MySQL's clone carries as `gtid_executed`, read by
 *   the observer's `no-lost-acked-write` and the run's figures (metrics.ts).
 *
 * `stateAt` reads the records off a replica; `BaseState` is what a replica holds of the
 * entries a snapshot covers (log.ts `base`), kept on disk under `snapshot` with the base.
 */
import { assert, type NodeId } from '../../sim/index.js';
import type { Entry, LogBase } from './log.js';
import { producedBy, writeToken } from './store.js';

/** One record of a snapshot (see the file comment). */
export type SnapshotRecord =
  | readonly ['key', string, string]
  | readonly ['session', NodeId, number, number, 'ok' | 'fail', unknown]
  | readonly ['write', string, number, string | null];

/** A client's last write: sequence number, log index, and its outcome once compacted. */
export interface Session {
  readonly seq: number;
  readonly index: number;
  readonly outcome?: 'ok' | 'fail';
  readonly result?: unknown;
}

/** The disk record of an installed snapshot. */
export interface StoredSnapshot {
  readonly base: LogBase;
  readonly records: readonly SnapshotRecord[];
}

/** What a replica keeps of the entries its snapshot covers. */
export class BaseState {
  readonly store = new Map<string, string>();
  readonly sessions = new Map<NodeId, Session>();
  readonly tokens = new Map<string, number>();
  /** Index of the write that produced each value token (store.ts `producedBy`). */
  readonly produced = new Map<string, number>();

  constructor(records: readonly SnapshotRecord[] = []) {
    for (const record of records) {
      switch (record[0]) {
        case 'key':
          this.store.set(record[1], record[2]);
          break;
        case 'session':
          this.sessions.set(record[1], { seq: record[2], index: record[3], outcome: record[4],
            result: record[5] });
          break;
        case 'write':
          this.tokens.set(record[1], record[2]);
          if (record[3] !== null) this.produced.set(record[3], record[2]);
          break;
      }
    }
  }
}

/**
 * The records of a replica's state after entry `index`: the committed `store` there, and the
 * sessions and writes of the base and of the entries up to `index`, in one order (keys, then
 * sessions, then writes, each sorted) so equal states give equal snapshots.
 */
export function stateAt(base: BaseState, store: ReadonlyMap<string, string>,
  entries: (index: number) => Entry, from: number, index: number): SnapshotRecord[] {
  assert(from <= index + 1, () => `entries from ${from} past ${index}`);
  const sessions = new Map(base.sessions);
  const tokens = new Map<string, readonly [number, string | null]>();
  const produced = new Map([...base.produced].map(([value, at]) => [at, value]));
  for (const [token, at] of base.tokens) tokens.set(token, [at, produced.get(at) ?? null]);
  for (let i = from; i <= index; i++) {
    const entry = entries(i);
    if (entry.client === undefined || entry.seq === undefined || entry.op === undefined) continue;
    sessions.set(entry.client, { seq: entry.seq, index: i, outcome: entry.outcome ?? 'fail',
      result: entry.result ?? null });
    tokens.set(writeToken(entry.op), [i, producedBy(entry) ?? null]);
  }
  const byKey = <T>(map: ReadonlyMap<string, T>): [string, T][] =>
    [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...byKey(store).map(([key, value]): SnapshotRecord => ['key', key, value]),
    ...byKey(sessions).map(([client, s]): SnapshotRecord =>
      ['session', client, s.seq, s.index, s.outcome ?? 'fail', s.result ?? null]),
    ...byKey(tokens).map(([token, [at, value]]): SnapshotRecord => ['write', token, at, value]),
  ];
}
