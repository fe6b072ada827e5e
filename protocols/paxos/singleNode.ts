/**
 * A single-decree Paxos server: proposer, acceptor and learner in one node (Paxos Made
 * Simple §2). Each server wants its own value (`value-n3`) chosen, starts proposing after a
 * random delay and retries with backoff until it learns the decision. Acceptors send their
 * `Accepted` to every learner. A learner that already knows the decision answers a Prepare
 * with a `Decide`, so proposers that missed the Accepted messages learn too.
 */
import { assertNever, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import { Acceptor } from './acceptor.js';
import { type Ballot, compareBallots, formatBallot } from './ballot.js';
import type { AcceptedEntry, PaxosMessage } from './messages.js';
import type { PaxosStats } from './metrics.js';
import type { CountedVote } from './observer.js';
import { readDecided, writeDecided } from './persistence.js';
import { Learner, Proposer } from './proposer.js';

type Ctx = NodeContext<PaxosMessage<string>>;

/** A single-decree bug switch. */
export type SinglePaxosBug = 'acceptor-forgets' | 'own-value' | 'non-unique-ballots';

/** What every server of one run shares. */
export interface SinglePaxosConfig {
  readonly proposeAfter: readonly [number, number];
  readonly backoff: readonly [number, number];
  readonly randomizedBackoff: boolean;
  readonly bugs: ReadonlySet<string>;
  readonly stats: PaxosStats;
}

/** The value node `id` proposes. */
export function ownValue(id: NodeId): string {
  return `value-${id}`;
}

/** One incarnation of a single-decree server. */
export class SinglePaxosNode implements NodeProgram<PaxosMessage<string>> {
  readonly acceptor: Acceptor<string>;
  readonly proposer = new Proposer();
  private readonly learner = new Learner();
  /** The decision, once learned. */
  learned: string | undefined;
  /** For the checkers: decisions of this incarnation (at most one). */
  readonly decisionLog: AcceptedEntry<string>[] = [];
  /** For the checkers: votes this incarnation counted towards a quorum. */
  readonly voteLog: CountedVote[] = [];
  private proposedAt = 0;

  constructor(readonly config: SinglePaxosConfig) {
    this.acceptor = new Acceptor<string>({ forgets: config.bugs.has('acceptor-forgets'),
      learners: (_, servers) => servers, stats: config.stats });
  }

  start(ctx: Ctx): void {
    this.acceptor.recover(ctx);
    const { decided } = readDecided<string>(ctx.disk);
    const value = decided.get(0);
    if (value !== undefined) this.record(value);
    this.proposer.see(this.acceptor.promised);
    if (this.learned === undefined) ctx.setTimer('propose', this.config.proposeAfter);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'rejoin') return this.acceptor.onRejoinTimer(ctx);
    if (name !== 'propose' || this.learned !== undefined) return;
    if (this.proposer.phase !== 'idle') {
      // The round timed out (slow links or disks, lost messages): back off as for a Nack.
      this.proposer.losses++;
      this.config.stats.ballotsLost++;
    }
    this.proposer.see(this.acceptor.promised);
    const ballot = this.proposer.begin(ctx, !this.config.bugs.has('non-unique-ballots'));
    this.config.stats.ballotsStarted++;
    this.proposedAt = ctx.now();
    this.broadcast(ctx, { type: 'Prepare', ballot, fromSlot: 0 });
    ctx.setTimer('propose', this.proposer.backoff(this.config.backoff,
      this.config.randomizedBackoff));
  }

  onMessage(ctx: Ctx, from: NodeId, msg: PaxosMessage<string>): void {
    switch (msg.type) {
      case 'Prepare':
        this.proposer.see(msg.ballot);
        if (this.learned !== undefined && from !== ctx.id) {
          this.send(ctx, from, { type: 'Decide', entries: [{ slot: 0, value: this.learned }] });
        }
        this.acceptor.onPrepare(ctx, from, msg);
        return;
      case 'Accept':
        this.proposer.see(msg.ballot);
        this.acceptor.onAccept(ctx, from, msg);
        return;
      case 'Promise':
        return this.onPromise(ctx, from, msg.ballot, msg.accepted);
      case 'Accepted': {
        this.voteLog.push({ from, ballot: msg.ballot, slot: 0 });
        const value = this.learner.onAccepted(from, msg, quorum(ctx));
        if (value !== undefined) this.learn(ctx, value);
        return;
      }
      case 'Nack':
        return this.onNack(ctx, msg.ballot, msg.promised);
      case 'Decide':
        for (const entry of msg.entries) if (entry.slot === 0) this.learn(ctx, entry.value);
        return;
      case 'RejoinRequest':
        return this.acceptor.onRejoinRequest(ctx, from, msg.nonce);
      case 'RejoinReply':
        return this.acceptor.onRejoinReply(ctx, from, msg);
      case 'Heartbeat':
      case 'HeartbeatReply':
      case 'ClientRequest':
      case 'ClientReply':
        return; // Multi-Paxos and client traffic: not part of single-decree Paxos
      default:
        return assertNever(msg, 'message');
    }
  }

  private onPromise(ctx: Ctx, from: NodeId, ballot: Ballot,
    accepted: readonly AcceptedEntry<string>[]): void {
    if (this.proposer.phase === 'prepare' && compareBallots(ballot, this.proposer.ballot) === 0) {
      this.voteLog.push({ from, ballot });
    }
    const value = this.proposer.onPromise(from, ballot, accepted, quorum(ctx), ownValue(ctx.id),
      this.config.bugs.has('own-value'));
    if (value === undefined) return;
    ctx.note('role', { role: 'leader', ballot: formatBallot(ballot) });
    this.broadcast(ctx, { type: 'Accept', ballot, entries: [{ slot: 0, value }] });
  }

  private onNack(ctx: Ctx, ballot: Ballot, promised: Ballot): void {
    if (!this.proposer.onNack(ballot, promised)) return;
    this.config.stats.ballotsLost++;
    ctx.note('role', { role: 'follower', ballot: formatBallot(promised) });
    // With randomised backoff a lost ballot waits a fresh random time; with a fixed one the
    // proposer keeps its fixed retry period, the setting in which duels never end.
    if (this.learned !== undefined || !this.config.randomizedBackoff) return;
    ctx.setTimer('propose', this.proposer.backoff(this.config.backoff, true));
  }

  private learn(ctx: Ctx, value: string): void {
    if (this.learned !== undefined) return;
    this.record(value);
    writeDecided(ctx.disk, 0, value);
    ctx.disk.sync();
    ctx.note('decide', { slot: 0 });
    this.config.stats.noteDecided(0);
    if (this.proposer.phase === 'accept') {
      this.config.stats.latencies.push(ctx.now() - this.proposedAt);
    }
    ctx.cancelTimer('propose');
  }

  private record(value: string): void {
    this.learned = value;
    this.decisionLog.push({ slot: 0, ballot: { round: 0, node: '' }, value });
  }

  private send(ctx: Ctx, to: NodeId, msg: PaxosMessage<string>): void {
    this.config.stats.sent++;
    ctx.send(to, msg);
  }

  private broadcast(ctx: Ctx, msg: PaxosMessage<string>): void {
    for (const peer of ctx.servers) this.send(ctx, peer, msg);
  }
}

function quorum(ctx: Ctx): number {
  return Math.floor(ctx.servers.length / 2) + 1;
}
