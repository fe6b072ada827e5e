/**
 * A Multi-Paxos server: acceptor, replica (learner and executor) and would-be leader in one
 * sans-IO node. This file wires the roles together and dispatches messages and timers; the
 * leader's algorithm is in leader.ts, the acceptor's in acceptor.ts, the replica's in
 * replica.ts. See README.md for the algorithm in prose.
 *
 * Clients: only the leader proposes. Another server answers `not-leader`, with the leader it
 * follows as a hint: definitely (`fail`, recorded on disk first) once it knows the request
 * cannot take effect through it, else `unknown` (protocols/refusals.ts). Its horizon is the
 * slot after the last one it proposed a client command into, durable before the Accepts
 * leave (leader.ts, `propose`); once every slot below it has executed here, a command its
 * session table has not run never will through this server. The leader proposes a command
 * once per (client, seq), remembers which client waits for it, and answers when the command
 * is executed; the session table makes a command decided twice (a retry during a takeover)
 * run once. A leader refuses again what it refused before. With `reads: read-index` a get
 * takes no slot: it waits for a read round (leader.ts); with `batchDelay` writes wait for the
 * flush that proposes them together.
 */
import { assertNever, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import { scheduleFlush } from '../batching.js';
import { Acceptor } from './acceptor.js';
import { type Ballot, compareBallots, formatBallot, maxBallot, ZERO_BALLOT } from './ballot.js';
import {
  becomeCandidate, onAccepted, onFlush, onHeartbeatReply, onNack, onPromise, onRead,
  type PendingRead, propose, type Proposal, type Role, sendHeartbeats,
  serveReads, stepDown,
} from './leader.js';
import type { AcceptedEntry, Heartbeat, PaxosMessage } from './messages.js';
import type { PaxosStats } from './metrics.js';
import type { CountedVote } from './observer.js';
import { type Executed, Replica } from './replica.js';
import type { Command } from './stateMachine.js';
import { RefusalLedger } from '../refusals.js';

type Ctx = NodeContext<PaxosMessage<Command>>;

/** A Multi-Paxos bug switch. */
export type MultiPaxosBug = 'acceptor-forgets' | 'non-unique-ballots' | 'takeover-drops-accepted';

/** How the leader serves reads: through a read round (leader.ts) or in a slot like writes. */
export type MultiPaxosReads = 'read-index' | 'log';

/** What every server of one run shares: parameters and the run's counters. */
export interface MultiPaxosConfig {
  readonly leaderTimeout: readonly [number, number];
  readonly heartbeat: number;
  /** Batching: client commands collected for this long go out in one Accept (0: at once). */
  readonly batchDelay: number;
  readonly reads: MultiPaxosReads;
  readonly bugs: ReadonlySet<string>;
  readonly stats: PaxosStats;
}

/** One incarnation of a Multi-Paxos server. */
export class MultiPaxosNode implements NodeProgram<PaxosMessage<Command>> {
  readonly acceptor: Acceptor<Command>;
  readonly replica = new Replica();
  role: Role = 'follower';
  /** Our ballot while candidate or leader. */
  ballot: Ballot = ZERO_BALLOT;
  /** The highest ballot seen anywhere; a new candidacy goes one round above it. */
  seen: Ballot = ZERO_BALLOT;
  /** The leader we follow, for client hints. */
  leaderId: NodeId | undefined;
  readonly promises = new Map<NodeId, readonly AcceptedEntry<Command>[]>();
  fromSlot = 0;
  readonly proposals = new Map<number, Proposal>();
  nextSlot = 0;
  /** Batching: client commands waiting for the flush, and whether the flush timer is set. */
  readonly queued: Command[] = [];
  flushArmed = false;
  /** Reads waiting for a read round; the latest round; the highest round each peer answered. */
  pendingReads: PendingRead[] = [];
  readRound = 0;
  readonly roundAcks = new Map<NodeId, number>();
  /** While leading: when it took office, and when each peer last answered (local clock). */
  leadingSince = 0;
  readonly heardFrom = new Map<NodeId, number>();
  /** For the checkers: votes this incarnation counted towards a quorum. */
  readonly voteLog: CountedVote[] = [];
  /** Clients waiting for a command this leader proposed, by `client/seq`. */
  private readonly waiting = new Map<string, NodeId>();
  /**
   * Durable refusals, and the horizon: the slot after the last one this server proposed a
   * client command into (see the file comment). A damaged record: it never leads again.
   */
  readonly refusals = new RefusalLedger();

  /** For the checkers: this incarnation's decisions. */
  get decisionLog(): readonly AcceptedEntry<Command>[] {
    return this.replica.decisionLog;
  }

  /** For the checkers: slots in the order this incarnation executed them. */
  get executionLog(): readonly number[] {
    return this.replica.executionLog;
  }

  constructor(readonly config: MultiPaxosConfig) {
    this.acceptor = new Acceptor<Command>({ forgets: config.bugs.has('acceptor-forgets'),
      learners: (proposer) => [proposer], stats: config.stats });
  }

  start(ctx: Ctx): void {
    this.acceptor.recover(ctx);
    this.replica.recover(ctx);
    this.refusals.load(ctx.disk);
    if (this.refusals.damaged) ctx.note('quarantine', { reason: 'refusal record unreadable' });
    this.seen = this.acceptor.promised;
    ctx.note('role', { role: 'follower', ballot: formatBallot(this.seen) });
    ctx.setTimer('leader-timeout', this.config.leaderTimeout);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'leader-timeout') {
      // Lost refusals: it could run a request it promised a client never to run.
      if (this.refusals.damaged) return;
      return becomeCandidate(this, ctx);
    }
    if (name === 'heartbeat') return sendHeartbeats(this, ctx);
    if (name === 'flush') return onFlush(this, ctx);
    if (name === 'rejoin') return this.acceptor.onRejoinTimer(ctx);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: PaxosMessage<Command>): void {
    switch (msg.type) {
      case 'Prepare':
        return this.onBallot(ctx, from, msg.ballot, () => this.acceptor.onPrepare(ctx, from, msg),
          false);
      case 'Accept':
        return this.onBallot(ctx, from, msg.ballot, () => this.acceptor.onAccept(ctx, from, msg),
          true);
      case 'Promise':
        return onPromise(this, ctx, from, msg);
      case 'Accepted':
        return onAccepted(this, ctx, from, msg);
      case 'Nack':
        return onNack(this, ctx, msg);
      case 'Decide':
        for (const { slot, value } of msg.entries) this.learn(ctx, slot, value);
        return;
      case 'Heartbeat':
        return this.onHeartbeat(ctx, from, msg);
      case 'HeartbeatReply':
        return onHeartbeatReply(this, ctx, from, msg.executed, msg.ballot, msg.round);
      case 'RejoinRequest':
        return this.acceptor.onRejoinRequest(ctx, from, msg.nonce);
      case 'RejoinReply':
        return this.acceptor.onRejoinReply(ctx, from, msg);
      case 'ClientRequest':
        return this.onClientRequest(ctx, msg);
      case 'ClientReply':
        return; // servers are never clients
      default:
        return assertNever(msg, 'message');
    }
  }

  /** Sends a protocol message, counting it. */
  send(ctx: Ctx, to: NodeId, msg: PaxosMessage<Command>): void {
    this.config.stats.sent++;
    ctx.send(to, msg);
  }

  /** Sends to every server, this one included (a local, reliable delivery). */
  broadcast(ctx: Ctx, msg: PaxosMessage<Command>): void {
    for (const peer of ctx.servers) this.send(ctx, peer, msg);
  }

  /** Sends a protocol message once every write so far is durable, counting it. */
  sendAfterSync(ctx: Ctx, to: NodeId, msg: PaxosMessage<Command>): void {
    this.config.stats.sent++;
    ctx.sendAfterSync(to, msg);
  }

  /** Records a decision, runs what became ready and answers the clients waiting here. */
  learn(ctx: Ctx, slot: number, value: Command): void {
    this.config.stats.noteDecided(slot);
    for (const done of this.replica.decide(ctx, slot, value)) this.answer(ctx, done);
    if (this.pendingReads.length > 0) serveReads(this, ctx);
  }

  /** Tells every waiting client that its outcome is unknown (leadership lost). */
  abandonWaiting(ctx: Ctx): void {
    for (const [key, client] of this.waiting) {
      const seq = Number(key.slice(key.indexOf('/') + 1));
      ctx.send(client, { type: 'ClientReply', seq, outcome: 'unknown', error: 'leadership-lost' });
    }
    this.waiting.clear();
  }

  /**
   * Prepare or Accept: the acceptor answers; a higher ballot than ours ends our own candidacy
   * or leadership, and the one we voted for gets time before we time out ourselves.
   */
  private onBallot(ctx: Ctx, from: NodeId, ballot: Ballot, vote: () => boolean,
    fromLeader: boolean): void {
    this.seen = maxBallot(this.seen, ballot);
    if (from !== ctx.id && compareBallots(ballot, this.ballot) > 0) {
      stepDown(this, ctx, `${from} runs ${formatBallot(ballot)}`);
    }
    if (!vote() || from === ctx.id) return;
    // Only an Accept comes from a leader; a Prepare's sender is a mere candidate, and hinting
    // clients towards candidates sends them round in circles.
    if (fromLeader) this.leaderId = from;
    else if (this.leaderId !== undefined && this.leaderId !== from) this.leaderId = undefined;
    if (this.role === 'follower') ctx.setTimer('leader-timeout', this.config.leaderTimeout);
  }

  private onHeartbeat(ctx: Ctx, from: NodeId, msg: Heartbeat): void {
    if (compareBallots(msg.ballot, this.acceptor.promised) < 0) {
      this.send(ctx, from, { type: 'Nack', ballot: msg.ballot, promised: this.acceptor.promised });
      return;
    }
    this.seen = maxBallot(this.seen, msg.ballot);
    if (compareBallots(msg.ballot, this.ballot) > 0) stepDown(this, ctx, `${from} leads`);
    if (this.role !== 'follower') return;
    this.leaderId = from;
    ctx.setTimer('leader-timeout', this.config.leaderTimeout);
    // An acceptor rebuilding lost records may have promised more than it knows: it confirms
    // no read round (round 0) until it has rejoined.
    this.send(ctx, from, { type: 'HeartbeatReply', ballot: msg.ballot,
      executed: this.replica.executed, round: this.acceptor.voting ? msg.round : 0 });
  }

  /** The leader proposes; any other server redirects the client. */
  private onClientRequest(ctx: Ctx, msg: ClientRequest): void {
    if (this.role !== 'leader') return this.redirect(ctx, msg);
    const answered = this.replica.machine.answered(msg.client, msg.seq);
    if (answered === 'stale') return; // the client moved on long ago
    if (answered !== undefined) return this.reply(ctx, msg.client, msg.seq, answered);
    if (this.refusals.refusedEarlier(msg.client, msg.seq)) {
      // We refused this request definitely: a duplicate of it that arrives now that we lead
      // must not run, nor a retry (the refusal is on disk, so this holds across crashes).
      ctx.send(msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'refused-earlier' });
      return;
    }
    if (msg.op.f === 'get' && this.config.reads === 'read-index') {
      return onRead(this, ctx, msg.client, msg.seq, msg.op.key ?? '');
    }
    const key = `${msg.client}/${msg.seq}`;
    const proposed = this.waiting.has(key);
    this.waiting.set(key, msg.client);
    if (proposed) return; // already in a slot (or queued for one): answered when it runs
    const command: Command = { kind: 'client', client: msg.client, seq: msg.seq, op: msg.op };
    if (this.config.batchDelay > 0) {
      this.queued.push(command);
      return scheduleFlush(this, ctx);
    }
    propose(this, ctx, [{ slot: this.nextSlot++, value: command }]);
  }

  /**
   * Not the leader: `not-leader`, with the leader we follow as a hint when we know one
   * (without a hint the client tries the next server at once). Definite only when it is
   * true (see the file comment): this server may have proposed the command while it led
   * (fuzz paxos seed 1, run 91; seed 5, run 49), and then only the decisions up to its
   * horizon tell whether it runs.
   */
  private redirect(ctx: Ctx, msg: ClientRequest): void {
    const hint = this.leaderId !== undefined && this.leaderId !== ctx.id ? this.leaderId : undefined;
    const { reply, afterSync } = this.refusals.answer(ctx.disk, msg, {
      ran: () => {
        const answered = this.replica.machine.answered(msg.client, msg.seq);
        return answered === 'stale' ? 'unknown' : answered;
      },
      settled: (slots) => this.replica.executed >= slots,
    }, { error: 'not-leader', ...(hint === undefined ? {} : { leaderHint: hint }) });
    if (afterSync) ctx.sendAfterSync(msg.client, reply);
    else ctx.send(msg.client, reply);
  }

  private answer(ctx: Ctx, done: Executed): void {
    if (done.command.kind !== 'client' || done.execution.kind === 'noop') return;
    const key = `${done.command.client}/${done.command.seq}`;
    const client = this.waiting.get(key);
    if (client === undefined) return;
    this.waiting.delete(key);
    const execution = done.execution;
    if (execution.kind === 'applied' || execution.kind === 'duplicate') {
      this.reply(ctx, client, done.command.seq, execution.answer);
    }
  }

  private reply(ctx: Ctx, client: NodeId, seq: number,
    answer: { outcome: 'ok'; result: unknown } | { outcome: 'fail'; error: string }): void {
    ctx.send(client, answer.outcome === 'ok'
      ? { type: 'ClientReply', seq, outcome: 'ok', result: answer.result }
      : { type: 'ClientReply', seq, outcome: 'fail', error: answer.error });
  }
}
