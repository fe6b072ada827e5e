/**
 * Log compaction by snapshots (extended paper §7, Figure 13).
 *
 * Each server snapshots on its own: once `snapshotEvery` entries have been applied since its
 * last snapshot, it writes the state machine (data and client sessions) as of its last applied
 * entry, with that entry's index and term, and drops the log up to it. Only applied entries
 * are compacted, so a snapshot holds committed state only.
 *
 * A leader that must send a follower entries it has compacted sends its snapshot instead, with
 * InstallSnapshot, in chunks of `snapshotChunk` records. The follower collects the chunks in
 * order (a first chunk, offset 0, starts a new transfer), and on the last one installs the
 * snapshot: it keeps the log entries after the snapshot when its log holds the snapshot's last
 * entry with the same term, else it discards its log; it resets its state machine from the
 * snapshot, and answers once the snapshot is durable. The leader then continues with
 * AppendEntries after the snapshot's index. Chunks travel one at a time per follower; a lost
 * chunk or reply is resent with the next heartbeat, from the offset the follower last
 * reported.
 */
import { snapshot as freeze, type NodeId } from '../../sim/index.js';
import type { InstallSnapshot, InstallSnapshotReply, Snapshot, SnapshotRecord } from
  './messages.js';
import type { Ctx, Progress, RaftNode } from './node.js';
import { saveSnapshot } from './persistence.js';
import { advanceCommit, maybeCommit, sendAppend, serveReadsOnAck } from './replication.js';

/** Called after entries applied: snapshots when `snapshotEvery` have been since the last. */
export function maybeSnapshot(node: RaftNode, ctx: Ctx): void {
  const every = node.config.snapshotEvery;
  if (every === 0 || node.lastApplied - node.log.snapshotIndex < every) return;
  const index = node.lastApplied;
  const term = node.log.termAt(index) as number;
  const voters = node.snapshotVoters(index);
  const snap: Snapshot = freeze({ index, term, records: node.kv.records(),
    ...(voters === undefined ? {} : { voters }) });
  node.snapshot = snap;
  node.log.compactTo(index, term);
  saveSnapshot(ctx.disk, snap, true);
  // Durable soon, so that a restart need not replay (or fetch) what the snapshot covers.
  ctx.disk.sync();
  node.stats.snapshotsTaken++;
  ctx.note('snapshot', { index, term, records: snap.records.length });
}

/** Sends follower `to` the next chunk of the leader's snapshot. */
export function sendSnapshotChunk(node: RaftNode, ctx: Ctx, to: NodeId, progress: Progress): void {
  const snap = node.snapshot as Snapshot;
  if (progress.snapshotIndex !== snap.index) {
    // A newer snapshot replaced the one in transfer: start it over.
    progress.snapshotIndex = snap.index;
    progress.snapshotOffset = 0;
  }
  const offset = progress.snapshotOffset;
  const end = Math.min(snap.records.length, offset + node.config.snapshotChunk);
  progress.inflightEnd = Infinity; // only the snapshot's own answer ends this flight
  node.send(ctx, to, { type: 'InstallSnapshot', term: node.currentTerm, leader: ctx.id,
    lastIncludedIndex: snap.index, lastIncludedTerm: snap.term, offset,
    records: snap.records.slice(offset, end), done: end === snap.records.length,
    round: node.readRound, ...(snap.voters === undefined ? {} : { voters: snap.voters }) });
}

/** InstallSnapshot receiver (Figure 13). */
export function onInstallSnapshot(
  node: RaftNode, ctx: Ctx, from: NodeId, msg: InstallSnapshot,
): void {
  if (node.disabled !== undefined) return; // may not acknowledge: see persistence.ts
  const answer = (received: number, installed: boolean, round = msg.round): InstallSnapshotReply => ({
    type: 'InstallSnapshotReply', term: node.currentTerm, lastIncludedIndex: msg.lastIncludedIndex,
    received, installed, round });
  // A stale term's round is not one of our term's rounds (see onAppendEntries).
  if (msg.term < node.currentTerm) return node.send(ctx, from, answer(0, false, 0));
  if (msg.term > node.currentTerm || node.role !== 'follower') node.becomeFollower(ctx, msg.term);
  node.leaderId = msg.leader;
  node.lastLeaderContact = ctx.now();
  node.resetElectionTimer(ctx);
  const received = msg.offset + msg.records.length;
  if (msg.lastIncludedIndex <= node.lastApplied) {
    // Already applied that far: the state and log match the leader's up to the snapshot's
    // index (committed entries), once what this node holds is durable.
    return node.sendAfterSync(ctx, from, answer(received, true));
  }
  if (msg.offset === 0) {
    node.incoming = { index: msg.lastIncludedIndex, term: msg.lastIncludedTerm, records: [],
      ...(msg.voters === undefined ? {} : { voters: msg.voters }) };
  }
  const incoming = node.incoming;
  if (incoming === undefined || incoming.index !== msg.lastIncludedIndex ||
    incoming.term !== msg.lastIncludedTerm || incoming.records.length !== msg.offset) {
    // Out of order (a lost or duplicated chunk): say where this transfer stands.
    const have = incoming?.index === msg.lastIncludedIndex ? incoming.records.length : 0;
    return node.send(ctx, from, answer(have, false));
  }
  for (const record of msg.records) incoming.records.push(record);
  if (!msg.done) return node.send(ctx, from, answer(received, false));
  install(node, ctx, freeze({ index: incoming.index, term: incoming.term,
    records: incoming.records,
    ...(incoming.voters === undefined ? {} : { voters: incoming.voters }) }));
  node.sendAfterSync(ctx, from, answer(received, true));
}

/** Makes `snap` this follower's snapshot, log start and state machine. */
function install(node: RaftNode, ctx: Ctx, snap: Snapshot): void {
  const keepLog = node.log.termAt(snap.index) === snap.term;
  node.log.compactTo(snap.index, snap.term);
  node.snapshot = snap;
  node.incoming = undefined;
  saveSnapshot(ctx.disk, snap, keepLog);
  node.kv.restore(snap.records);
  node.lastApplied = snap.index;
  node.stats.snapshotsInstalled++;
  ctx.note('install-snapshot', { index: snap.index, term: snap.term, keptLog: keepLog });
  if (node.repairUpTo > 0 && snap.index >= node.repairUpTo) {
    node.repairUpTo = 0;
    ctx.note('repaired', { matchIndex: snap.index });
  }
  advanceCommit(node, ctx, snap.index);
}

/** A follower answered a chunk. */
export function onInstallSnapshotReply(
  node: RaftNode, ctx: Ctx, from: NodeId, msg: InstallSnapshotReply,
): void {
  if (msg.term > node.currentTerm && !node.bug('ignore-higher-term-in-reply')) {
    return node.becomeFollower(ctx, msg.term);
  }
  if (msg.term < node.currentTerm || node.role !== 'leader') return; // stale
  const progress = node.progress.get(from);
  if (progress === undefined) return;
  progress.lastReply = ctx.now();
  progress.inflightEnd = 0;
  serveReadsOnAck(node, ctx, progress, msg);
  if (msg.installed) {
    progress.matchIndex = Math.max(progress.matchIndex, msg.lastIncludedIndex);
    progress.nextIndex = Math.max(progress.nextIndex, progress.matchIndex + 1);
    maybeCommit(node, ctx);
  } else if (msg.lastIncludedIndex === progress.snapshotIndex &&
    msg.received !== progress.snapshotOffset) {
    progress.snapshotOffset = msg.received;
  } else {
    return; // nothing new (stale or duplicated): the next heartbeat resends
  }
  if (node.role === 'leader' && progress.nextIndex <= node.log.lastIndex) {
    sendAppend(node, ctx, from);
  }
}

/** What a follower holds of a snapshot in transfer. */
export interface IncomingSnapshot {
  readonly index: number;
  readonly term: number;
  readonly records: SnapshotRecord[];
  /** The snapshot's configuration, when not the first one (thesis §5.1). */
  readonly voters?: readonly NodeId[];
}
