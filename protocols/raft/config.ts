/**
 * A Raft node's configuration, after the protocol's parameter schema (definition.ts) parsed it,
 * and the catalogue of bug switches. Durations are local-clock microseconds.
 */
import type { Micros } from '../../sim/index.js';
import type { KvStore } from './stateMachine.js';

/** The known bugs, each behind a switch in `bugs: [...]` (see README.md). */
export const BUG_NAMES = [
  'vote-not-persisted',
  'length-only-up-to-date',
  'commit-previous-term',
  'truncate-on-match',
  'ignore-higher-term-in-reply',
  'stale-leader-read',
  'ack-before-sync',
] as const;

export type BugName = (typeof BUG_NAMES)[number];

/** How a leader serves a get: ReadIndex (thesis §6.4) or by appending it to the log. */
export type ReadMode = 'read-index' | 'log';

export interface RaftConfig {
  readonly electionTimeout: readonly [Micros, Micros];
  readonly heartbeat: Micros;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly reads: ReadMode;
  /** Most entries in one AppendEntries. */
  readonly maxBatch: number;
  /**
   * How long a leader collects client requests before it replicates them and starts a
   * ReadIndex round for them, all in one flush; 0 sends at each request.
   */
  readonly batchDelay: Micros;
  /** Applied entries between snapshots (§7); 0 never snapshots. */
  readonly snapshotEvery: number;
  /** Most snapshot records in one InstallSnapshot chunk. */
  readonly snapshotChunk: number;
  readonly bugs: ReadonlySet<BugName>;
  /**
   * The state machine each server applies entries to; default the key-value store. A service
   * built on Raft (the lock protocol's coordination service) brings its own, with its own
   * operations.
   */
  readonly machine?: () => KvStore;
}

/** Counters shared by the nodes of one run, for metrics (they survive crashes on purpose). */
export interface RaftStats {
  messages: number;
  /** Bytes of the messages counted in `messages` (their JSON length, messages.ts). */
  bytes: number;
  /** Snapshots taken (compaction), installed from a leader, and started from at a restart. */
  snapshotsTaken: number;
  snapshotsInstalled: number;
  snapshotRestores: number;
}
