/**
 * Messages of master-slave replication. Every message between servers carries the sender's
 * epoch: that is the fencing token (a replica rejects a lower epoch and answers with its own,
 * which deposes a stale master). `Synced` is a node's note to itself, sent with
 * `sendAfterSync`, that its writes so far are durable.
 */
import type { AdminMessage } from '../../sim/check/adminProtocol.js';
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import type { NodeId } from '../../sim/index.js';
import type { Entry } from './log.js';
import type { SnapshotRecord } from './snapshot.js';

/** Master → slave: log entries after (prevIndex, prevEpoch), the commit index, a heartbeat. */
export interface Replicate {
  readonly type: 'Replicate';
  readonly epoch: number;
  readonly prevIndex: number;
  readonly prevEpoch: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  /**
   * Heartbeat round, echoed in the reply; confirms mastership for reads. A slave that fences
   * the sender (an older epoch) answers round 0: the number was of that older mastership.
   */
  readonly round: number;
}

/** Slave → master, sent once the appended entries are durable. */
export interface ReplicateReply {
  readonly type: 'ReplicateReply';
  readonly epoch: number;
  readonly success: boolean;
  /** On success the slave's log matches the master's up to here; on failure its last index. */
  readonly matchIndex: number;
  readonly round: number;
}

/** Candidate → all: vote for me in `epoch`; my log ends at (lastIndex, lastEpoch). */
export interface RequestVote {
  readonly type: 'RequestVote';
  readonly epoch: number;
  readonly lastIndex: number;
  readonly lastEpoch: number;
}

/**
 * Would-be candidate → all, before raising its epoch (Raft thesis §9.6, PreVote): would you
 * vote for me in `epoch`? Nobody changes state on it, so a node cut off in a minority cannot
 * inflate epochs and depose a healthy master when it comes back.
 */
export interface PreVote {
  readonly type: 'PreVote';
  readonly epoch: number;
  readonly lastIndex: number;
  readonly lastEpoch: number;
}

/** The answer to a PreVote. */
export interface PreVoteReply {
  readonly type: 'PreVoteReply';
  readonly epoch: number;
  readonly granted: boolean;
}

/** Voter → candidate, sent once the vote is durable. */
export interface Vote {
  readonly type: 'Vote';
  readonly epoch: number;
  readonly granted: boolean;
}

/** A node to itself: every write made before this was sent is durable. */
export interface Synced {
  readonly type: 'Synced';
  readonly epoch: number;
  readonly lastIndex: number;
  readonly lastEpoch: number;
}

/**
 * Master → joining or rebuilt replica: one chunk of a snapshot (snapshot.ts), the records from
 * `offset` on. The last chunk (`done`) says which log index the snapshot stands for, that
 * entry's epoch and the configuration there; the replica installs it and the master streams
 * the log from the next index.
 */
export interface InstallSnapshot {
  readonly type: 'InstallSnapshot';
  readonly epoch: number;
  /** Numbers the master's copies in its epoch: chunks and replies of another do not mix. */
  readonly copy: number;
  readonly offset: number;
  readonly records: readonly SnapshotRecord[];
  /** Records in the whole snapshot. */
  readonly total: number;
  readonly done?: { readonly index: number; readonly indexEpoch: number;
    readonly config?: readonly NodeId[] };
}

/**
 * Replica → master: records received so far (the next chunk starts there), or, once the
 * snapshot is durable here, `installed` with the index it stands for.
 */
export interface SnapshotReply {
  readonly type: 'SnapshotReply';
  readonly epoch: number;
  readonly copy: number;
  readonly received: number;
  readonly installed?: number;
}

/**
 * A quarantined replica (a corrupt record on its disk) → the master that sent it something:
 * it answers nothing else. `rebuildable`: only its data was damaged (log, snapshot), so a
 * fresh copy makes it whole; else a promise (a vote, a refusal) is lost with the record.
 */
export interface Damaged {
  readonly type: 'Damaged';
  readonly epoch: number;
  readonly rebuildable: boolean;
}

/** Every message of the protocol. */
export type ReplicationMessage = Replicate | ReplicateReply | PreVote | PreVoteReply |
  RequestVote | Vote | Synced | InstallSnapshot | SnapshotReply | Damaged | ClientMessage |
  AdminMessage;
