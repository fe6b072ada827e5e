/**
 * Paxos Commit's three parts (Gray & Lamport, "Consensus on Transaction Commit", 2006): one
 * Paxos instance per participant decides whether that participant is `prepared` or `aborted`;
 * the transaction commits iff every instance chose `prepared`.
 *
 * - `Acceptor` (servers n1..n(2F+1)): promises ballots (Phase1a -> Phase1b) and accepts values
 *   (Phase2a -> Phase2b), logging both before it answers. Ballot 0 of an instance belongs to its
 *   participant, which sends its vote as a Phase2a at ballot 0 without a phase 1 (section 4.1).
 *   A promise covers every instance of the transaction (the bundling of section 4.3); a
 *   Phase1a is promised only with a ballot strictly above the promise, so a proposer that
 *   restarts and reuses a ballot cannot gather a second majority for it.
 * - `Learner` (the coordinator and every participant): an instance's value is chosen once F+1
 *   acceptors accepted it in one ballot.
 * - `Proposer` (anyone that times out waiting: the coordinator for votes, a participant for
 *   the decision): runs phase 1 with a fresh ballot and proposes, per instance, the value
 *   accepted in the highest ballot, or `aborted` for an instance where none was accepted. This
 *   is what makes the protocol non-blocking: no single node's crash stops a decision.
 *
 * Ballots: recovery ballot k*64 + i for node index i (1-based, < 64), k >= 1.
 */
import { assert } from '../../sim/index.js';
import type { NodeContext, NodeId } from '../../sim/index.js';
import type { Accepted, Decision, InstanceValue, MessageOf, TwoPcMessage } from './messages.js';
import { recoverWal, Wal } from './wal.js';

type Ctx = NodeContext<TwoPcMessage>;

/** An acceptor's log record. */
export type AcceptorRecord =
  | { readonly type: 'promise'; readonly tx: string; readonly ballot: number }
  | { readonly type: 'accept'; readonly tx: string; readonly ballot: number;
      readonly values: Readonly<Record<NodeId, InstanceValue>> };

function isAcceptorRecord(value: unknown): value is AcceptorRecord {
  const r = value as { type?: unknown; tx?: unknown; ballot?: unknown } | null;
  return typeof r === 'object' && r !== null && typeof r.tx === 'string' &&
    typeof r.ballot === 'number' && (r.type === 'promise' || r.type === 'accept');
}

interface AcceptorTx {
  promised: number;
  accepted: Record<NodeId, Accepted>;
}

/** The acceptor role. */
export class Acceptor {
  readonly txs = new Map<string, AcceptorTx>();
  halted = false;
  private wal: Wal<AcceptorRecord> | undefined;

  constructor(private readonly learners: (participants: readonly NodeId[]) => NodeId[]) {}

  start(ctx: Ctx): void {
    const recovered = recoverWal(ctx.disk, 'acceptor', isAcceptorRecord);
    this.halted = recovered.lost;
    this.wal = new Wal(ctx.disk, 'acceptor', recovered.next);
    for (const record of recovered.records) this.apply(record);
  }

  onPhase1a(ctx: Ctx, from: NodeId, msg: MessageOf<'Phase1a'>): void {
    if (this.halted) return;
    const state = this.txOf(msg.tx);
    if (msg.ballot <= state.promised) {
      return ctx.send(from, { type: 'Nack', tx: msg.tx, promised: state.promised });
    }
    this.log({ type: 'promise', tx: msg.tx, ballot: msg.ballot });
    ctx.sendAfterSync(from, { type: 'Phase1b', tx: msg.tx, ballot: msg.ballot,
      accepted: { ...state.accepted } });
  }

  onPhase2a(ctx: Ctx, from: NodeId, msg: MessageOf<'Phase2a'>): void {
    if (this.halted) return;
    const state = this.txOf(msg.tx);
    if (msg.ballot < state.promised) {
      return ctx.send(from, { type: 'Nack', tx: msg.tx, promised: state.promised });
    }
    this.log({ type: 'accept', tx: msg.tx, ballot: msg.ballot, values: msg.values });
    const reply = { type: 'Phase2b' as const, tx: msg.tx, ballot: msg.ballot,
      participants: msg.participants, values: msg.values };
    for (const learner of this.learners(msg.participants)) ctx.sendAfterSync(learner, reply);
  }

  private log(record: AcceptorRecord): void {
    (this.wal as Wal<AcceptorRecord>).append(record);
    this.apply(record);
  }

  private apply(record: AcceptorRecord): void {
    const state = this.txOf(record.tx);
    if (record.type === 'promise') {
      assert(record.ballot > state.promised,
        `promise ${record.ballot} not above ${state.promised}`);
      state.promised = record.ballot;
      return;
    }
    assert(record.ballot >= state.promised, `accept ${record.ballot} below ${state.promised}`);
    state.promised = record.ballot;
    for (const [rm, value] of Object.entries(record.values)) {
      state.accepted[rm] = { ballot: record.ballot, value };
    }
  }

  private txOf(tx: string): AcceptorTx {
    let state = this.txs.get(tx);
    if (state === undefined) this.txs.set(tx, (state = { promised: 0, accepted: {} }));
    return state;
  }
}

/** The learner role: counts Phase2b messages per instance and ballot. */
export class Learner {
  private readonly votes = new Map<string, Map<string, Set<NodeId>>>();
  private readonly chosen = new Map<string, Map<NodeId, InstanceValue>>();
  private readonly decided = new Set<string>();

  constructor(private readonly quorum: number) {}

  /** Counts a Phase2b; returns the transaction's decision the first time it is known. */
  onPhase2b(from: NodeId, msg: MessageOf<'Phase2b'>): Decision | undefined {
    let votes = this.votes.get(msg.tx);
    if (votes === undefined) this.votes.set(msg.tx, (votes = new Map()));
    let chosen = this.chosen.get(msg.tx);
    if (chosen === undefined) this.chosen.set(msg.tx, (chosen = new Map()));
    for (const [rm, value] of Object.entries(msg.values)) {
      const key = `${rm} ${msg.ballot} ${value}`;
      let from2b = votes.get(key);
      if (from2b === undefined) votes.set(key, (from2b = new Set()));
      from2b.add(from);
      // Paxos chooses one value per instance; if a bug broke that, the first one stands.
      if (from2b.size >= this.quorum && !chosen.has(rm)) chosen.set(rm, value);
    }
    if (this.decided.has(msg.tx)) return undefined;
    const values = msg.participants.map((p) => chosen.get(p));
    const decision: Decision | undefined = values.includes('aborted') ? 'abort'
      : values.every((v) => v === 'prepared') ? 'commit' : undefined;
    if (decision !== undefined) this.decided.add(msg.tx);
    return decision;
  }
}

interface Round {
  readonly ballot: number;
  readonly participants: readonly NodeId[];
  readonly promises: Map<NodeId, Readonly<Record<NodeId, Accepted>>>;
  proposed: boolean;
}

/** The proposer role of recovery ballots. */
export class Proposer {
  private readonly rounds = new Map<string, Round>();
  private readonly highest = new Map<string, number>();

  constructor(
    private readonly index: number,
    private readonly acceptors: readonly NodeId[],
    private readonly quorum: number,
  ) {
    assert(index >= 1 && index < 64, `node index ${index} out of ballot range`);
  }

  /** Starts phase 1 of a new ballot for `tx`. */
  begin(ctx: Ctx, tx: string, participants: readonly NodeId[]): void {
    const round = Math.floor((this.highest.get(tx) ?? 0) / 64) + 1;
    const ballot = round * 64 + this.index;
    this.highest.set(tx, ballot);
    this.rounds.set(tx, { ballot, participants, promises: new Map(), proposed: false });
    ctx.note('ballot', { tx, ballot });
    for (const acceptor of this.acceptors) ctx.send(acceptor, { type: 'Phase1a', tx, ballot });
  }

  onNack(msg: MessageOf<'Nack'>): void {
    this.highest.set(msg.tx, Math.max(this.highest.get(msg.tx) ?? 0, msg.promised));
  }

  /** Collects a promise; at a quorum proposes each instance's safe value (phase 2a). */
  onPhase1b(ctx: Ctx, from: NodeId, msg: MessageOf<'Phase1b'>): void {
    const round = this.rounds.get(msg.tx);
    if (round === undefined || round.ballot !== msg.ballot || round.proposed) return;
    round.promises.set(from, msg.accepted);
    if (round.promises.size < this.quorum) return;
    round.proposed = true;
    const values: Record<NodeId, InstanceValue> = {};
    for (const rm of round.participants) {
      let best: Accepted | undefined;
      for (const accepted of round.promises.values()) {
        const a = accepted[rm];
        if (a !== undefined && (best === undefined || a.ballot > best.ballot)) best = a;
      }
      values[rm] = best?.value ?? 'aborted';
    }
    for (const acceptor of this.acceptors) {
      ctx.send(acceptor, { type: 'Phase2a', tx: msg.tx, ballot: round.ballot,
        participants: round.participants, values });
    }
  }
}
