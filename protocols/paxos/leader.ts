/**
 * The Multi-Paxos leader ("Paxos Made Simple" §3; "Paxos Made Moderately Complex"): one
 * distinguished proposer runs phase 1 once, for every slot from its first unexecuted one on,
 * and then phase 2 per slot for each client command, so a decision costs one round trip.
 *
 * Election: a follower that hears no heartbeat for a randomised `leaderTimeout` becomes a
 * candidate with a ballot one round above any it has seen. With promises from a majority it
 * becomes leader and first re-proposes, in every open slot, the value accepted there at the
 * highest ballot any promise reported (that value may already be chosen), and a no-op in
 * every gap, so execution can go on in slot order; with nothing open, it proposes a no-op in
 * its first free slot. The `takeover-drops-accepted` bug skips
 * this and hands the open slots to new commands; the `own-value` bug re-proposes what its
 * own acceptor holds in a slot, whatever higher ballot the promises report. A `Nack` or a
 * heartbeat with a higher ballot ends a leadership or a candidacy (a ballot lost); the loser
 * waits for a new randomised timeout, which is what ends duelling candidates.
 *
 * While leading it sends heartbeats, carrying how far it has executed; a follower answers
 * with its own position and the leader re-sends the decisions it missed. A leader that has
 * heard from no majority for a `leaderTimeout` steps down (`maybeKeepLeadership`).
 * A proposal not yet accepted by a majority is re-sent, to the acceptors that have not
 * accepted it, once it has gone a whole heartbeat period unanswered (a retransmission
 * timeout), so message loss only delays it; one still in flight is not sent again.
 *
 * Batching: phase 2 carries any number of slots. An `Accept` holds a run of (slot, value)
 * entries, the acceptor persists them all behind one write barrier and answers with one
 * `Accepted`, and the slots a reply completes are announced in one `Decide`. Each slot is
 * still decided on its own (a majority of acceptors accepted its value at this ballot), so
 * batching changes the cost of a round, not what is chosen. With `batchDelay` above 0 the
 * leader collects client commands for that long and proposes them together (clientRequests
 * in node.ts); a takeover proposes every open slot in one batch.
 *
 * Reads (`reads: read-index`, the default) are not given slots. A read waits for a read
 * round: the leader notes the first slot it has not yet proposed as the read's index and
 * sends a heartbeat carrying a new round number; once a majority (itself included) has
 * answered that round at this ballot, and it has executed every slot below the index, it
 * answers from its state machine. Why that is linearizable: a value chosen before the read
 * arrived was chosen at a ballot at most ours (an acceptor that answered our round after
 * the read arrived had promised no higher ballot, and every majority that accepts at a
 * higher ballot shares a member with ours), so it is in a slot below the index: slots below
 * our phase 1's `fromSlot` were executed here before, open slots above it were reported in
 * the promises and re-proposed, and the rest we proposed. One round is out at a time: reads
 * that arrive while one is out wait for the next, which then confirms them all (the thesis
 * of Raft, §6.4, for ReadIndex; the same argument holds for a Multi-Paxos leader).
 */
import { assert, type NodeContext, type NodeId } from '../../sim/index.js';
import { type Ballot, compareBallots, formatBallot, maxBallot, nextBallot } from './ballot.js';
import type {
  AcceptedEntry, Accepted, Nack, PaxosMessage, PromiseMessage, SlotValue,
} from './messages.js';
import { scheduleFlush } from '../batching.js';
import type { MultiPaxosNode } from './node.js';
import type { Command } from './stateMachine.js';

type Ctx = NodeContext<PaxosMessage<Command>>;

/** Which part a node plays now. */
export type Role = 'follower' | 'candidate' | 'leader';

/** A value the leader proposed in a slot and the acceptors that accepted it so far. */
export interface Proposal {
  readonly value: Command;
  readonly acks: Set<NodeId>;
  readonly proposedAt: number;
  /** When its Accept last left (local clock): it is re-sent a heartbeat period later. */
  sentAt: number;
}

/** A read waiting for its read round (protocols/readIndex.ts). */
export type { PendingRead } from '../readIndex.js';

/** Entries in one Accept or Decide at most (a larger batch goes in several messages). */
export const MAX_BATCH = 64;

/** Decisions re-sent to one lagging follower per heartbeat reply, at most. */
export const CATCH_UP_BATCH = 64;

/** The majority of the cluster. */
export function majority(ctx: Ctx): number {
  return Math.floor(ctx.servers.length / 2) + 1;
}

/** Starts (or restarts) phase 1 with a fresh ballot above everything seen. */
export function becomeCandidate(node: MultiPaxosNode, ctx: Ctx): void {
  node.seen = maxBallot(node.seen, node.acceptor.promised);
  node.ballot = nextBallot(node.seen, ctx.id, !node.config.bugs.has('non-unique-ballots'));
  node.seen = node.ballot;
  node.role = 'candidate';
  node.leaderId = undefined;
  node.promises.clear();
  node.proposals.clear();
  node.queued.length = 0;
  node.fromSlot = node.replica.executed;
  node.config.stats.ballotsStarted++;
  ctx.note('role', { role: 'candidate', ballot: formatBallot(node.ballot) });
  node.broadcast(ctx, { type: 'Prepare', ballot: node.ballot, fromSlot: node.fromSlot });
  ctx.setTimer('leader-timeout', node.config.leaderTimeout);
}

/** A promise for our candidacy; a majority makes us leader. */
export function onPromise(node: MultiPaxosNode, ctx: Ctx, from: NodeId,
  msg: PromiseMessage<Command>): void {
  if (node.role !== 'candidate' || compareBallots(msg.ballot, node.ballot) !== 0) return;
  node.promises.set(from, msg.accepted);
  node.voteLog.push({ from, ballot: msg.ballot });
  if (node.promises.size >= majority(ctx)) becomeLeader(node, ctx);
}

/** Phase 1 is complete: re-propose what open slots hold, fill gaps, then lead. */
export function becomeLeader(node: MultiPaxosNode, ctx: Ctx): void {
  assert(node.role === 'candidate', 'only a candidate becomes leader');
  assert(node.promises.size >= majority(ctx), 'leader without a majority of promises');
  node.role = 'leader';
  node.leaderId = ctx.id;
  node.leadingSince = ctx.now();
  node.heardFrom.clear();
  node.readRound = 0;
  node.roundAcks.clear();
  ctx.note('role', { role: 'leader', ballot: formatBallot(node.ballot) });
  ctx.cancelTimer('leader-timeout');
  const merged = node.config.bugs.has('takeover-drops-accepted') ? new Map()
    : mergePromises(node.promises.values());
  let next = node.fromSlot;
  if (!node.config.bugs.has('takeover-drops-accepted')) {
    for (const slot of merged.keys()) next = Math.max(next, slot + 1);
    for (const slot of node.replica.decided.keys()) next = Math.max(next, slot + 1);
  }
  const open: SlotValue<Command>[] = [];
  for (let slot = node.fromSlot; slot < next; slot++) {
    if (node.replica.decided.has(slot)) continue;
    const own = node.config.bugs.has('own-value') ? node.acceptor.accepted.get(slot) : undefined;
    open.push({ slot, value: own?.value ?? merged.get(slot)?.value ?? { kind: 'noop' } });
  }
  // With nothing open, a no-op in the first free slot (as a Raft leader appends one): every
  // leadership has a slot chosen at its ballot, even when clients only read (reads take no
  // slot), so `value-chosen` judges the protocol and not the workload.
  if (open.length === 0) open.push({ slot: next++, value: { kind: 'noop' } });
  propose(node, ctx, open);
  node.nextSlot = next;
  node.promises.clear();
  sendHeartbeats(node, ctx);
}

/** Per slot, the proposal with the highest ballot among the promises (§2.2, P2c). */
export function mergePromises(
  promises: Iterable<readonly AcceptedEntry<Command>[]>,
): Map<number, AcceptedEntry<Command>> {
  const merged = new Map<number, AcceptedEntry<Command>>();
  for (const entries of promises) {
    for (const entry of entries) {
      const best = merged.get(entry.slot);
      if (best === undefined || compareBallots(entry.ballot, best.ballot) > 0) {
        merged.set(entry.slot, entry);
      }
    }
  }
  return merged;
}

/**
 * Phase 2a for new proposals, as one batch. A client command's Accepts leave only once its
 * slot is within this server's durable horizon (protocols/refusals.ts), so that after a crash
 * it still knows it may have proposed the command and does not refuse a duplicate of it
 * definitely.
 */
export function propose(node: MultiPaxosNode, ctx: Ctx,
  entries: readonly SlotValue<Command>[], round?: number): void {
  assert(node.role === 'leader', 'only the leader proposes');
  if (entries.length === 0) return;
  const now = ctx.now();
  const batch = frozen(entries);
  for (const { slot, value } of batch) {
    node.proposals.set(slot, { value, acks: new Set(), proposedAt: now, sentAt: now });
  }
  const horizon = startClientCommands(node, ctx, batch);
  for (const peer of ctx.servers) sendAccepts(node, ctx, peer, batch, horizon, round);
}

/**
 * Entries deeply frozen (values are frozen commands), so that every message and record that
 * carries them shares one copy instead of copying it per acceptor (sim/snapshot.ts).
 */
function frozen(entries: readonly SlotValue<Command>[]): readonly SlotValue<Command>[] {
  return Object.freeze(entries.map(({ slot, value }) =>
    Object.freeze({ slot, value: Object.freeze(value) })));
}

/** Marks the client commands among `entries` proposed; returns whether any was one. */
function startClientCommands(node: MultiPaxosNode, ctx: Ctx,
  entries: readonly SlotValue<Command>[]): boolean {
  let horizon = -1;
  for (const { slot, value } of entries) {
    if (value.kind !== 'client') continue;
    node.refusals.start(value.client, value.seq);
    horizon = Math.max(horizon, slot + 1);
  }
  if (horizon < 0) return false;
  node.refusals.extend(ctx.disk, horizon);
  return true;
}

/**
 * Sends `entries` to `to` in Accepts of at most MAX_BATCH, after the sync if `afterSync`,
 * with read round `round` riding on them if given.
 */
function sendAccepts(node: MultiPaxosNode, ctx: Ctx, to: NodeId,
  entries: readonly SlotValue<Command>[], afterSync: boolean, round?: number): void {
  for (let i = 0; i < entries.length; i += MAX_BATCH) {
    const accept = { type: 'Accept' as const, ballot: node.ballot,
      entries: entries.length <= MAX_BATCH ? entries : entries.slice(i, i + MAX_BATCH),
      ...(round === undefined ? {} : { round }) };
    if (afterSync) node.sendAfterSync(ctx, to, accept);
    else node.send(ctx, to, accept);
  }
}

/** Phase 2b arrives at the leader; a majority decides a slot. One Decide per batch. */
export function onAccepted(node: MultiPaxosNode, ctx: Ctx, from: NodeId,
  msg: Accepted<Command>): void {
  if (node.role !== 'leader' || compareBallots(msg.ballot, node.ballot) !== 0) return;
  node.heardFrom.set(from, ctx.now());
  const decided: SlotValue<Command>[] = [];
  for (const { slot } of msg.entries) {
    const proposal = node.proposals.get(slot);
    if (proposal === undefined) continue; // decided already; a late duplicate
    proposal.acks.add(from);
    node.voteLog.push({ from, ballot: msg.ballot, slot });
    if (proposal.acks.size < majority(ctx)) continue;
    node.proposals.delete(slot);
    node.config.stats.latencies.push(ctx.now() - proposal.proposedAt);
    decided.push({ slot, value: proposal.value });
  }
  if (decided.length > 0) {
    const entries = frozen(decided);
    for (const peer of ctx.servers) {
      if (peer !== ctx.id) node.send(ctx, peer, { type: 'Decide', entries });
    }
    for (const { slot, value } of decided) node.learn(ctx, slot, value);
  }
  if (msg.round !== undefined) onRoundAck(node, ctx, from, msg.round);
}

/** A refusal: someone holds a higher ballot, so our candidacy or leadership is over. */
export function onNack(node: MultiPaxosNode, ctx: Ctx, msg: Nack): void {
  node.seen = maxBallot(node.seen, msg.promised);
  if (node.role === 'follower' || compareBallots(msg.ballot, node.ballot) !== 0) return;
  if (compareBallots(msg.promised, node.ballot) <= 0) return;
  node.config.stats.ballotsLost++;
  stepDown(node, ctx, `preempted by ${formatBallot(msg.promised)}`);
}

/** Gives up a candidacy or leadership; waiting clients learn the outcome is unknown. */
export function stepDown(node: MultiPaxosNode, ctx: Ctx, why: string): void {
  if (node.role === 'follower') return;
  node.role = 'follower';
  node.leaderId = undefined;
  node.proposals.clear();
  node.promises.clear();
  node.queued.length = 0;
  node.abandonWaiting(ctx);
  failReads(node, ctx);
  ctx.note('role', { role: 'follower', ballot: formatBallot(node.seen), why });
  ctx.cancelTimer('heartbeat');
  ctx.setTimer('leader-timeout', node.config.leaderTimeout);
}

/**
 * The leader's periodic duty: heartbeats, and re-sending each proposal that went a whole
 * heartbeat period without a majority to the acceptors that have not accepted it (one
 * Accept per acceptor for all of them). Proposals in flight for less are not re-sent.
 */
export function sendHeartbeats(node: MultiPaxosNode, ctx: Ctx): void {
  if (node.role !== 'leader') return;
  if (!maybeKeepLeadership(node, ctx)) return;
  sendBeats(node, ctx);
  const now = ctx.now();
  const overdue: SlotValue<Command>[] = [];
  for (const [slot, proposal] of node.proposals) {
    if (now - proposal.sentAt < node.config.heartbeat) continue;
    overdue.push({ slot, value: proposal.value });
    proposal.sentAt = now;
  }
  if (overdue.length > 0) {
    const all = frozen(overdue);
    const afterSync = startClientCommands(node, ctx, all);
    for (const peer of ctx.servers) {
      const missing = all.filter(({ slot }) => node.proposals.get(slot)?.acks.has(peer) === false);
      if (missing.length > 0) {
        sendAccepts(node, ctx, peer, missing.length === all.length ? all : missing, afterSync);
      }
    }
  }
  ctx.setTimer('heartbeat', node.config.heartbeat);
}

/** A heartbeat to every follower, carrying the executed prefix and the latest read round. */
function sendBeats(node: MultiPaxosNode, ctx: Ctx): void {
  const beat = { type: 'Heartbeat' as const, ballot: node.ballot,
    executed: node.replica.executed, round: node.readRound };
  for (const peer of ctx.servers) if (peer !== ctx.id) node.send(ctx, peer, beat);
}

/**
 * A leader that has not heard from a majority (itself included) for a whole `leaderTimeout`
 * steps down (Raft's CheckQuorum, which Multi-Paxos needs as much): a leader cut off in a
 * minority would otherwise keep taking client requests it can never decide, while the
 * majority side has long elected another. Returns whether it still leads.
 */
export function maybeKeepLeadership(node: MultiPaxosNode, ctx: Ctx): boolean {
  const window = node.config.leaderTimeout[1];
  const now = ctx.now();
  if (now - node.leadingSince < window) return true;
  let heard = 1;
  for (const peer of ctx.servers) {
    if (peer !== ctx.id && now - (node.heardFrom.get(peer) ?? -Infinity) < window) heard++;
  }
  if (heard >= majority(ctx)) return true;
  stepDown(node, ctx, 'no word from a majority');
  return false;
}

/**
 * A follower's position: re-send the decisions it lacks, a batch at a time. Its answer to a
 * read round may confirm waiting reads.
 */
export function onHeartbeatReply(node: MultiPaxosNode, ctx: Ctx, from: NodeId,
  executed: number, ballot: Ballot, round: number): void {
  if (node.role !== 'leader' || compareBallots(ballot, node.ballot) !== 0) return;
  node.heardFrom.set(from, ctx.now());
  const end = Math.min(node.replica.executed, executed + CATCH_UP_BATCH);
  const missed: SlotValue<Command>[] = [];
  for (let slot = executed; slot < end; slot++) {
    const value = node.replica.decided.get(slot);
    if (value !== undefined) missed.push({ slot, value });
  }
  if (missed.length > 0) node.send(ctx, from, { type: 'Decide', entries: missed });
  onRoundAck(node, ctx, from, round);
}

/** `from` answered read round `round` at our ballot: reads of it may now be served. */
function onRoundAck(node: MultiPaxosNode, ctx: Ctx, from: NodeId, round: number): void {
  if (from === ctx.id || round <= (node.roundAcks.get(from) ?? 0)) return;
  node.roundAcks.set(from, round);
  serveReads(node, ctx);
}

/** A read arrived at the leader: it waits for a read round (see the file comment). */
export function onRead(node: MultiPaxosNode, ctx: Ctx, client: NodeId, seq: number,
  key: string): void {
  if (node.pendingReads.some((read) => read.client === client && read.seq === seq)) return;
  node.pendingReads.push({ client, seq, key, readIndex: undefined, round: 0 });
  serveReads(node, ctx);
}

/**
 * Moves reads along: starts a read round for the reads without one (at once, or at the next
 * flush when batching), and answers those whose round a majority confirmed and whose index
 * this server has executed.
 */
export function serveReads(node: MultiPaxosNode, ctx: Ctx): void {
  if (node.role !== 'leader' || node.pendingReads.length === 0) return;
  const batched = node.config.batchDelay > 0;
  const newRound = !batched && startReadRound(node, ctx);
  if (batched && node.pendingReads.some((read) => read.readIndex === undefined)) {
    scheduleFlush(node, ctx);
  }
  node.pendingReads = node.pendingReads.filter((read) => {
    if (read.readIndex === undefined || node.replica.executed < read.readIndex ||
      !roundConfirmed(node, ctx, read.round)) return true;
    const value = node.replica.machine.read(read.key);
    ctx.send(read.client, { type: 'ClientReply', seq: read.seq, outcome: 'ok', result: value });
    return false;
  });
  if (newRound) sendBeats(node, ctx);
}

/** Whether a majority (the leader included) has answered read round `round`. */
function roundConfirmed(node: MultiPaxosNode, ctx: Ctx, round: number): boolean {
  let acks = 1;
  for (const [peer, acked] of node.roundAcks) if (peer !== ctx.id && acked >= round) acks++;
  return acks >= majority(ctx);
}

/**
 * Gives the reads without a round a new one, unless a round is still out (one at a time:
 * reads that arrive meanwhile wait for the next). Returns whether it started a round.
 */
function startReadRound(node: MultiPaxosNode, ctx: Ctx): boolean {
  if (node.readRound > 0 && !roundConfirmed(node, ctx, node.readRound)) return false;
  let started = false;
  for (const read of node.pendingReads) {
    if (read.readIndex !== undefined) continue;
    if (!started) node.readRound++;
    started = true;
    read.readIndex = node.nextSlot;
    read.round = node.readRound;
  }
  return started;
}

/**
 * The flush timer: proposes the queued commands as one batch and starts one read round for
 * the reads that arrived, riding on the batch's Accepts when there is a batch (an acceptor
 * that accepts at our ballot confirms the round as a heartbeat reply would), else on
 * heartbeats.
 */
export function onFlush(node: MultiPaxosNode, ctx: Ctx): void {
  node.flushArmed = false;
  if (node.role !== 'leader') return;
  const newRound = startReadRound(node, ctx);
  if (node.queued.length > 0) {
    const entries = node.queued.map((value) => ({ slot: node.nextSlot++, value }));
    node.queued.length = 0;
    propose(node, ctx, entries, newRound ? node.readRound : undefined);
  } else if (newRound) {
    sendBeats(node, ctx);
  }
  // A round still out holds reads back: the answer that confirms it calls serveReads again.
}

/** Leadership lost: waiting reads did nothing, so a definite `not-leader` is true for them. */
function failReads(node: MultiPaxosNode, ctx: Ctx): void {
  for (const { client, seq } of node.pendingReads) {
    ctx.send(client, { type: 'ClientReply', seq, outcome: 'fail', error: 'not-leader' });
  }
  node.pendingReads = [];
}
