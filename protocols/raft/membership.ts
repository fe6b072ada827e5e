/**
 * Membership changes at a Raft leader, one server at a time (Ongaro's thesis, chapter 4).
 *
 * The operator (sim/check/operator.ts) asks a server to add or remove one; only the leader
 * acts, anyone else answers `retry` with a hint to the leader it knows (§4.1, Figure 4.1's
 * AddServer and RemoveServer RPCs).
 * - One change at a time (§4.1): a leader refuses (`retry`) a change while its latest
 *   configuration is not committed or a new server is still catching up, and until it has
 *   committed an entry of its own term (the fix of the single-server bug Ongaro described on
 *   raft-dev in 2015: a configuration entry of an older leader may otherwise be lost after a
 *   new one was appended on top of it).
 * - Adding a server (§4.2.1): it first catches up as a learner, which receives the log but
 *   does not vote and is not counted; in rounds (protocols/membership.ts `CatchUp`), until a
 *   round takes less than the minimum election timeout. Only then is the configuration with
 *   it appended. A learner that falls silent for two maximum election timeouts, or needs more
 *   than `catchUpRounds` rounds, makes the change fail (`retry`: it may succeed later).
 * - Removing a server appends the configuration without it at once. A leader that removes
 *   itself keeps leading, without counting itself, until that configuration commits, then
 *   steps down (§4.2.2); a server that knows its removal committed never campaigns.
 * - Leadership transfer (§3.10; `transfer: n2`, as an operator does before removing the
 *   leader, or to move it off a slow machine): the leader stops taking client requests,
 *   brings the target's log up to its own, and sends it TimeoutNow; the target campaigns at
 *   once, and voters that still hear from the leader do not ignore it (the RequestVote says
 *   so). The request is answered `ok` when the target's RequestVote of the next term reaches
 *   the leader, and `retry` if that has not happened within an election timeout: the leader
 *   then takes client requests again.
 * - A configuration takes effect on every server as soon as it is in its log (node.ts
 *   `configuration`); the operator hears `ok` once it is committed, or `unknown` if the leader
 *   lost the leadership first (the change may still commit; asking again is safe).
 *
 * Two bug switches undo the membership rules (bugs.ts): `two-changes-at-once` drops the one-at-a-time
 * rule, and `count-before-caught-up` adds a server at once and counts it as holding the log
 * (so the leader, believing it holds what it lacks, never sends it that).
 */
import { type AdminReply, type AdminRequest, NOT_LEADER } from
  '../../sim/check/adminProtocol.js';
import type { NodeId } from '../../sim/index.js';
import { CatchUp, changed } from '../membership.js';
import { appendAsLeader } from './election.js';
import type { Ctx, Progress, RaftNode } from './node.js';
import { replicateNew, sendAppend } from './replication.js';

/** An operator request a leader answers once its change has committed. */
export interface AdminWaiter {
  readonly from: NodeId;
  readonly seq: number;
  readonly op: 'add' | 'remove' | 'transfer';
  readonly node: NodeId;
}

/** A leadership transfer under way at a leader. */
export interface Transfer {
  readonly target: NodeId;
  /** Local time it gives up (an election timeout after it began). */
  readonly deadline: number;
  /** Whether TimeoutNow went out (once the target's log matched). */
  sent: boolean;
}

/** Learner silence that ends a catch-up, in maximum election timeouts. */
const SILENT_TIMEOUTS = 2;

/** An operator's request arrived (AddServer / RemoveServer, Figure 4.1). */
export function onAdminRequest(node: RaftNode, ctx: Ctx, from: NodeId, msg: AdminRequest): void {
  const answer = (reply: { outcome: AdminReply['outcome']; error: string; leaderHint?: NodeId }):
  void =>
    node.send(ctx, from, { type: 'AdminReply', seq: msg.seq, ...reply } as AdminReply);
  if (node.role !== 'leader' || node.disabled !== undefined) {
    const hint = node.leaderId !== undefined && node.leaderId !== ctx.id ? node.leaderId : undefined;
    return answer({ outcome: 'retry', error: NOT_LEADER,
      ...(hint === undefined ? {} : { leaderHint: hint }) });
  }
  const waiter: AdminWaiter = { from, seq: msg.seq, op: msg.op, node: msg.node };
  if (msg.op === 'transfer') return onTransferRequest(node, ctx, waiter, answer);
  const config = node.configuration;
  const done = msg.op === 'add' ? config.has(msg.node) : !config.has(msg.node);
  if (done || node.learners.has(msg.node)) {
    // Done, or this very change under way: answer when it has committed.
    wait(node, waiter);
    return settleWaiters(node, ctx);
  }
  const busy = whyBusy(node);
  if (busy !== undefined && !node.bug('two-changes-at-once')) {
    ctx.note('config', { event: 'busy', op: msg.op, node: msg.node, error: busy });
    return answer({ outcome: 'retry', error: busy });
  }
  if (msg.op === 'remove' && config.list.length === 1) {
    return answer({ outcome: 'refused', error: 'the last voter cannot be removed' });
  }
  wait(node, waiter);
  if (msg.op === 'remove' || node.bug('count-before-caught-up')) {
    return proposeConfig(node, ctx, msg.op, msg.node);
  }
  startCatchUp(node, ctx, msg.node);
}

function wait(node: RaftNode, waiter: AdminWaiter): void {
  // An operator's retry of a request already waiting (same sender and number) waits once.
  if (!node.adminWaiting.some((w) => w.from === waiter.from && w.seq === waiter.seq)) {
    node.adminWaiting.push(waiter);
  }
}

/** Why a leader may not start a change now (one at a time, §4.1), or undefined. */
function whyBusy(node: RaftNode): string | undefined {
  if (node.log.termAt(node.commitIndex) !== node.currentTerm) {
    return 'no entry of this term committed yet';
  }
  if (node.configuration.index > node.commitIndex) return 'a configuration change is under way';
  if (node.learners.size > 0) return 'a new server is catching up';
  return undefined;
}

/** Starts replicating to `id` as a learner (§4.2.1). */
function startCatchUp(node: RaftNode, ctx: Ctx, id: NodeId): void {
  const rounds = node.config.catchUpRounds ?? 10;
  node.learners.set(id, new CatchUp(ctx.now(), node.log.lastIndex, rounds,
    node.config.electionTimeout[0]));
  ctx.note('config', { event: 'learner', node: id, rounds });
  syncProgress(node, ctx);
  sendAppend(node, ctx, id);
}

/** Appends the configuration with `id` added or removed, as the leader. */
function proposeConfig(node: RaftNode, ctx: Ctx, op: 'add' | 'remove', id: NodeId): void {
  const voters = changed(node.configuration.list, op, id);
  const index = appendAsLeader(node, ctx, { term: node.currentTerm,
    command: { kind: 'config', voters } });
  ctx.note('config', { event: 'append', op, node: id, index, voters });
  node.learners.delete(id);
  syncProgress(node, ctx);
  if (op === 'add' && node.bug('count-before-caught-up')) {
    // The bug: the new server counts as holding the log the leader holds now.
    const progress = node.progress.get(id) as Progress;
    progress.matchIndex = node.log.lastIndex;
  }
  replicateNew(node, ctx);
}

/**
 * Keeps one `Progress` per server the leader talks to (node.ts `peers`): a new voter or
 * learner gets one, as a follower of a new leader does (Figure 2); a server no longer among
 * them loses its.
 */
export function syncProgress(node: RaftNode, ctx: Ctx): void {
  const peers = node.peers(ctx);
  for (const id of node.progress.keys()) if (!peers.includes(id)) node.progress.delete(id);
  for (const id of peers) {
    if (node.progress.has(id)) continue;
    node.progress.set(id, { nextIndex: node.log.lastIndex + 1, matchIndex: 0, inflightEnd: 0,
      lastReply: ctx.now(), ackedRound: 0, snapshotIndex: 0, snapshotOffset: 0 });
  }
}

/** A follower acknowledged more: moves the learners' catch-ups along (replication.ts). */
export function checkCatchUp(node: RaftNode, ctx: Ctx): void {
  for (const [id, catchUp] of node.learners) {
    const match = node.progress.get(id)?.matchIndex ?? 0;
    const step = catchUp.progress(match, ctx.now(), node.log.lastIndex);
    if (step === 'waiting') continue;
    ctx.note('config', { event: step, node: id, round: catchUp.round, match });
    if (step === 'caught-up') {
      if (node.role !== 'leader') return;
      const busy = whyBusy(node);
      // A change committed meanwhile or not (with the bug, two run at once): appended now.
      if (busy === undefined || busy === 'a new server is catching up' ||
        node.bug('two-changes-at-once')) {
        proposeConfig(node, ctx, 'add', id);
      }
    } else if (step === 'too-slow') {
      giveUp(node, ctx, id, `${id} did not catch up in ${catchUp.rounds} rounds`);
    }
  }
}

/**
 * The leader's election timer (once per timeout): gives up on silent learners, and on a
 * transfer that did not happen in time.
 */
export function checkLeaderTimers(node: RaftNode, ctx: Ctx): void {
  checkTransfer(node, ctx);
  const limit = SILENT_TIMEOUTS * node.config.electionTimeout[1];
  for (const id of [...node.learners.keys()]) {
    const heard = node.progress.get(id)?.lastReply ?? -Infinity;
    if (ctx.now() - heard >= limit) giveUp(node, ctx, id, `${id} does not answer`);
  }
}

function giveUp(node: RaftNode, ctx: Ctx, id: NodeId, error: string): void {
  node.learners.delete(id);
  ctx.note('config', { event: 'gave-up', node: id, error });
  syncProgress(node, ctx);
  node.adminWaiting = node.adminWaiting.filter((w) => {
    if (w.op !== 'add' || w.node !== id) return true;
    node.send(ctx, w.from, { type: 'AdminReply', seq: w.seq, outcome: 'retry', error });
    return false;
  });
}

/**
 * The leader's commit index advanced (replication.ts): answers the requests whose change has
 * committed, drops servers that left, and steps down once the configuration that removed this
 * leader has committed (§4.2.2).
 */
export function onLeaderCommit(node: RaftNode, ctx: Ctx): void {
  const config = node.configuration;
  if (config.index === 0 || config.index > node.commitIndex) return;
  settleWaiters(node, ctx);
  // A server removed gets one last AppendEntries, carrying the commit index: once it knows its
  // removal committed it stops campaigning (else it would, ignored, §4.2.3).
  const peers = node.peers(ctx);
  for (const id of node.progress.keys()) if (!peers.includes(id)) sendAppend(node, ctx, id);
  syncProgress(node, ctx);
  if (!config.has(ctx.id)) {
    ctx.note('config', { event: 'step-down', index: config.index });
    node.becomeFollower(ctx, node.currentTerm);
  }
}

/** Answers `ok` to the waiting requests the committed configuration has done. */
function settleWaiters(node: RaftNode, ctx: Ctx): void {
  const config = node.configuration;
  if (config.index > node.commitIndex) return;
  node.adminWaiting = node.adminWaiting.filter((w) => {
    if (w.op === 'transfer' || (w.op === 'add') !== config.has(w.node)) return true;
    node.send(ctx, w.from, { type: 'AdminReply', seq: w.seq, outcome: 'ok' });
    return false;
  });
}

type Answer = (reply: { outcome: AdminReply['outcome']; error: string }) => void;

/** A leadership transfer was asked for (§3.10). */
function onTransferRequest(node: RaftNode, ctx: Ctx, waiter: AdminWaiter, answer: Answer): void {
  if (waiter.node === ctx.id) return node.send(ctx, waiter.from, { type: 'AdminReply',
    seq: waiter.seq, outcome: 'ok' });
  if (!node.configuration.has(waiter.node)) {
    return answer({ outcome: 'refused', error: `${waiter.node} does not vote` });
  }
  if (node.transfer !== undefined && node.transfer.target !== waiter.node) {
    return answer({ outcome: 'retry', error: `transferring to ${node.transfer.target}` });
  }
  wait(node, waiter);
  if (node.transfer !== undefined) return;
  node.transfer = { target: waiter.node, sent: false,
    deadline: ctx.now() + node.config.electionTimeout[1] };
  ctx.note('config', { event: 'transfer', node: waiter.node });
  maybeTimeoutNow(node, ctx);
}

/**
 * Sends TimeoutNow once the transfer's target holds the leader's whole log (else brings it
 * up to date first: replication goes on as usual).
 */
export function maybeTimeoutNow(node: RaftNode, ctx: Ctx): void {
  const transfer = node.transfer;
  if (transfer === undefined || transfer.sent) return;
  const progress = node.progress.get(transfer.target);
  if (progress === undefined) return;
  // Not yet: replication brings it up to date (new client requests wait meanwhile).
  if (progress.matchIndex < node.log.lastIndex) return;
  transfer.sent = true;
  node.send(ctx, transfer.target, { type: 'TimeoutNow', term: node.currentTerm });
}

/**
 * A RequestVote of a higher term reached the leader: if it is its transfer's target
 * campaigning at its request, the transfer is done.
 */
export function onTransferVote(node: RaftNode, ctx: Ctx, from: NodeId): void {
  if (node.transfer?.target !== from) return;
  node.adminWaiting = node.adminWaiting.filter((w) => {
    if (w.op !== 'transfer') return true;
    node.send(ctx, w.from, { type: 'AdminReply', seq: w.seq, outcome: 'ok' });
    return false;
  });
  ctx.note('config', { event: 'transferred', node: from });
  node.transfer = undefined;
}

/** The leader's election timer: a transfer that did not happen in time is given up. */
function checkTransfer(node: RaftNode, ctx: Ctx): void {
  const transfer = node.transfer;
  if (transfer === undefined || ctx.now() < transfer.deadline) return;
  node.transfer = undefined;
  ctx.note('config', { event: 'transfer-failed', node: transfer.target });
  node.adminWaiting = node.adminWaiting.filter((w) => {
    if (w.op !== 'transfer') return true;
    node.send(ctx, w.from, { type: 'AdminReply', seq: w.seq, outcome: 'retry',
      error: `${transfer.target} did not take over in time` });
    return false;
  });
}

/** The leader stepped down: its changes may or may not happen; its learners stop. */
export function abandonChanges(node: RaftNode, ctx: Ctx): void {
  for (const w of node.adminWaiting) {
    node.send(ctx, w.from, { type: 'AdminReply', seq: w.seq, outcome: 'unknown',
      error: 'leadership-lost' });
  }
  node.adminWaiting = [];
  node.learners.clear();
  node.transfer = undefined;
}
