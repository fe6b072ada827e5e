/**
 * The Multi-Paxos leader ("Paxos Made Simple" §3; "Paxos Made Moderately Complex"): one
 * distinguished proposer runs phase 1 once, for every slot from its first unexecuted one on,
 * and then phase 2 per slot for each client command, so a decision costs one round trip.
 *
 * Election: a follower that hears no heartbeat for a randomised `leaderTimeout` becomes a
 * candidate with a ballot one round above any it has seen. With promises from a majority it
 * becomes leader and first re-proposes, in every open slot, the value accepted there at the
 * highest ballot any promise reported (that value may already be chosen), and a no-op in
 * every gap, so execution can go on in slot order. The `takeover-drops-accepted` bug skips
 * this and hands the open slots to new commands; the `own-value` bug re-proposes what its
 * own acceptor holds in a slot, whatever higher ballot the promises report. A `Nack` or a
 * heartbeat with a higher ballot ends a leadership or a candidacy (a ballot lost); the loser
 * waits for a new randomised timeout, which is what ends duelling candidates.
 *
 * While leading it sends heartbeats, carrying how far it has executed; a follower answers
 * with its own position and the leader re-sends the decisions it missed. A leader that has
 * heard from no majority for a `leaderTimeout` steps down (`maybeKeepLeadership`).
 * Proposals not yet accepted by a majority are re-sent with each heartbeat, so message loss
 * only delays them.
 */
import { assert, type NodeContext, type NodeId } from '../../sim/index.js';
import { type Ballot, compareBallots, formatBallot, maxBallot, nextBallot } from './ballot.js';
import type { AcceptedEntry, Accepted, Nack, PaxosMessage, PromiseMessage } from './messages.js';
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
}

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
  ctx.note('role', { role: 'leader', ballot: formatBallot(node.ballot) });
  ctx.cancelTimer('leader-timeout');
  const merged = node.config.bugs.has('takeover-drops-accepted') ? new Map()
    : mergePromises(node.promises.values());
  let next = node.fromSlot;
  if (!node.config.bugs.has('takeover-drops-accepted')) {
    for (const slot of merged.keys()) next = Math.max(next, slot + 1);
    for (const slot of node.replica.decided.keys()) next = Math.max(next, slot + 1);
  }
  for (let slot = node.fromSlot; slot < next; slot++) {
    if (node.replica.decided.has(slot)) continue;
    const own = node.config.bugs.has('own-value') ? node.acceptor.accepted.get(slot) : undefined;
    propose(node, ctx, slot, own?.value ?? merged.get(slot)?.value ?? { kind: 'noop' });
  }
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
 * Phase 2a for one slot. A client command's Accepts leave only once the slot is within this
 * server's durable horizon (protocols/refusals.ts), so that after a crash it still knows it
 * may have proposed the command and does not refuse a duplicate of it definitely.
 */
export function propose(node: MultiPaxosNode, ctx: Ctx, slot: number, value: Command): void {
  assert(node.role === 'leader', 'only the leader proposes');
  node.proposals.set(slot, { value, acks: new Set(), proposedAt: ctx.now() });
  sendAccepts(node, ctx, slot, value, ctx.servers);
}

/** Sends the Accept of `slot` to `to`; a client command's only after the horizon is durable. */
function sendAccepts(node: MultiPaxosNode, ctx: Ctx, slot: number, value: Command,
  to: readonly NodeId[]): void {
  const accept = { type: 'Accept' as const, ballot: node.ballot, slot, value };
  if (value.kind !== 'client') {
    for (const peer of to) node.send(ctx, peer, accept);
    return;
  }
  node.refusals.start(value.client, value.seq);
  node.refusals.extend(ctx.disk, slot + 1);
  for (const peer of to) node.sendAfterSync(ctx, peer, accept);
}

/** Phase 2b arrives at the leader; a majority decides the slot. */
export function onAccepted(node: MultiPaxosNode, ctx: Ctx, from: NodeId,
  msg: Accepted<Command>): void {
  if (node.role !== 'leader' || compareBallots(msg.ballot, node.ballot) !== 0) return;
  const proposal = node.proposals.get(msg.slot);
  if (proposal === undefined) return; // decided already; a late duplicate
  proposal.acks.add(from);
  node.heardFrom.set(from, ctx.now());
  node.voteLog.push({ from, ballot: msg.ballot, slot: msg.slot });
  if (proposal.acks.size < majority(ctx)) return;
  node.proposals.delete(msg.slot);
  node.config.stats.latencies.push(ctx.now() - proposal.proposedAt);
  for (const peer of ctx.servers) {
    if (peer === ctx.id) continue;
    node.send(ctx, peer, { type: 'Decide', slot: msg.slot, value: proposal.value });
  }
  node.learn(ctx, msg.slot, proposal.value);
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
  node.abandonWaiting(ctx);
  ctx.note('role', { role: 'follower', ballot: formatBallot(node.seen), why });
  ctx.cancelTimer('heartbeat');
  ctx.setTimer('leader-timeout', node.config.leaderTimeout);
}

/** The leader's periodic duty: heartbeats, and re-sending unaccepted proposals. */
export function sendHeartbeats(node: MultiPaxosNode, ctx: Ctx): void {
  if (node.role !== 'leader') return;
  if (!maybeKeepLeadership(node, ctx)) return;
  const beat = { type: 'Heartbeat' as const, ballot: node.ballot, executed: node.replica.executed };
  for (const peer of ctx.servers) if (peer !== ctx.id) node.send(ctx, peer, beat);
  for (const [slot, proposal] of node.proposals) {
    sendAccepts(node, ctx, slot, proposal.value,
      ctx.servers.filter((peer) => !proposal.acks.has(peer)));
  }
  ctx.setTimer('heartbeat', node.config.heartbeat);
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

/** A follower's position: re-send the decisions it lacks, a batch at a time. */
export function onHeartbeatReply(node: MultiPaxosNode, ctx: Ctx, from: NodeId,
  executed: number, ballot: Ballot): void {
  if (node.role !== 'leader' || compareBallots(ballot, node.ballot) !== 0) return;
  node.heardFrom.set(from, ctx.now());
  const end = Math.min(node.replica.executed, executed + CATCH_UP_BATCH);
  for (let slot = executed; slot < end; slot++) {
    const value = node.replica.decided.get(slot);
    if (value !== undefined) node.send(ctx, from, { type: 'Decide', slot, value });
  }
}
