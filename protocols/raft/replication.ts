/**
 * Log replication (§5.3) and commitment (§5.4.2).
 *
 * The leader keeps, per follower, the next index to send and the highest index known to
 * match. It sends at most one AppendEntries with entries at a time per follower (the next
 * goes when the reply comes, or with the next heartbeat if a message was lost), at most
 * `maxBatch` entries each; a ReadIndex round meanwhile goes to that follower as an empty
 * AppendEntries, whose answer does not end the flight. A follower accepts entries only after the consistency check on
 * (prevLogIndex, prevLogTerm); it cuts its log only at the first real conflict, so a stale or
 * duplicated AppendEntries whose entries already match changes nothing. A rejection carries
 * the conflicting term and its first index, so the leader skips a whole term per round trip.
 *
 * The leader commits index N when a majority has matched N and entry N is of its own term;
 * entries of older terms become committed only indirectly (Figure 8).
 */
import { assert, type NodeId } from '../../sim/index.js';
import { serveReads } from './clientRequests.js';
import { replyToClient } from './clientRequests.js';
import { maybeSnapshot, sendSnapshotChunk } from './compaction.js';
import { checkCatchUp, maybeTimeoutNow, onLeaderCommit } from './membership.js';
import { backtrack, conflictHint, matchesAt, mergePlan } from './log.js';
import type { AppendEntries, AppendEntriesReply, Entry, Persisted } from './messages.js';
import type { Ctx, Progress, RaftNode } from './node.js';
import { appendToDisk, truncateOnDisk } from './persistence.js';
import { quorumMatchIndex } from './quorum.js';

/** The heartbeat timer: an AppendEntries to every follower, entries or not (§5.2). */
export function onHeartbeat(node: RaftNode, ctx: Ctx): void {
  if (node.role !== 'leader') return;
  broadcastAppend(node, ctx);
  ctx.setTimer('heartbeat', node.config.heartbeat);
}

/** Sends an AppendEntries to every follower. */
export function broadcastAppend(node: RaftNode, ctx: Ctx): void {
  for (const peer of node.peers(ctx)) sendAppend(node, ctx, peer);
}

/**
 * Sends follower `to` the entries from its next index (possibly none: a heartbeat), or a chunk
 * of the snapshot when the leader has compacted the entries it needs (§7).
 */
export function sendAppend(node: RaftNode, ctx: Ctx, to: NodeId, withEntries = true): void {
  const progress = node.progress.get(to);
  if (progress === undefined) return;
  let prevLogIndex = progress.nextIndex - 1;
  if (progress.nextIndex <= node.log.snapshotIndex) {
    if (progress.inflightEnd === 0 || progress.inflightEnd === Infinity) {
      return sendSnapshotChunk(node, ctx, to, progress);
    }
    // Entries in flight may already cover what was compacted: probe at the snapshot's end
    // (a rejection ends the flight, and then the snapshot goes).
    prevLogIndex = node.log.snapshotIndex;
    withEntries = false;
  }
  const end = withEntries ? Math.min(node.log.lastIndex, prevLogIndex + node.config.maxBatch)
    : prevLogIndex;
  const entries = node.log.slice(prevLogIndex + 1, end + 1);
  if (entries.length > 0) progress.inflightEnd = end;
  node.send(ctx, to, { type: 'AppendEntries', term: node.currentTerm, leader: ctx.id,
    prevLogIndex, prevLogTerm: node.log.termAt(prevLogIndex) as number, entries,
    leaderCommit: node.commitIndex, round: node.readRound });
}

/** Replicates new entries to every follower that has nothing in flight. */
export function replicateNew(node: RaftNode, ctx: Ctx): void {
  for (const [peer, progress] of node.progress) {
    if (progress.inflightEnd === 0 && progress.nextIndex <= node.log.lastIndex) {
      sendAppend(node, ctx, peer);
    }
  }
}

/** AppendEntries receiver (Figure 2). */
export function onAppendEntries(node: RaftNode, ctx: Ctx, from: NodeId, msg: AppendEntries): void {
  if (node.disabled !== undefined) return; // may not acknowledge: see persistence.ts
  if (msg.term < node.currentTerm) {
    // Round 0: the sender's round was in its older term. Echoing it would let the sender,
    // if it now leads our term, count this as an answer to its new term's round of that
    // number, and serve a read without a majority (fuzz raft --seed 1041210710, run 2762).
    return node.send(ctx, from, reply(node, false, 0, 0, 0, 0));
  }
  if (msg.term > node.currentTerm || node.role !== 'follower') node.becomeFollower(ctx, msg.term);
  node.leaderId = msg.leader;
  node.lastLeaderContact = ctx.now();
  node.resetElectionTimer(ctx);
  let prev = msg.prevLogIndex;
  let prevTerm = msg.prevLogTerm;
  let entries = msg.entries;
  if (prev < node.log.snapshotIndex) {
    // The snapshot holds committed entries, which this leader holds too (its term is at
    // least the one this node learned them committed in): check from the snapshot's end.
    entries = entries.slice(node.log.snapshotIndex - prev);
    prev = node.log.snapshotIndex;
    prevTerm = node.log.snapshotTerm;
  }
  if (!matchesAt(node.log, prev, prevTerm)) {
    const hint = conflictHint(node.log, prev);
    return node.sendAfterSync(ctx, from,
      reply(node, false, 0, hint.conflictTerm, hint.conflictIndex, msg.round));
  }
  acceptEntries(node, ctx, prev, entries);
  const matchIndex = prev + entries.length;
  if (node.repairUpTo > 0 && matchIndex >= node.repairUpTo) {
    node.repairUpTo = 0;
    ctx.note('repaired', { matchIndex });
  }
  const commit = Math.min(msg.leaderCommit, matchIndex);
  if (commit > node.commitIndex) advanceCommit(node, ctx, commit);
  const ack = reply(node, true, matchIndex, 0, 0, msg.round);
  // The acknowledgement promises the entries are on disk (Figure 2).
  if (node.bug('ack-before-sync')) node.send(ctx, from, ack);
  else node.sendAfterSync(ctx, from, ack);
}

function acceptEntries(node: RaftNode, ctx: Ctx, prev: number, entries: readonly Entry[]): void {
  const plan = mergePlan(node.log, prev, entries);
  let cut = plan.truncateTo;
  const end = prev + entries.length;
  // The bug: a stale AppendEntries cuts everything after its entries, even when they matched
  // (it keeps the committed prefix, as an implementation asserting on that would).
  if (node.bug('truncate-on-match') && cut === undefined && node.log.lastIndex > end) {
    cut = Math.max(end, node.commitIndex);
  }
  if (cut !== undefined && cut < node.log.lastIndex) {
    if (!node.bug('truncate-on-match')) {
      // Committed entries never conflict with a legitimate leader (Leader Completeness).
      assert(cut >= node.commitIndex, () => `truncating committed entries at ${cut}`);
    }
    node.log.truncateTo(cut);
    truncateOnDisk(ctx.disk, cut);
  }
  if (plan.append.length > 0) {
    node.log.append(plan.append);
    appendToDisk(ctx.disk, plan.append);
  }
}

function reply(
  node: RaftNode, success: boolean, matchIndex: number, conflictTerm: number,
  conflictIndex: number, round: number,
): AppendEntriesReply {
  return { type: 'AppendEntriesReply', term: node.currentTerm, success, matchIndex,
    conflictTerm, conflictIndex, round, repairing: node.repairUpTo > 0 };
}

/** A follower answered (Figure 2, "Rules for Servers: Leaders"). */
export function onAppendEntriesReply(
  node: RaftNode, ctx: Ctx, from: NodeId, msg: AppendEntriesReply,
): void {
  const ignoreTerm = node.bug('ignore-higher-term-in-reply');
  if (msg.term > node.currentTerm && !ignoreTerm) return node.becomeFollower(ctx, msg.term);
  if (msg.term < node.currentTerm || node.role !== 'leader') return; // stale
  const progress = node.progress.get(from);
  if (progress === undefined) return;
  progress.lastReply = ctx.now();
  if (!msg.success || msg.matchIndex >= progress.inflightEnd) progress.inflightEnd = 0;
  serveReadsOnAck(node, ctx, progress, msg);
  if (msg.success) {
    onAccepted(node, ctx, progress, msg);
  } else if (msg.conflictIndex === 0 || !onRejected(node, progress, msg)) {
    // A rejection that does not move the next index back (no hint: a stale term; or a
    // duplicated or reordered one) gives nothing new to try: the next heartbeat retries.
    // Resending at once would ping-pong at network speed, and each duplicated rejection
    // would start one more such chain: an event storm growing with the duplication rate.
    return;
  }
  if (node.role === 'leader' && progress.inflightEnd === 0 &&
    progress.nextIndex <= node.log.lastIndex) {
    sendAppend(node, ctx, from);
  }
}

/** Any answer in our term shows we still led when its read round began (ReadIndex). */
export function serveReadsOnAck(
  node: RaftNode, ctx: Ctx, progress: Progress, msg: { term: number; round: number },
): void {
  // The bug: an answer from a later term (its round is 0: see onAppendEntries) is taken as
  // an acknowledgement of the round now out, as if it had come from a follower of ours.
  const round = msg.term > node.currentTerm && node.bug('ignore-higher-term-in-reply')
    ? node.readRound : msg.round;
  if (round <= progress.ackedRound) return;
  progress.ackedRound = round;
  serveReads(node, ctx);
}

/** A success: raises the follower's match index and commits what a majority holds. */
function onAccepted(node: RaftNode, ctx: Ctx, progress: Progress, msg: AppendEntriesReply): void {
  if (msg.matchIndex > progress.matchIndex) progress.matchIndex = msg.matchIndex;
  progress.nextIndex = Math.max(progress.nextIndex, progress.matchIndex + 1);
  maybeCommit(node, ctx);
}

/**
 * A rejection with a hint: moves the next index back (fast backtracking). Returns whether
 * it moved. A follower in repair may have lost entries it acknowledged (persistence.ts), so
 * its hint may lie at or below its match index. The match index then comes down to what the
 * follower still holds: safe, as it only lets commitment count less, and needed, as the next
 * index never goes below the match index and the follower could never be repaired. Outside
 * repair the match index only grows (Figure 2): a follower never loses acknowledged entries.
 */
function onRejected(node: RaftNode, progress: Progress, msg: AppendEntriesReply): boolean {
  if (msg.repairing && msg.conflictIndex <= progress.matchIndex) {
    progress.matchIndex = msg.conflictIndex - 1;
  }
  const next = Math.max(progress.matchIndex + 1,
    Math.min(progress.nextIndex - 1, backtrack(node.log, msg.conflictTerm, msg.conflictIndex)));
  if (next >= progress.nextIndex) return false;
  progress.nextIndex = next;
  return true;
}

/** The leader's own writes up to `index` are durable: it counts itself for them. */
export function onPersisted(node: RaftNode, ctx: Ctx, msg: Persisted): void {
  if (node.role !== 'leader' || msg.term !== node.currentTerm) return; // an older leadership
  if (msg.index > node.selfMatch) node.selfMatch = msg.index;
  maybeCommit(node, ctx);
}

/**
 * Commits the highest index a majority of the configuration matched, if it is of the current
 * term (§5.4.2). A follower matched more: first moves new servers' catch-ups along.
 */
export function maybeCommit(node: RaftNode, ctx: Ctx): void {
  if (node.learners.size > 0) checkCatchUp(node, ctx);
  if (node.transfer !== undefined) maybeTimeoutNow(node, ctx);
  const candidate = quorumMatchIndex(node.voterMatches(ctx));
  if (candidate <= node.commitIndex) return;
  const ownTerm = node.log.termAt(candidate) === node.currentTerm;
  if (!ownTerm && !node.bug('commit-previous-term')) return;
  advanceCommit(node, ctx, candidate);
}

/** Raises the commit index and applies what it covers. */
export function advanceCommit(node: RaftNode, ctx: Ctx, index: number): void {
  if (index <= node.commitIndex) return;
  node.commitIndex = index;
  ctx.note('commit', { index });
  applyCommitted(node, ctx);
  if (node.role === 'leader') serveReads(node, ctx);
  if (node.role === 'leader') onLeaderCommit(node, ctx);
}

/**
 * Applies committed entries in order, answering the clients this leader proposed for, then
 * snapshots if it is time to (compaction.ts).
 */
function applyCommitted(node: RaftNode, ctx: Ctx): void {
  applyEntries(node, ctx);
  maybeSnapshot(node, ctx);
}

function applyEntries(node: RaftNode, ctx: Ctx): void {
  while (node.lastApplied < node.commitIndex) {
    const index = node.lastApplied + 1;
    const entry = node.log.entry(index);
    if (entry === undefined) return; // not yet received (a follower told a higher commit)
    node.lastApplied = index;
    const result = node.kv.apply(entry.command);
    const pending = node.pendingWrites.get(index);
    if (pending === undefined) continue;
    node.pendingWrites.delete(index);
    const command = entry.command;
    if (command.kind === 'client' && command.client === pending.client &&
      command.seq === pending.seq && result !== undefined) {
      replyToClient(node, ctx, pending.client, pending.seq, result);
    }
  }
}
