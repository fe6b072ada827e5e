/**
 * Raft's messages (extended paper, Figure 2; thesis §9.6 for PreVote, §6.4 for ReadIndex) and
 * the shared client messages, as one discriminated union on `type`.
 *
 * `Persisted` is local: a node sends it to itself with `sendAfterSync`, so it arrives only
 * once every write made before it is durable. A leader counts its own log towards a quorum
 * only through it (§3.6: a leader may not count an entry that is not on its own disk). The
 * operator's `AdminRequest` and the answer `AdminReply` (sim/check/adminProtocol.ts) are the
 * thesis's AddServer and RemoveServer RPCs (Figure 4.1).
 */
import type { AdminMessage } from '../../sim/check/adminProtocol.js';
import type { ClientReply, ClientRequest } from '../../sim/check/clientProtocol.js';
import { type ClientOperation, jsonLength, type NodeId } from '../../sim/index.js';
import type { KvAnswer } from '../kvStore.js';

/**
 * What a log entry asks the state machine to do; a `config` entry names the voters of a new
 * configuration, which every server uses as soon as the entry is in its log (thesis §4.1).
 */
export type Command =
  | { readonly kind: 'noop' }
  | {
      readonly kind: 'client';
      readonly client: NodeId;
      readonly seq: number;
      readonly op: ClientOperation;
    }
  | { readonly kind: 'config'; readonly voters: readonly NodeId[] };

/** A log entry: the term of the leader that created it, and its command. */
export interface Entry {
  readonly term: number;
  readonly command: Command;
}

/**
 * RequestVote (Figure 2), or a PreVote when `preVote` is set (thesis §9.6). `transfer` marks
 * an election the leader asked for (TimeoutNow, thesis §3.10): a voter that hears from that
 * leader does not ignore it (§4.2.3, and CheckQuorum's stickiness). Absent otherwise.
 */
export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: number;
  readonly candidate: NodeId;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly preVote: boolean;
  readonly transfer?: true;
}

export interface RequestVoteReply {
  readonly type: 'RequestVoteReply';
  readonly term: number;
  readonly granted: boolean;
  readonly preVote: boolean;
  readonly transfer?: true;
}

/**
 * AppendEntries (Figure 2). `round` is the leader's read round when it sent this (ReadIndex,
 * thesis §6.4): a reply in the same term proves the leader still led after the round began.
 * A reply echoes it only when the request was of the replier's term; the answer to a stale
 * term's request carries round 0, since its sender may since lead the replier's term and
 * reuse the number for a new round.
 */
export interface AppendEntries {
  readonly type: 'AppendEntries';
  readonly term: number;
  readonly leader: NodeId;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
  readonly round: number;
}

/**
 * The answer to AppendEntries. On success `matchIndex` is the last index known to match the
 * leader. On a log mismatch, `conflictTerm`/`conflictIndex` let the leader skip a whole term
 * at once (§5.3, "fast backtracking"); `conflictIndex` 0 means the reply says nothing about
 * the log (a stale term). `repairing` says the follower is in repair (persistence.ts): a
 * damaged record cut its log, so it may no longer hold entries it acknowledged.
 */
export interface AppendEntriesReply {
  readonly type: 'AppendEntriesReply';
  readonly term: number;
  readonly success: boolean;
  readonly matchIndex: number;
  readonly conflictTerm: number;
  readonly conflictIndex: number;
  readonly round: number;
  readonly repairing: boolean;
}

/**
 * One piece of a key-value snapshot: a key's value, or a client session (thesis §6.3: the
 * sessions are part of the replicated state, or a retried write could apply twice after an
 * install). A snapshot's state is a list of them, so InstallSnapshot can send it in chunks.
 */
export type SnapshotRecord =
  | { readonly kind: 'data'; readonly key: string; readonly value: string }
  | { readonly kind: 'session'; readonly client: NodeId; readonly seq: number;
      readonly result: KvAnswer };

/**
 * A snapshot (§7): the state machine after applying every entry up to `index`, and the
 * configuration in effect there (thesis §5.1), its voters absent when they are the first
 * configuration's (so a run without membership changes takes and sends the snapshots it did).
 */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly records: readonly SnapshotRecord[];
  readonly voters?: readonly NodeId[];
}

/**
 * InstallSnapshot (§7, Figure 13): one chunk of the leader's snapshot, the records from
 * `offset` on; `done` marks the last chunk. A chunk also serves as a heartbeat. Offsets count
 * records, not bytes: the records are the snapshot's unit here, as bytes are in a file.
 */
export interface InstallSnapshot {
  readonly type: 'InstallSnapshot';
  readonly term: number;
  readonly leader: NodeId;
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  readonly offset: number;
  readonly records: readonly SnapshotRecord[];
  readonly done: boolean;
  /** The leader's read round, as in AppendEntries (ReadIndex). */
  readonly round: number;
  /** The snapshot's configuration, as in `Snapshot` (absent: the first configuration). */
  readonly voters?: readonly NodeId[];
}

/**
 * The answer to an InstallSnapshot chunk: how many records of snapshot `lastIncludedIndex` the
 * follower holds (`received`; the leader's next offset), and whether the snapshot is
 * installed and durable (`installed`), so the follower's log matches up to its index.
 */
export interface InstallSnapshotReply {
  readonly type: 'InstallSnapshotReply';
  readonly term: number;
  readonly lastIncludedIndex: number;
  readonly received: number;
  readonly installed: boolean;
  readonly round: number;
}

/**
 * TimeoutNow (thesis §3.10): a leader handing over its leadership tells the server it brought
 * up to date to start an election at once, without waiting for its timeout or pre-votes.
 */
export interface TimeoutNow {
  readonly type: 'TimeoutNow';
  readonly term: number;
}

/** Local: every write up to log `index`, made in `term`, is durable. */
export interface Persisted {
  readonly type: 'Persisted';
  readonly term: number;
  readonly index: number;
}

/** Every message a Raft node sends or receives. */
export type RaftMessage =
  | RequestVote
  | RequestVoteReply
  | AppendEntries
  | AppendEntriesReply
  | InstallSnapshot
  | InstallSnapshotReply
  | TimeoutNow
  | Persisted
  | ClientRequest
  | ClientReply
  | AdminMessage;

/** The JSON length of each entry already measured (entries are frozen and shared, §5.3). */
const entryBytes = new WeakMap<Entry, number>();

/**
 * A message's size in bytes: the length of its JSON, as the network's bandwidth model counts
 * it (sim/network.ts). An AppendEntries carries entries every follower receives again and
 * again; each entry is measured once.
 */
export function messageBytes(msg: RaftMessage): number {
  if (msg.type !== 'AppendEntries' || msg.entries.length === 0) return jsonLength(msg);
  let bytes = jsonLength({ ...msg, entries: [] }) + msg.entries.length - 1;
  for (const entry of msg.entries) {
    let size = entryBytes.get(entry);
    if (size === undefined) entryBytes.set(entry, size = jsonLength(entry));
    bytes += size;
  }
  return bytes;
}
