/**
 * Client requests at a server (thesis chapter 6). Only the leader serves; anyone else
 * redirects the client with a hint to the leader it knows (§6.2). A redirected write is
 * refused definitely (`fail not-leader`, recorded on disk first, protocols/refusals.ts) once
 * this server knows it cannot take effect through it: it never appended the request as
 * leader, or a committed entry of a later term than the one it stood for then has applied
 * here, so every entry it may have appended is either applied (the session answers) or can
 * never commit (every entry that will ever commit comes before that later term's committed
 * entry). Until then it answers `unknown`. A leader refuses again what it refused before.
 *
 * Writes (and, with `reads: log`, reads) are appended to the log and answered when their
 * entry applies; the session (stateMachine.ts) makes a retried request apply once (§6.3). A
 * leader that steps down answers its pending writes `unknown`: they may still commit.
 *
 * Reads with `reads: read-index` follow §6.4: the leader waits until it has committed an
 * entry of its term (its no-op), records the commit index as the read index, and confirms it
 * still leads by a round of AppendEntries answered by a majority in its term; then, once the
 * state machine has applied up to the read index, it answers from it.
 *
 * With `batchDelay` above 0 the leader collects requests for that long and then flushes
 * them at once (as etcd's and TiKV's batching loops do): one AppendEntries per follower
 * carries the new entries, one ReadIndex round confirms every read that arrived (thesis
 * §6.4: "a single round of heartbeats for any number of read-only queries"), and one sync
 * confirms the leader's own writes. Fewer messages and syncs per request, for up to
 * `batchDelay` more latency.
 */
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import { scheduleFlush } from '../batching.js';
import type { NodeId } from '../../sim/index.js';
import { appendAsLeader, confirmDurable } from './election.js';
import type { Ctx, RaftNode } from './node.js';
import { replicateNew, sendAppend } from './replication.js';
import type { ApplyResult } from './stateMachine.js';

/** A client request arrived. */
export function onClientRequest(node: RaftNode, ctx: Ctx, msg: ClientRequest): void {
  if (node.role !== 'leader' || node.disabled !== undefined) return redirect(node, ctx, msg);
  // Handing the leadership over (thesis §3.10): take no new requests, so the target can catch
  // up; the client's retry finds the new leader.
  if (node.transfer !== undefined) return;
  if (!node.kv.supports(msg.op.f)) {
    return node.send(ctx, msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
      error: `unsupported operation ${msg.op.f}` });
  }
  if (msg.op.f === 'get' && node.bug('stale-leader-read')) {
    // The bug: a leader that may already be deposed answers from its own state.
    return replyToClient(node, ctx, msg.client, msg.seq,
      { outcome: 'ok', result: node.kv.read(msg.op.key ?? '') });
  }
  if (msg.op.f === 'get' && node.config.reads === 'read-index') {
    node.pendingReads.push({ client: msg.client, seq: msg.seq, key: msg.op.key ?? '',
      readIndex: undefined, round: 0 });
    return serveReads(node, ctx);
  }
  proposeWrite(node, ctx, msg);
}

function proposeWrite(node: RaftNode, ctx: Ctx, msg: ClientRequest): void {
  if (node.kv.seen(msg.client, msg.seq)) {
    const cached = node.kv.cached(msg.client, msg.seq);
    if (cached !== undefined) replyToClient(node, ctx, msg.client, msg.seq, cached);
    return; // an older retry the client no longer waits for
  }
  for (const pending of node.pendingWrites.values()) {
    if (pending.client === msg.client && pending.seq === msg.seq) return; // already proposed
  }
  if (node.refusals.refusedEarlier(msg.client, msg.seq)) {
    // Refused while not leading (a duplicate delivered now, or a retry): a promise kept.
    return node.send(ctx, msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
      error: 'refused-earlier' });
  }
  node.refusals.start(msg.client, msg.seq);
  const index = appendAsLeader(node, ctx, { term: node.currentTerm,
    command: { kind: 'client', client: msg.client, seq: msg.seq, op: msg.op } });
  node.pendingWrites.set(index, { client: msg.client, seq: msg.seq });
  if (node.config.batchDelay === 0) replicateNew(node, ctx);
  else scheduleFlush(node, ctx);
}

/** Not the leader: refuse, definitely where that is true (see the file comment). */
function redirect(node: RaftNode, ctx: Ctx, msg: ClientRequest): void {
  const hint = node.leaderId !== undefined && node.leaderId !== ctx.id ? node.leaderId : undefined;
  const { reply, afterSync } = node.refusals.answer(ctx.disk, msg, {
    ran: () => (node.kv.seen(msg.client, msg.seq)
      ? node.kv.cached(msg.client, msg.seq) ?? 'unknown' : undefined),
    settled: (term) => term === 0 || (node.log.termAt(node.lastApplied) ?? 0) > term,
  }, { error: 'not-leader', ...(hint === undefined ? {} : { leaderHint: hint }) });
  if (afterSync) node.sendAfterSync(ctx, msg.client, reply);
  else node.send(ctx, msg.client, reply);
}

/**
 * The flush timer: starts one read round for the reads waiting for one, confirms the new
 * entries durable, and sends every follower the new entries (or, for a new round, at least a
 * heartbeat that carries it).
 */
export function onFlush(node: RaftNode, ctx: Ctx): void {
  node.flushArmed = false;
  if (node.role !== 'leader') return;
  const newRound = startReadRound(node, ctx);
  if (node.log.lastIndex > node.confirmedUpTo) confirmDurable(node, ctx);
  for (const [peer, progress] of node.progress) {
    const idle = progress.inflightEnd === 0;
    if ((idle && progress.nextIndex <= node.log.lastIndex) || newRound) {
      sendAppend(node, ctx, peer, idle);
    }
  }
}

/** Answers a client with an applied command's result. */
export function replyToClient(
  node: RaftNode, ctx: Ctx, client: NodeId, seq: number, result: ApplyResult,
): void {
  if (result.outcome === 'ok') {
    node.send(ctx, client, { type: 'ClientReply', seq, outcome: 'ok', result: result.result });
  } else {
    node.send(ctx, client, { type: 'ClientReply', seq, outcome: 'fail', error: result.error });
  }
}

/**
 * Moves ReadIndex reads along: gives waiting reads a read index and a round once the leader
 * committed in its term, and answers those a majority confirmed and the state machine reached.
 */
export function serveReads(node: RaftNode, ctx: Ctx): void {
  if (node.role !== 'leader' || node.pendingReads.length === 0) return;
  const batched = node.config.batchDelay > 0;
  const newRound = !batched && startReadRound(node, ctx);
  if (batched && node.pendingReads.some((read) => read.readIndex === undefined)) {
    scheduleFlush(node, ctx);
  }
  const waiting = node.pendingReads.filter((read) => {
    if (read.readIndex === undefined || node.lastApplied < read.readIndex) return true;
    if (!roundConfirmed(node, ctx, read.round)) return true;
    replyToClient(node, ctx, read.client, read.seq, { outcome: 'ok', result: node.kv.read(read.key) });
    return false;
  });
  node.pendingReads = waiting;
  if (newRound) sendRound(node, ctx);
}

/** Whether a majority (the leader included) has acknowledged read round `round`. */
function roundConfirmed(node: RaftNode, ctx: Ctx, round: number): boolean {
  return node.hasQuorum(ctx, (progress) => progress.ackedRound >= round);
}

/**
 * Sends every follower the new round: with the new entries when none are in flight to it,
 * else as an empty AppendEntries (resending entries in flight would only copy them again).
 */
function sendRound(node: RaftNode, ctx: Ctx): void {
  for (const [peer, progress] of node.progress) {
    sendAppend(node, ctx, peer, progress.inflightEnd === 0);
  }
}

/**
 * Gives the reads without a read index the commit index and a new round, once the leader has
 * committed in its term. Returns whether it started a round.
 */
function startReadRound(node: RaftNode, ctx: Ctx): boolean {
  if (node.log.termAt(node.commitIndex) !== node.currentTerm) return false;
  // One round at a time (thesis §6.4): reads that arrive while one is out wait for the next,
  // which then confirms them all. A round is out until a majority has acknowledged it.
  if (node.readRound > 0 && !roundConfirmed(node, ctx, node.readRound)) return false;
  let newRound = false;
  for (const read of node.pendingReads) {
    if (read.readIndex !== undefined) continue;
    if (!newRound) node.readRound++;
    newRound = true;
    read.readIndex = node.commitIndex;
    read.round = node.readRound;
  }
  return newRound;
}

/** A leader stepped down: pending writes may or may not commit; pending reads did nothing. */
export function failPending(node: RaftNode, ctx: Ctx): void {
  for (const { client, seq } of node.pendingWrites.values()) {
    node.send(ctx, client, { type: 'ClientReply', seq, outcome: 'unknown',
      error: 'leadership-lost' });
  }
  node.pendingWrites.clear();
  // Reads are gets, never CAS, so a definite `not-leader` is safe for them.
  for (const { client, seq } of node.pendingReads) {
    node.send(ctx, client, { type: 'ClientReply', seq, outcome: 'fail', error: 'not-leader' });
  }
  node.pendingReads = [];
}
