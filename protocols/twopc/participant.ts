/**
 * The participant (a resource manager holding accounts). On `Prepare` it votes: no when a lock
 * is held by another transaction (no-wait locking, so there are no deadlocks), when a transfer
 * would overdraw an account, or when an injected refusal (`noVoteRate`) says so — a participant
 * may abort on its own until it votes yes. A yes vote is logged as `prepared` (with the locks
 * taken) and sent only once that record is durable (`sendAfterSync`). From then on the
 * participant is blocked: it must hold its locks until it learns the decision.
 *
 * Learning the decision: under 2PC from a `Decision` message, from the coordinator or, through
 * the cooperative termination protocol, from another participant it asks with
 * `DecisionRequest` when its decision timer fires (Bernstein et al. 1987, section 7.4). A
 * participant asked about a transaction it never voted on aborts it on the spot: it has not
 * promised anything. Under Paxos Commit the vote is a Phase2a at ballot 0 to the acceptors,
 * the decision is learned from their Phase2b messages, and a participant whose timer fires
 * runs a recovery ballot itself.
 */
import type { NodeContext, NodeId } from '../../sim/index.js';
import type { Decision, MessageOf, TwoPcMessage, Work } from './messages.js';
import type { TwoPcParams } from './params.js';
import { type ResourceRecord, ResourceState, isResourceRecord, type Write } from './resource.js';
import type { Proposer } from './paxosCommit.js';
import { recoverWal, Wal } from './wal.js';

type Ctx = NodeContext<TwoPcMessage>;

/** What a participant needs to know of its cluster. */
export interface ParticipantConfig {
  readonly coordinator: NodeId;
  readonly acceptors: readonly NodeId[];
  readonly accounts: readonly string[];
  readonly params: TwoPcParams;
  /** The recovery proposer under Paxos Commit. */
  readonly proposer?: Proposer;
}

/** The participant role of one server. */
export class Participant {
  state: ResourceState;
  /** Votes cast in this incarnation, for checkers (AC3). */
  readonly votes: { readonly tx: string; readonly yes: boolean }[] = [];
  /** Prepared transactions whose record is durable and whose decision is unknown: blocked. */
  readonly waiting = new Set<string>();
  /**
   * How many of `state.decisions` are durable. A decision counts (for AC1/AC2) once its
   * record is on disk: before that no one has heard of it and a crash undoes it.
   */
  durableDecisions = 0;
  halted = false;
  private wal: Wal<ResourceRecord> | undefined;

  constructor(private readonly config: ParticipantConfig) {
    this.state = new ResourceState(config.accounts, config.params.initialBalance);
  }

  private get paxos(): boolean {
    return this.config.params.variant === 'paxos-commit';
  }

  private has(bug: TwoPcParams['bugs'][number]): boolean {
    return this.config.params.bugs.includes(bug);
  }

  start(ctx: Ctx): void {
    const recovered = recoverWal(ctx.disk, 'rm', isResourceRecord);
    this.halted = recovered.lost;
    if (this.halted) ctx.note('halted', { reason: 'a log record is lost in both copies' });
    this.wal = new Wal(ctx.disk, 'rm', recovered.next);
    this.state = ResourceState.replay(recovered.records, this.config.accounts,
      this.config.params.initialBalance);
    this.durableDecisions = this.state.decisions.length;
    // Prepared records read back are durable: these transactions are blocked again.
    for (const tx of this.state.prepared) {
      this.waiting.add(tx);
      ctx.setTimer(`decide:${tx}`, [0, this.config.params.decisionTimeout]);
    }
  }

  onPrepare(ctx: Ctx, from: NodeId, msg: MessageOf<'Prepare'>): void {
    if (this.halted) return;
    const known = this.state.txs.get(msg.tx);
    if (known !== undefined) {
      // A repeated Prepare gets the vote given before: yes iff it was prepared here (an entry
      // without participants was decided without a vote). Under Paxos Commit this keeps one
      // value per ballot 0 even after the participant learned an abort.
      const yes = known.participants.length > 0;
      return this.castVote(ctx, msg.tx, yes, known.reads, msg.participants);
    }
    const refusal = this.refusal(ctx, msg.tx, msg.work);
    if (refusal !== undefined) {
      ctx.note('refuse', { tx: msg.tx, reason: refusal });
      this.decide(ctx, msg.tx, 'abort');
      return this.castVote(ctx, msg.tx, false, {}, msg.participants);
    }
    const writes: Write[] = msg.work.deltas.map(({ account, amount }) => {
      const before = this.state.balances.get(account) as number;
      return { account, before, after: before + amount };
    });
    const reads = Object.fromEntries(
      msg.work.reads.map((a) => [a, this.state.balances.get(a) as number]));
    const record = { type: 'prepared' as const, tx: msg.tx, participants: msg.participants,
      writes, reads };
    if (this.has('vote-before-log')) {
      this.castVote(ctx, msg.tx, true, reads, msg.participants, false); // the bug
    }
    this.log(record);
    this.state.prepare(record);
    if (!this.has('vote-before-log')) this.castVote(ctx, msg.tx, true, reads, msg.participants);
    ctx.sendAfterSync(ctx.id, { type: 'PreparedDurable', tx: msg.tx });
  }

  /** Why this participant votes no, or undefined to vote yes. */
  private refusal(ctx: Ctx, tx: string, work: Work): string | undefined {
    const accounts = [...work.deltas.map((d) => d.account), ...work.reads];
    if (!accounts.every((a) => this.state.balances.has(a))) return 'not-mine';
    if (!this.state.canLock(tx, accounts)) return 'locked';
    if (work.deltas.some((d) => (this.state.balances.get(d.account) as number) + d.amount < 0)) {
      return 'overdraft';
    }
    return ctx.prng.chance(this.config.params.noVoteRate) ? 'refused' : undefined;
  }

  /** Sends a vote; a yes vote waits for the prepared record unless `durable` is false (bug). */
  private castVote(ctx: Ctx, tx: string, yes: boolean, reads: Readonly<Record<string, number>>,
    participants: readonly NodeId[], durable = true): void {
    this.votes.push({ tx, yes });
    ctx.note('vote', { tx, yes });
    const send = (to: NodeId, msg: TwoPcMessage) =>
      durable ? ctx.sendAfterSync(to, msg) : ctx.send(to, msg);
    send(this.config.coordinator, { type: 'Vote', tx, yes, reads });
    if (!this.paxos) return;
    const values = { [ctx.id]: yes ? 'prepared' as const : 'aborted' as const };
    for (const acceptor of this.config.acceptors) {
      send(acceptor, { type: 'Phase2a', tx, ballot: 0, participants, values });
    }
  }

  onPreparedDurable(ctx: Ctx, msg: MessageOf<'PreparedDurable'>): void {
    if (!this.state.prepared.has(msg.tx)) return; // decided before its record was durable
    this.waiting.add(msg.tx);
    ctx.note('prepared', { tx: msg.tx });
    ctx.setTimer(`decide:${msg.tx}`, this.config.params.decisionTimeout);
  }

  /** A decision from the coordinator, a peer, or the learner. */
  learn(ctx: Ctx, from: NodeId, tx: string, decision: Decision): void {
    if (this.halted) return;
    const entry = this.state.txs.get(tx);
    if (entry === undefined || entry.state === 'prepared') this.decide(ctx, tx, decision);
    else if (entry.state !== (decision === 'commit' ? 'committed' : 'aborted')) {
      ctx.note('conflicting-decision', { tx, kept: entry.state, offered: decision, from });
      return;
    }
    if (decision === 'commit' && !this.paxos) {
      ctx.sendAfterSync(this.config.coordinator, { type: 'Ack', tx });
    }
  }

  private decide(ctx: Ctx, tx: string, decision: Decision): void {
    this.log({ type: 'decided', tx, decision });
    this.state.decide(tx, decision);
    this.waiting.delete(tx);
    ctx.cancelTimer(`decide:${tx}`);
    ctx.note('decide', { tx, decision });
    ctx.sendAfterSync(ctx.id, { type: 'DecisionDurable', tx });
  }

  onDecisionDurable(): void {
    this.durableDecisions = Math.min(this.durableDecisions + 1, this.state.decisions.length);
  }

  /** Cooperative termination: answer what is known; abort what was never voted on. */
  onDecisionRequest(ctx: Ctx, from: NodeId, msg: MessageOf<'DecisionRequest'>): void {
    if (this.halted) return;
    const entry = this.state.txs.get(msg.tx);
    if (entry?.state === 'prepared') return; // uncertain too: nothing to tell
    if (entry === undefined) this.decide(ctx, msg.tx, 'abort');
    const decision = this.state.txs.get(msg.tx)?.state === 'committed' ? 'commit' : 'abort';
    ctx.sendAfterSync(from, { type: 'Decision', tx: msg.tx, decision });
  }

  /** The decision timer of a prepared transaction. */
  onDecisionTimeout(ctx: Ctx, tx: string): void {
    const entry = this.state.txs.get(tx);
    if (this.halted || entry?.state !== 'prepared') return;
    if (this.has('commit-on-timeout')) {
      ctx.note('unilateral-commit', { tx });
      return this.decide(ctx, tx, 'commit');
    }
    const timeout = this.config.params.decisionTimeout;
    ctx.setTimer(`decide:${tx}`, [timeout, Math.floor((timeout * 3) / 2)]);
    if (this.config.proposer !== undefined) {
      return this.config.proposer.begin(ctx, tx, entry.participants);
    }
    const others = [this.config.coordinator, ...entry.participants.filter((p) => p !== ctx.id)];
    for (const to of others) ctx.send(to, { type: 'DecisionRequest', tx });
  }

  private log(record: ResourceRecord): void {
    (this.wal as Wal<ResourceRecord>).append(record);
  }
}
