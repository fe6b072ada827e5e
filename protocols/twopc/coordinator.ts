/**
 * The coordinator (n1). It turns a client's request into a transaction, sends each participant
 * its `Prepare`, collects votes and decides: commit iff every participant voted yes, abort on a
 * no vote or when the vote timer fires first. Presumed abort (Mohan, Lindsay & Obermarck 1986):
 * a commit is logged and made durable before any participant or client hears of it; an abort
 * needs no log record before it is sent, because a coordinator that finds no record of a
 * transaction answers "abort". The coordinator resends a commit until every participant has
 * acknowledged it, then logs `end` and may forget it.
 *
 * Each incarnation logs a new epoch and serves only once it is durable; transaction ids carry
 * it (`t<epoch>.<client>.<seq>`), so a transaction begun before a crash is never begun again:
 * the restarted coordinator presumes it aborted. Outcomes are logged with the client's
 * sequence number so that a retried request is answered from the log, and a `fail` reply (a
 * definite abort) goes out only after the abort record is durable: a stale copy of that
 * request arriving after a restart is then recognised and ignored.
 *
 * Under Paxos Commit the coordinator is the initial leader: it sends the Prepares and learns
 * the decision from the acceptors' Phase2b messages; if votes are slow it runs a recovery
 * ballot instead of deciding alone.
 */
import type { ClientReply, ClientRequest } from '../../sim/check/clientProtocol.js';
import type { ClientOperation, NodeContext, NodeId } from '../../sim/index.js';
import { splitWork } from './accounts.js';
import type { Decision, MessageOf, TwoPcMessage } from './messages.js';
import type { TwoPcParams } from './params.js';
import type { Proposer } from './paxosCommit.js';
import { recoverWal, Wal } from './wal.js';

type Ctx = NodeContext<TwoPcMessage>;

/** Why the coordinator decided what it did (AC4 reads it). */
export type DecisionReason = 'all-yes' | 'vote-no' | 'vote-timeout' | 'presumed' | 'learned' |
  'recovered';

/** A coordinator decision, as checkers observe it. */
export interface CoordinatorDecision {
  readonly tx: string;
  readonly decision: Decision;
  readonly reason: DecisionReason;
  readonly participants: readonly NodeId[];
}

/** A coordinator log record. */
export type CoordinatorRecord =
  | { readonly type: 'epoch'; readonly epoch: number }
  | { readonly type: 'outcome'; readonly tx: string; readonly decision: Decision;
      readonly participants: readonly NodeId[]; readonly client: NodeId; readonly seq: number;
      readonly result: unknown;
      /** A read-all committed without every participant's reads: its answer was `unknown`. */
      readonly readsLost?: true }
  | { readonly type: 'end'; readonly tx: string };

function isCoordinatorRecord(value: unknown): value is CoordinatorRecord {
  const r = value as { type?: unknown } | null;
  return typeof r === 'object' && r !== null &&
    (r.type === 'epoch' || r.type === 'outcome' || r.type === 'end');
}

interface ActiveTx {
  readonly tx: string;
  readonly client: NodeId;
  readonly seq: number;
  readonly op: ClientOperation;
  readonly participants: readonly NodeId[];
  readonly votes: Map<NodeId, boolean>;
  readonly reads: Record<string, number>;
  /** Paxos Commit: the decision, learned before every participant's reads arrived. */
  learned?: Decision;
}

interface Session {
  readonly seq: number;
  readonly tx: string;
  reply: ClientReply | undefined;
}

/** What the coordinator needs to know of its cluster. */
export interface CoordinatorConfig {
  readonly participants: readonly NodeId[];
  readonly params: TwoPcParams;
  readonly proposer?: Proposer;
}

/** The coordinator role. */
export class Coordinator {
  /** Decisions of this incarnation (recovered ones first), for checkers. */
  readonly decisions: CoordinatorDecision[] = [];
  /** Transactions begun and not decided. */
  readonly active = new Map<string, ActiveTx>();
  /** Commits not yet acknowledged by every participant: who has not. */
  readonly unacknowledged = new Map<string, Set<NodeId>>();
  epoch = 0;
  ready = false;
  halted = false;
  private readonly outcomes = new Map<string, Decision>();
  /** Commits decided whose record is not yet durable. */
  private readonly unlogged = new Map<string, CoordinatorDecision>();
  /** Local time each unacknowledged commit was decided; recovered ones are not in it. */
  private readonly committedAt = new Map<string, number>();
  private resendArmed = false;
  private readonly sessions = new Map<NodeId, Session>();
  private wal: Wal<CoordinatorRecord> | undefined;

  constructor(private readonly config: CoordinatorConfig) {}

  private get paxos(): boolean {
    return this.config.params.variant === 'paxos-commit';
  }

  start(ctx: Ctx): void {
    const recovered = recoverWal(ctx.disk, 'coordinator', isCoordinatorRecord);
    this.halted = recovered.lost;
    this.wal = new Wal(ctx.disk, 'coordinator', recovered.next);
    const ended = new Set<string>();
    for (const record of recovered.records) {
      if (record.type === 'epoch') this.epoch = Math.max(this.epoch, record.epoch);
      if (record.type === 'end') ended.add(record.tx);
    }
    for (const record of recovered.records) {
      if (record.type !== 'outcome') continue;
      this.remember(record.tx, record.decision, 'recovered', record.participants);
      // The answer the client was given, again: a read-all that lost reads stays unknown
      // (faultline fuzz twopc --seed 4242, run 6349: a restarted coordinator answered a retry
      // with one participant's accounts as the whole bank;
      // scenarios/twopc/read-all-retry-after-restart.yaml).
      const reply: ClientReply = record.readsLost === true ? { type: 'ClientReply',
        seq: record.seq, outcome: 'unknown', error: 'reads-lost' }
        : replyFor(record.seq, record.decision, record.result);
      this.sessions.set(record.client, { seq: record.seq, tx: record.tx, reply });
      if (record.decision === 'commit' && !ended.has(record.tx) && !this.paxos) {
        this.unacknowledged.set(record.tx, new Set(record.participants));
      }
    }
    if (this.halted) return ctx.note('halted', { reason: 'a log record is lost in both copies' });
    this.epoch++;
    this.wal.append({ type: 'epoch', epoch: this.epoch });
    ctx.sendAfterSync(ctx.id, { type: 'EpochDurable', epoch: this.epoch });
    if (this.unacknowledged.size > 0) this.armResend(ctx, 0);
  }

  onEpochDurable(ctx: Ctx, msg: MessageOf<'EpochDurable'>): void {
    if (msg.epoch !== this.epoch) return;
    this.ready = true;
    ctx.note('ready', { epoch: this.epoch });
  }

  onClientRequest(ctx: Ctx, from: NodeId, msg: ClientRequest): void {
    if (this.halted) return;
    if (!this.ready) {
      return ctx.send(from, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'unavailable' });
    }
    const session = this.sessions.get(msg.client);
    if (session !== undefined && msg.seq < session.seq) return; // a stale copy: long answered
    if (session !== undefined && msg.seq === session.seq) {
      if (session.reply !== undefined) ctx.send(from, session.reply);
      return; // in progress: the reply goes out when it is decided
    }
    const work = splitWork(msg.op, this.config.participants, this.config.params.accounts);
    if (work === undefined) {
      return ctx.send(from, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'bad-operation' });
    }
    const tx = `t${this.epoch}.${msg.client}.${msg.seq}`;
    const participants = [...work.keys()];
    this.sessions.set(msg.client, { seq: msg.seq, tx, reply: undefined });
    this.active.set(tx, { tx, client: msg.client, seq: msg.seq, op: msg.op, participants,
      votes: new Map(), reads: {} });
    ctx.note('begin', { tx, participants });
    for (const [participant, w] of work) {
      ctx.send(participant, { type: 'Prepare', tx, participants, work: w });
    }
    ctx.setTimer(`vote:${tx}`, this.config.params.voteTimeout);
  }

  onVote(ctx: Ctx, from: NodeId, msg: MessageOf<'Vote'>): void {
    const active = this.active.get(msg.tx);
    if (active === undefined) {
      const decision = this.outcomes.get(msg.tx);
      if (decision !== undefined && !this.paxos) this.tell(ctx, from, msg.tx, decision);
      return;
    }
    active.votes.set(from, msg.yes);
    Object.assign(active.reads, msg.reads);
    if (this.paxos) {
      // Under Paxos Commit the acceptors decide; votes bring the reads a read-all returns.
      if (active.learned !== undefined && this.votesIn(active)) {
        this.decide(ctx, active, active.learned, 'learned');
      }
      return;
    }
    if (!msg.yes) return this.decide(ctx, active, 'abort', 'vote-no');
    if (active.participants.every((p) => active.votes.get(p) === true)) {
      this.decide(ctx, active, 'commit', 'all-yes');
    }
  }

  onVoteTimeout(ctx: Ctx, tx: string): void {
    const active = this.active.get(tx);
    if (active === undefined) return;
    if (this.config.proposer === undefined) {
      return this.decide(ctx, active, 'abort', 'vote-timeout');
    }
    if (active.learned !== undefined) return this.decide(ctx, active, active.learned, 'learned');
    const timeout = this.config.params.voteTimeout;
    ctx.setTimer(`vote:${tx}`, [timeout, 2 * timeout]);
    this.config.proposer.begin(ctx, tx, active.participants);
  }

  /** Paxos Commit: the learner knows the decision. */
  onLearned(ctx: Ctx, tx: string, decision: Decision, participants: readonly NodeId[]): void {
    const active = this.active.get(tx);
    if (active !== undefined) {
      if (decision === 'abort' || this.votesIn(active)) {
        return this.decide(ctx, active, decision, 'learned');
      }
      active.learned = decision; // wait a vote timeout for the reads
      return;
    }
    if (!this.outcomes.has(tx)) this.remember(tx, decision, 'learned', participants);
  }

  private votesIn(active: ActiveTx): boolean {
    return active.op.f !== 'read-all' || active.participants.every((p) => active.votes.has(p));
  }

  /**
   * Decides an active transaction: logs, then tells participants and the client. A commit
   * counts as decided (for checkers) once durable, or once sent if the bug sends it first.
   */
  private decide(ctx: Ctx, active: ActiveTx, decision: Decision, reason: DecisionReason): void {
    const { tx, participants } = active;
    const early = this.config.params.bugs.includes('decision-not-logged');
    this.active.delete(tx);
    ctx.cancelTimer(`vote:${tx}`);
    this.outcomes.set(tx, decision);
    if (decision === 'abort' || early || this.paxos) {
      this.remember(tx, decision, reason, participants);
    } else {
      this.unlogged.set(tx, { tx, decision, reason, participants });
    }
    ctx.note('decide', { tx, decision, reason });
    const result = decision === 'abort' ? null
      : active.op.f === 'read-all' ? { ...active.reads } : active.op.value;
    const reply: ClientReply = decision === 'commit' && !this.votesIn(active)
      ? { type: 'ClientReply', seq: active.seq, outcome: 'unknown', error: 'reads-lost' }
      : replyFor(active.seq, decision, result);
    const session = this.sessions.get(active.client);
    if (session?.tx === tx) session.reply = reply;
    const record = { type: 'outcome' as const, tx, decision, participants, client: active.client,
      seq: active.seq, result,
      ...(reply.outcome === 'unknown' ? { readsLost: true as const } : {}) };
    const tell = (to: NodeId) => ctx.send(to, { type: 'Decision', tx, decision });
    if (decision === 'commit' && early) {
      // The bug: the decision leaves before it is on disk.
      if (!this.paxos) participants.forEach(tell);
      ctx.send(active.client, reply);
      (this.wal as Wal<CoordinatorRecord>).append(record);
      ctx.disk.sync();
    } else {
      (this.wal as Wal<CoordinatorRecord>).append(record);
      // Presumed abort: an abort may leave at once; a commit only once it is durable.
      if (!this.paxos && decision === 'abort') participants.forEach(tell);
      if (!this.paxos && decision === 'commit') {
        for (const p of participants) ctx.sendAfterSync(p, { type: 'Decision', tx, decision });
      }
      ctx.sendAfterSync(active.client, reply);
      if (this.unlogged.has(tx)) ctx.sendAfterSync(ctx.id, { type: 'DecisionDurable', tx });
    }
    if (decision === 'commit' && !this.paxos) {
      this.unacknowledged.set(tx, new Set(participants));
      this.committedAt.set(tx, ctx.now());
      this.armResend(ctx, this.config.params.resendInterval);
    }
  }

  /** Arms the resend timer unless it is pending (re-setting it would postpone it forever). */
  private armResend(ctx: Ctx, after: number): void {
    if (this.resendArmed) return;
    this.resendArmed = true;
    ctx.setTimer('resend', after);
  }

  onDecisionDurable(msg: MessageOf<'DecisionDurable'>): void {
    const decided = this.unlogged.get(msg.tx);
    if (decided === undefined) return;
    this.unlogged.delete(msg.tx);
    this.decisions.push(decided);
  }

  private remember(tx: string, decision: Decision, reason: DecisionReason,
    participants: readonly NodeId[]): void {
    this.outcomes.set(tx, decision);
    this.decisions.push({ tx, decision, reason, participants });
  }

  onAck(_ctx: Ctx, from: NodeId, msg: MessageOf<'Ack'>): void {
    const waiting = this.unacknowledged.get(msg.tx);
    if (waiting === undefined) return; // a duplicate after `end`
    waiting.delete(from);
    if (waiting.size > 0) return;
    this.unacknowledged.delete(msg.tx);
    this.committedAt.delete(msg.tx);
    (this.wal as Wal<CoordinatorRecord>).append({ type: 'end', tx: msg.tx });
  }

  /** Resends commits unacknowledged for a resend interval (recovered ones at once). */
  onResendTimeout(ctx: Ctx): void {
    this.resendArmed = false;
    const interval = this.config.params.resendInterval;
    for (const [tx, waiting] of this.unacknowledged) {
      if (ctx.now() - (this.committedAt.get(tx) ?? -Infinity) < interval) continue;
      for (const p of waiting) this.tell(ctx, p, tx, 'commit');
    }
    if (this.unacknowledged.size > 0) this.armResend(ctx, interval);
  }

  /** Cooperative termination: a participant asks. No record means abort (presumed abort). */
  onDecisionRequest(ctx: Ctx, from: NodeId, msg: MessageOf<'DecisionRequest'>): void {
    if (this.halted || !this.ready || this.active.has(msg.tx)) return;
    let decision = this.outcomes.get(msg.tx);
    if (decision === undefined) {
      decision = 'abort';
      this.remember(msg.tx, decision, 'presumed', []);
      ctx.note('decide', { tx: msg.tx, decision, presumed: true });
    }
    this.tell(ctx, from, msg.tx, decision);
  }

  /**
   * Tells a participant a decision made earlier (a duplicate vote, a resend, a question). A
   * commit whose record is not durable yet leaves only once it is: sent before, it could
   * outlive a crash that loses the record, after which this coordinator presumes abort
   * (faultline fuzz twopc --seed 20261207, run 1561: a duplicated vote answered with the
   * commit before its fsync failed; scenarios/twopc/duplicate-vote-before-decision-sync.yaml).
   */
  private tell(ctx: Ctx, to: NodeId, tx: string, decision: Decision): void {
    const message = { type: 'Decision' as const, tx, decision };
    if (decision === 'commit' && this.unlogged.has(tx)) ctx.sendAfterSync(to, message);
    else ctx.send(to, message);
  }
}

function replyFor(seq: number, decision: Decision, result: unknown): ClientReply {
  return decision === 'commit'
    ? { type: 'ClientReply', seq, outcome: 'ok', result }
    : { type: 'ClientReply', seq, outcome: 'fail', error: 'aborted' };
}
