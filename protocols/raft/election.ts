/**
 * Leader election (§5.2, §5.4.1) with the optional PreVote phase and CheckQuorum step-down
 * (thesis §9.6).
 *
 * - A follower whose election timer fires campaigns. With PreVote it first becomes a
 *   pre-candidate and asks for pre-votes for `currentTerm + 1` without changing its term;
 *   only a majority of pre-votes lets it start a real election. A node cut off from the
 *   cluster therefore does not inflate its term and cannot depose a healthy leader on rejoin.
 * - A candidate increments its term, votes for itself and asks for votes. Its own vote counts
 *   only once its term and vote are durable (a local reply sent after sync), and its
 *   RequestVotes go out after the same sync, so no other server sees a term this one could
 *   forget in a crash.
 * - A voter grants at most one vote per term, to a candidate whose log is at least as
 *   up-to-date (last term, then last index), and replies only once the vote is durable.
 * - With CheckQuorum, a leader that has not heard from a majority within an election timeout
 *   steps down, and a server that heard from a leader within the minimum election timeout
 *   ignores vote requests (the leader lease that makes PreVote effective).
 */
import { assert, type NodeId, snapshot } from '../../sim/index.js';
import { broadcastAppend } from './replication.js';
import { isUpToDate } from './log.js';
import type { Entry, RequestVote, RequestVoteReply, TimeoutNow } from './messages.js';
import type { Ctx, RaftNode } from './node.js';
import { appendToDisk } from './persistence.js';
import { checkLeaderTimers, onTransferVote, syncProgress } from './membership.js';

/** The election timer fired: campaign, or (a leader) check that a quorum still answers. */
export function onElectionTimeout(node: RaftNode, ctx: Ctx): void {
  if (!node.electionTimerFired(ctx)) return; // restarted since it was armed
  node.resetElectionTimer(ctx);
  if (node.role === 'leader') {
    if (node.learners.size > 0 || node.transfer !== undefined) checkLeaderTimers(node, ctx);
    return maybeStepDownWithoutQuorum(node, ctx);
  }
  // May not campaign: damaged hard state or log (persistence.ts), or lost refusals (node.ts).
  if (node.disabled !== undefined || node.repairUpTo > 0 || node.refusals.damaged) return;
  // Nor a server that knows it is outside the configuration: a spare not yet added, or a
  // server whose removal it knows committed. One whose removal is not yet committed here may
  // hold the only log a majority of the new configuration would vote for; it campaigns and,
  // elected by them, leads until that configuration commits (§4.2.2).
  const config = node.configuration;
  if (!config.has(ctx.id) && config.index <= node.commitIndex) return;
  if (node.config.preVote) becomePreCandidate(node, ctx);
  else becomeCandidate(node, ctx);
}

function maybeStepDownWithoutQuorum(node: RaftNode, ctx: Ctx): void {
  if (!node.config.checkQuorum) return;
  const since = ctx.now() - node.config.electionTimeout[1];
  if (node.hasQuorum(ctx, (progress) => progress.lastReply >= since)) return;
  let heard = 1;
  for (const progress of node.progress.values()) if (progress.lastReply >= since) heard++;
  ctx.note('check-quorum', { heard, term: node.currentTerm });
  node.becomeFollower(ctx, node.currentTerm);
}

function becomePreCandidate(node: RaftNode, ctx: Ctx): void {
  node.setRole(ctx, 'precandidate');
  node.leaderId = undefined;
  node.votes = new Set([ctx.id]);
  const request = voteRequest(node, ctx.id, node.currentTerm + 1, true);
  for (const peer of node.peers(ctx)) node.send(ctx, peer, request);
  if (node.configuration.isQuorum(node.votes)) becomeCandidate(node, ctx);
}

function becomeCandidate(node: RaftNode, ctx: Ctx, transfer = false): void {
  node.setTerm(ctx, node.currentTerm + 1);
  node.setVote(ctx, ctx.id);
  // What this server may start as leader is bounded by this term, durably before it can
  // lead (the same sync): redirected writes wait for this term to settle (clientRequests.ts).
  node.refusals.extend(ctx.disk, node.currentTerm);
  node.setRole(ctx, 'candidate');
  node.votes = new Set();
  const request = voteRequest(node, ctx.id, node.currentTerm, false, transfer);
  // Our own vote counts once it is durable, like anyone else's.
  node.sendAfterSync(ctx, ctx.id,
    { type: 'RequestVoteReply', term: node.currentTerm, granted: true, preVote: false });
  for (const peer of node.peers(ctx)) node.sendAfterSync(ctx, peer, request);
}

function voteRequest(node: RaftNode, self: NodeId, term: number, preVote: boolean,
  transfer = false): RequestVote {
  return { type: 'RequestVote', term, candidate: self, lastLogIndex: node.log.lastIndex,
    lastLogTerm: node.log.lastTerm, preVote, ...(transfer ? { transfer: true } : {}) };
}

/**
 * TimeoutNow (thesis §3.10): the leader hands its leadership over; campaign at once, without
 * pre-votes, saying so (voters that hear from the leader then do not ignore the request).
 */
export function onTimeoutNow(node: RaftNode, ctx: Ctx, from: NodeId, msg: TimeoutNow): void {
  if (msg.term !== node.currentTerm || node.leaderId !== from || node.role !== 'follower') {
    return; // stale: another term, or not from this term's leader
  }
  if (node.disabled !== undefined || node.repairUpTo > 0 || node.refusals.damaged) return;
  if (!node.configuration.has(ctx.id)) return;
  ctx.note('config', { event: 'timeout-now', node: from });
  node.resetElectionTimer(ctx);
  becomeCandidate(node, ctx, true);
}

/** RequestVote receiver (Figure 2), and the PreVote variant that changes no state. */
export function onRequestVote(node: RaftNode, ctx: Ctx, from: NodeId, msg: RequestVote): void {
  if (node.disabled !== undefined) return; // may not vote: see persistence.ts
  if (msg.preVote) return onPreVote(node, ctx, from, msg);
  // Leader stickiness (thesis §9.6 with CheckQuorum): a server that hears from a leader
  // ignores a disruptive candidate rather than adopting its term; not one the leader asked
  // to campaign (a transfer, §3.10).
  if (msg.transfer !== true && msg.term > node.currentTerm) {
    if (node.config.checkQuorum && node.leaderId !== undefined && node.inLeaderLease(ctx)) return;
    if (ignoredAsDisruptive(node, ctx)) return;
  }
  if (msg.transfer === true && msg.term > node.currentTerm && node.role === 'leader') {
    onTransferVote(node, ctx, from);
  }
  if (msg.term > node.currentTerm) node.becomeFollower(ctx, msg.term);
  const granted = msg.term === node.currentTerm && node.repairUpTo === 0 &&
    (node.votedFor === null || node.votedFor === msg.candidate) &&
    candidateUpToDate(node, msg);
  if (granted) {
    node.setVote(ctx, msg.candidate);
    node.resetElectionTimer(ctx);
  }
  const reply: RequestVoteReply = { type: 'RequestVoteReply', term: node.currentTerm, granted,
    preVote: false };
  // The vote must be durable before the candidate may count it.
  if (node.bug('vote-not-persisted')) node.send(ctx, from, reply);
  else node.sendAfterSync(ctx, from, reply);
}

/**
 * Thesis §4.2.3, when membership changes (without CheckQuorum too): a removed server that
 * missed its removal hears from no leader and campaigns; it must not depose the leader. A
 * server ignores a RequestVote within the minimum election timeout of hearing from a leader,
 * and a leader does while a majority of its configuration answered within that time.
 */
function ignoredAsDisruptive(node: RaftNode, ctx: Ctx): boolean {
  if (!node.membershipChanges(ctx)) return false;
  if (node.role === 'leader') {
    const since = ctx.now() - node.config.electionTimeout[0];
    return node.hasQuorum(ctx, (progress) => progress.lastReply >= since);
  }
  return node.leaderId !== undefined && node.inLeaderLease(ctx);
}

function onPreVote(node: RaftNode, ctx: Ctx, from: NodeId, msg: RequestVote): void {
  const inLease = node.role === 'leader' || (node.leaderId !== undefined && node.inLeaderLease(ctx));
  const granted = msg.term > node.currentTerm && !inLease && node.repairUpTo === 0 &&
    candidateUpToDate(node, msg);
  const term = granted ? msg.term : node.currentTerm;
  node.send(ctx, from, { type: 'RequestVoteReply', term, granted, preVote: true });
}

function candidateUpToDate(node: RaftNode, msg: RequestVote): boolean {
  if (node.bug('length-only-up-to-date')) return msg.lastLogIndex >= node.log.lastIndex;
  return isUpToDate(msg.lastLogTerm, msg.lastLogIndex, node.log.lastTerm, node.log.lastIndex);
}

/** A vote (or pre-vote) came back. */
export function onRequestVoteReply(
  node: RaftNode, ctx: Ctx, from: NodeId, msg: RequestVoteReply,
): void {
  if (node.disabled !== undefined) return;
  const grantedPreVote = msg.preVote && msg.granted;
  if (msg.term > node.currentTerm && !grantedPreVote) {
    if (!node.bug('ignore-higher-term-in-reply')) node.becomeFollower(ctx, msg.term);
    return;
  }
  if (!msg.granted) return;
  if (msg.preVote) {
    if (node.role !== 'precandidate' || msg.term !== node.currentTerm + 1) return; // stale
    node.votes.add(from);
    if (node.configuration.isQuorum(node.votes)) becomeCandidate(node, ctx);
    return;
  }
  if (node.role !== 'candidate' || msg.term !== node.currentTerm) return; // stale
  node.votes.add(from);
  if (node.configuration.isQuorum(node.votes)) becomeLeader(node, ctx);
}

/** Won the election: take over replication, starting with a no-op of this term (§8). */
function becomeLeader(node: RaftNode, ctx: Ctx): void {
  assert(node.role === 'candidate', 'only a candidate becomes leader');
  assert(node.votedFor === ctx.id, 'a leader voted for itself');
  node.setRole(ctx, 'leader');
  node.leaderId = ctx.id;
  node.selfMatch = 0;
  node.readRound = 0;
  node.progress.clear();
  syncProgress(node, ctx);
  // The no-op of §8 commits the older entries at once. The commit-previous-term switch omits
  // it, as the leaders of Figure 8 do: with the no-op, the bug's early commit of an older
  // entry happens in the same round as the no-op's legitimate one and would stay hidden.
  if (!node.bug('commit-previous-term')) {
    appendAsLeader(node, ctx, { term: node.currentTerm, command: { kind: 'noop' } });
  }
  broadcastAppend(node, ctx);
  ctx.setTimer('heartbeat', node.config.heartbeat);
}

/** A leader appends a new entry to its log and disk; it counts itself once that is durable. */
export function appendAsLeader(node: RaftNode, ctx: Ctx, entry: Entry): number {
  assert(node.role === 'leader', 'only a leader appends new entries');
  assert(entry.term === node.currentTerm, 'a leader appends entries of its term');
  // Frozen once here, the entry is shared (not copied again) by every AppendEntries and by
  // the disk, which snapshot only what is not already a snapshot.
  const frozen = snapshot(entry);
  node.log.append([frozen]);
  appendToDisk(ctx.disk, [frozen]);
  // Batched requests are confirmed together at the flush (clientRequests.ts).
  if (node.config.batchDelay === 0 || entry.command.kind === 'noop') confirmDurable(node, ctx);
  return node.log.lastIndex;
}

/** Asks to be told once the leader's log up to its end is durable, to count itself then. */
export function confirmDurable(node: RaftNode, ctx: Ctx): void {
  node.confirmedUpTo = node.log.lastIndex;
  const persisted = { type: 'Persisted', term: node.currentTerm, index: node.log.lastIndex } as const;
  if (node.bug('ack-before-sync')) ctx.send(ctx.id, persisted);
  else ctx.sendAfterSync(ctx.id, persisted);
}
