/**
 * The acceptor role, shared by single-decree and Multi-Paxos (Paxos Made Simple §2.2):
 * - Phase 1: on `Prepare(b)` with b at least its promise, it promises b (persisting the
 *   promise) and reports every proposal it accepted in the asked slots; otherwise it refuses
 *   with a `Nack` that tells the proposer the ballot to beat.
 * - Phase 2: on `Accept(b, entries)` with b at least its promise, it accepts every (slot,
 *   value) entry (persisting each) and tells the learners in one `Accepted`; otherwise `Nack`.
 * Both replies leave only after the records they depend on are durable (`sendAfterSync`):
 * a promise or an accept that a crash can take back breaks every quorum it was counted in.
 * The `acceptor-forgets` bug sends the reply at once instead.
 *
 * Invariants of this object, checked by `promise-monotonic` in invariants.ts:
 * 1. `promised` never decreases, within an incarnation or across restarts.
 * 2. every accepted proposal has a ballot at most `promised`.
 *
 * A corrupt acceptor record found at start puts the acceptor in `rejoin` mode: it answers no
 * Prepare or Accept until a majority of the cluster (not counting itself) has sent its
 * acceptor state, which it merges (highest ballot per slot, highest promise) and persists.
 * Any quorum that counted a lost record of ours shares a member with that majority, so the
 * merged state covers it; see persistence.ts.
 */
import { assert, type NodeContext, type NodeId } from '../../sim/index.js';
import { type Ballot, compareBallots, formatBallot, maxBallot, ZERO_BALLOT } from './ballot.js';
import type { AcceptedEntry, Accept, PaxosMessage, Prepare, RejoinReply } from './messages.js';
import { readAcceptor, type StoredProposal, writeAccepted, writePromised } from './persistence.js';
import type { PaxosStats } from './metrics.js';

type Ctx<V> = NodeContext<PaxosMessage<V>>;

/** How an acceptor is wired into its node. */
export interface AcceptorOptions {
  /** The `acceptor-forgets` bug: reply before the record is durable. */
  readonly forgets: boolean;
  /** Who hears of an accepted proposal sent by `proposer`, among the cluster's `servers`. */
  learners(proposer: NodeId, servers: readonly NodeId[]): readonly NodeId[];
  readonly stats: PaxosStats;
}

/** Rejoin requests are resent at this interval until a majority answered. */
export const REJOIN_RETRY = 50_000;

/** The acceptor state of one incarnation of a node. */
export class Acceptor<V> {
  promised: Ballot = ZERO_BALLOT;
  readonly accepted = new Map<number, StoredProposal<V>>();
  /** For the checkers: proposals this incarnation accepted and wrote, in order. */
  readonly acceptLog: AcceptedEntry<V>[] = [];
  /** For the checkers: promises this incarnation wrote, in order. */
  readonly promiseLog: Ballot[] = [];
  /** Set while rebuilding a corrupt record from the peers; no votes meanwhile. */
  rejoin: { readonly nonce: number; readonly replies: Map<NodeId, RejoinReply<V>> } | undefined;
  /** True once this incarnation rebuilt its state from peers after finding corruption. */
  rebuilt = false;

  constructor(private readonly options: AcceptorOptions) {}

  /** Whether it may answer Prepare and Accept. */
  get voting(): boolean {
    return this.rejoin === undefined;
  }

  /** Recovers from the disk; starts a rejoin when a record is corrupt. */
  recover(ctx: Ctx<V>): void {
    const found = readAcceptor<V>(ctx.disk);
    this.promised = found.promised;
    for (const [slot, proposal] of found.accepted) this.accepted.set(slot, proposal);
    if (found.repaired.length > 0) ctx.note('acceptor-repaired', { records: found.repaired });
    if (found.corrupt.length > 0) {
      ctx.note('acceptor-corrupt', { records: found.corrupt });
      this.startRejoin(ctx);
    }
  }

  /** Phase 1b. Returns whether it promised. */
  onPrepare(ctx: Ctx<V>, from: NodeId, msg: Prepare): boolean {
    if (!this.voting) return false; // rebuilding: stay silent, the proposer will retry
    if (compareBallots(msg.ballot, this.promised) < 0) {
      this.reply(ctx, from, { type: 'Nack', ballot: msg.ballot, promised: this.promised });
      return false;
    }
    this.raisePromise(ctx, msg.ballot);
    this.reply(ctx, from, { type: 'Promise', ballot: msg.ballot,
      accepted: this.entriesFrom(msg.fromSlot) });
    return true;
  }

  /**
   * Phase 2b for every entry of the Accept (a batch: one write barrier makes them all
   * durable, and one Accepted answers them all). Returns whether it accepted.
   */
  onAccept(ctx: Ctx<V>, from: NodeId, msg: Accept<V>): boolean {
    if (!this.voting) return false;
    if (compareBallots(msg.ballot, this.promised) < 0) {
      this.reply(ctx, from, { type: 'Nack', ballot: msg.ballot, promised: this.promised });
      return false;
    }
    this.raisePromise(ctx, msg.ballot);
    for (const { slot, value } of msg.entries) {
      const previous = this.accepted.get(slot);
      if (previous !== undefined && compareBallots(previous.ballot, msg.ballot) === 0 &&
        JSON.stringify(previous.value) === JSON.stringify(value)) continue; // a repeat
      // Frozen: both disk copies (and the checkers) share it rather than copy it.
      const proposal = Object.freeze({ ballot: msg.ballot, value });
      this.accepted.set(slot, proposal);
      writeAccepted(ctx.disk, slot, proposal);
      this.acceptLog.push({ slot, ...proposal });
    }
    const accepted = { type: 'Accepted' as const, ballot: msg.ballot, entries: msg.entries,
      ...(msg.round === undefined ? {} : { round: msg.round }) };
    for (const learner of this.options.learners(from, ctx.servers)) {
      this.reply(ctx, learner, accepted);
    }
    return true;
  }

  /** The accepted proposals in slots from `fromSlot` on, in slot order. */
  entriesFrom(fromSlot: number): AcceptedEntry<V>[] {
    const entries: AcceptedEntry<V>[] = [];
    for (const [slot, p] of this.accepted) {
      if (slot >= fromSlot) entries.push({ slot, ballot: p.ballot, value: p.value });
    }
    return entries.sort((a, b) => a.slot - b.slot);
  }

  /** A peer rebuilds its state: answer with ours (unless we are rebuilding too). */
  onRejoinRequest(ctx: Ctx<V>, from: NodeId, nonce: number): void {
    if (!this.voting) return;
    ctx.send(from, { type: 'RejoinReply', nonce, promised: this.promised,
      accepted: this.entriesFrom(0) });
  }

  /** Collects a peer's state; with a majority of the cluster, merges and votes again. */
  onRejoinReply(ctx: Ctx<V>, from: NodeId, msg: RejoinReply<V>): void {
    const rejoin = this.rejoin;
    if (rejoin === undefined || msg.nonce !== rejoin.nonce || from === ctx.id) return;
    rejoin.replies.set(from, msg);
    if (rejoin.replies.size < Math.floor(ctx.servers.length / 2) + 1) return;
    for (const reply of rejoin.replies.values()) {
      this.raisePromise(ctx, maxBallot(this.promised, reply.promised));
      for (const entry of reply.accepted) this.mergeAccepted(ctx, entry);
    }
    this.rejoin = undefined;
    this.rebuilt = true;
    ctx.cancelTimer('rejoin');
    ctx.note('acceptor-rejoined', { promised: formatBallot(this.promised) });
  }

  /** The rejoin timer: ask again (lost requests, peers that were down). */
  onRejoinTimer(ctx: Ctx<V>): void {
    if (this.rejoin === undefined) return;
    this.askPeers(ctx, this.rejoin.nonce);
  }

  private startRejoin(ctx: Ctx<V>): void {
    const nonce = ctx.prng.int(1, 2 ** 30);
    this.rejoin = { nonce, replies: new Map() };
    this.askPeers(ctx, nonce);
  }

  private askPeers(ctx: Ctx<V>, nonce: number): void {
    for (const peer of ctx.servers) {
      if (peer !== ctx.id) ctx.send(peer, { type: 'RejoinRequest', nonce });
    }
    ctx.setTimer('rejoin', REJOIN_RETRY);
  }

  private mergeAccepted(ctx: Ctx<V>, entry: AcceptedEntry<V>): void {
    const mine = this.accepted.get(entry.slot);
    if (mine !== undefined && compareBallots(mine.ballot, entry.ballot) >= 0) return;
    const proposal = { ballot: entry.ballot, value: entry.value };
    this.accepted.set(entry.slot, proposal);
    writeAccepted(ctx.disk, entry.slot, proposal);
    this.acceptLog.push(entry);
  }

  private raisePromise(ctx: Ctx<V>, ballot: Ballot): void {
    const order = compareBallots(ballot, this.promised);
    assert(order >= 0, () => `promise would fall from ${formatBallot(this.promised)}`);
    if (order === 0) return;
    this.promised = ballot;
    writePromised(ctx.disk, ballot);
    this.promiseLog.push(ballot);
  }

  private reply(ctx: Ctx<V>, to: NodeId, msg: PaxosMessage<V>): void {
    this.options.stats.sent++;
    if (this.options.forgets) ctx.send(to, msg);
    else ctx.sendAfterSync(to, msg);
  }
}
