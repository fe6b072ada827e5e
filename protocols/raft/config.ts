/**
 * A Raft node's configuration, after the protocol's parameter schema (definition.ts) parsed it,
 * and the catalogue of bug switches. Durations are local-clock microseconds.
 */
import type { Micros, NodeId } from '../../sim/index.js';
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
  'two-changes-at-once',
  'count-before-caught-up',
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
  /**
   * The first configuration: the servers that vote from the start (thesis §4.4's bootstrap,
   * given to every server as etcd's `--initial-cluster` is). The other servers are spares:
   * they start with empty logs, outside it, until an operator adds them. Absent: every server.
   */
  readonly initialVoters?: readonly NodeId[];
  /** Rounds a new server gets to catch up as a learner before it is added (§4.2.1; 10). */
  readonly catchUpRounds?: number;
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
