/**
 * The omniscient bookkeeping behind the Paxos invariants. After every event it reads what
 * each server's current incarnation wrote and decided since the last look (the programs keep
 * append-only logs for this), and keeps, across crashes and restarts:
 * - per slot and (ballot, value), the acceptors whose accept of it became durable; a value
 *   is *chosen* once a majority durably accepted it at one ballot (the paper's definition,
 *   judged from disks, not from what any node believes);
 * - per node and slot, the first value it decided; per slot, the first decision anywhere;
 * - per node, the highest promise that became durable.
 * An accept is durable once the disk's durable prefix covers the write sequence observed
 * right after it was made (`SimDisk.writeSequence` minus `unsyncedWrites`); a crash drops the
 * writes still pending. The first problem of each kind is kept and reported by invariants.ts.
 *
 * Work per event is proportional to what happened in it, not to the run so far. Evidence is
 * kept as where and what (`Seen`) and worded only when a problem is reported, and a value's
 * JSON key is computed once per frozen value (values travel shared between nodes).
 */
import type { NodeId } from '../../sim/index.js';
import { type Evidence, evidenceNow, type World } from '../../sim/check/property.js';
import type { Acceptor } from './acceptor.js';
import { type Ballot, compareBallots, formatBallot, ZERO_BALLOT } from './ballot.js';
import type { AcceptedEntry } from './messages.js';

/** What the observer reads from a server program of either variant. */
export interface ObservableServer<V> {
  readonly acceptor: Acceptor<V>;
  readonly decisionLog: readonly AcceptedEntry<V>[];
  /** Slots in execution order (Multi-Paxos only). */
  readonly executionLog?: readonly number[];
  /** Votes this incarnation counted towards a quorum, in order. */
  readonly voteLog: readonly CountedVote[];
}

/** A promise (slot undefined) or an accept (with its slot) a proposer or learner counted. */
export interface CountedVote {
  readonly from: NodeId;
  readonly ballot: Ballot;
  readonly slot?: number;
}

/** Where a decision was made or a value became chosen; worded as evidence on a report. */
interface Seen<V> {
  readonly index: number;
  readonly time: number;
  readonly node: NodeId;
  readonly slot: number;
  readonly value: V;
  /** Set when a value became chosen at this ballot; absent for a decision. */
  readonly ballot?: Ballot;
}

/** Problem kinds, one per invariant. */
export type ProblemKind = 'validity' | 'agreement' | 'integrity' | 'promise-monotonic' |
  'execution-order' | 'votes-durable';

interface NodeView<V> {
  program: ObservableServer<V> | undefined;
  accepts: number;
  promises: number;
  decisions: number;
  executions: number;
  votes: number;
  /** Per slot, the highest ballot of an accept of this node that became durable. */
  durableAccepted: Map<number, Ballot>;
  pending: { slot: number; ballot: Ballot; value: V; seq: number }[];
  pendingPromises: { ballot: Ballot; seq: number }[];
  durablePromise: Ballot;
  lastPromise: Ballot;
  /** Per slot, the first value it decided and where. */
  decided: Map<number, { key: string; seen: Seen<V> }>;
  /** The disk positions and promise at the last look; unchanged means nothing to do. */
  seq: number;
  durable: number;
  promised: Ballot | undefined;
  mode: number;
}

/** Cross-event memory of one run; shared by the invariants of one protocol instance. */
export class PaxosObserver<V> {
  readonly problems = new Map<ProblemKind, string>();
  /** The events that prove each problem, earliest first. */
  readonly evidence = new Map<ProblemKind, Evidence[]>();
  /** Per slot: the chosen value (first time a majority durably accepted it). */
  readonly chosen = new Map<number, { value: V; key: string; ballot: Ballot; at: number;
    seen: Seen<V> }>();
  readonly firstDecision = new Map<number, { key: string; node: NodeId; at: number;
    seen: Seen<V> }>();
  private readonly votes = new Map<number, Map<string, Set<NodeId>>>();
  /**
   * Per slot, the values some majority accepted at one ballot, durably or not (the paper's
   * "chosen"; a crash may take a non-durable one back, which `votes-durable` reports).
   */
  private readonly accepted = new Map<number, { voters: Map<string, Set<NodeId>>;
    values: Set<string> }>();
  private readonly nodes = new Map<NodeId, NodeView<V>>();
  private lastEvent = -1;
  /** Values already found valid, by their JSON (validity never changes once true). */
  private readonly valid = new Set<string>();
  /** The JSON key of each frozen value met (frozen values never change). */
  private readonly keys = new WeakMap<object, string>();

  constructor(
    private readonly asServer: (program: unknown) => ObservableServer<V> | undefined,
    private readonly describe: (value: V) => string,
    /** An explanation when `value` was never proposed, else undefined. */
    private readonly validate: (value: V, world: World) => string | undefined,
  ) {}

  /** Brings the memory up to date with `world` (once per event). */
  update(world: World): void {
    if (world.eventIndex === this.lastEvent) return;
    this.lastEvent = world.eventIndex;
    // Only a server the event changed can have new records or newly counted votes.
    const changed = world.changed;
    for (const id of changed) if (world.servers.includes(id)) this.updateNode(world, id);
    for (const id of changed) if (world.servers.includes(id)) this.checkVotes(world, id);
  }

  /**
   * Every vote a proposer or learner counts must already be durable at the acceptor that
   * cast it (Paxos Made Simple §2.3): otherwise a crash can take back a vote a quorum was
   * built on. Records become durable here in write order; an acceptor writes before it
   * replies and not after, so "durable up to the writes seen after the handler" is exact.
   */
  private checkVotes(world: World, id: NodeId): void {
    const view = this.view(id);
    const program = view.program;
    if (program === undefined) return;
    for (; view.votes < program.voteLog.length; view.votes++) {
      const vote = program.voteLog[view.votes] as CountedVote;
      const voter = this.view(vote.from);
      const durable = vote.slot === undefined ? voter.durablePromise
        : voter.durableAccepted.get(vote.slot) ?? ZERO_BALLOT;
      if (compareBallots(durable, vote.ballot) >= 0) continue;
      const what = vote.slot === undefined ? `promise of ${formatBallot(vote.ballot)}`
        : `accept of slot ${vote.slot} at ${formatBallot(vote.ballot)}`;
      this.report('votes-durable', `${id} counted ${vote.from}'s ${what}, but ${vote.from}'s ` +
        `disk holds only ${formatBallot(durable)}: the vote can be lost in a crash`,
      [evidenceNow(world, `${id} counts ${vote.from}'s ${what}, not yet durable`, id)]);
    }
  }

  private view(id: NodeId): NodeView<V> {
    let view = this.nodes.get(id);
    if (view === undefined) {
      view = { program: undefined, accepts: 0, promises: 0, decisions: 0, executions: 0, votes: 0,
        durableAccepted: new Map(), pending: [], pendingPromises: [], durablePromise: ZERO_BALLOT,
        lastPromise: ZERO_BALLOT, decided: new Map(), seq: -1, durable: -1, promised: undefined,
        mode: -1 };
      this.nodes.set(id, view);
    }
    return view;
  }

  private updateNode(world: World, id: NodeId): void {
    const view = this.view(id);
    const program = this.asServer(world.program(id));
    if (program !== view.program) {
      // A crash or a restart: what was not durable is gone; the new incarnation starts anew.
      view.program = program;
      view.pending = [];
      view.pendingPromises = [];
      view.accepts = view.promises = view.decisions = view.executions = view.votes = 0;
      view.lastPromise = ZERO_BALLOT;
      view.promised = undefined;
    }
    if (program === undefined) return;
    const disk = world.disk(id);
    const seq = disk.writeSequence;
    const durable = disk.writeSequence - disk.unsyncedWrites;
    const acceptor = program.acceptor;
    const mode = (acceptor.voting ? 1 : 0) + (acceptor.rebuilt ? 2 : 0);
    if (view.seq === seq && view.durable === durable && view.promised === acceptor.promised &&
      view.mode === mode && view.accepts === acceptor.acceptLog.length &&
      view.promises === acceptor.promiseLog.length &&
      view.decisions === program.decisionLog.length &&
      view.executions === (program.executionLog?.length ?? 0)) return;
    view.seq = seq;
    view.durable = durable;
    view.promised = acceptor.promised;
    view.mode = mode;
    for (; view.accepts < acceptor.acceptLog.length; view.accepts++) {
      const entry = acceptor.acceptLog[view.accepts] as AcceptedEntry<V>;
      view.pending.push({ ...entry, seq });
      this.onAccept(world, id, entry);
    }
    for (; view.promises < acceptor.promiseLog.length; view.promises++) {
      view.pendingPromises.push({ ballot: acceptor.promiseLog[view.promises] as Ballot, seq });
    }
    while (view.pending.length > 0 && (view.pending[0]?.seq ?? Infinity) <= durable) {
      const entry = view.pending.shift() as (typeof view.pending)[number];
      const before = view.durableAccepted.get(entry.slot) ?? ZERO_BALLOT;
      if (compareBallots(entry.ballot, before) > 0) {
        view.durableAccepted.set(entry.slot, entry.ballot);
      }
      this.onDurableAccept(world, id, entry.slot, entry.ballot, entry.value);
    }
    while ((view.pendingPromises[0]?.seq ?? Infinity) <= durable) {
      const entry = view.pendingPromises.shift() as (typeof view.pendingPromises)[number];
      if (compareBallots(entry.ballot, view.durablePromise) > 0) view.durablePromise = entry.ballot;
    }
    this.checkPromise(world, id, view, acceptor);
    for (; view.decisions < program.decisionLog.length; view.decisions++) {
      const entry = program.decisionLog[view.decisions] as AcceptedEntry<V>;
      this.onDecision(world, id, view, entry.slot, entry.value);
    }
    const executed = program.executionLog ?? [];
    for (; view.executions < executed.length; view.executions++) {
      if (executed[view.executions] !== view.executions) {
        this.report('execution-order', `${id} executed slot ${executed[view.executions]} as its ` +
          `command number ${view.executions}: slots must run in order, without gaps`,
        [evidenceNow(world, `${id} executes slot ${executed[view.executions]} out of order`, id)]);
      }
    }
  }

  private checkPromise(world: World, id: NodeId, view: NodeView<V>,
    acceptor: Acceptor<V>): void {
    if (!acceptor.voting || acceptor.rebuilt) return; // rebuilt from peers after corruption
    const now = acceptor.promised;
    const fell = (text: string) => [evidenceNow(world, text, id)];
    if (compareBallots(now, view.lastPromise) < 0) {
      this.report('promise-monotonic', `${id}'s promise fell from ` +
        `${formatBallot(view.lastPromise)}` +
        ` to ${formatBallot(now)} while it was up`,
      fell(`${id}'s promise falls to ${formatBallot(now)}`));
    } else if (compareBallots(now, view.durablePromise) < 0) {
      this.report('promise-monotonic', `${id} restarted with promise ${formatBallot(now)}, ` +
        `below the ${formatBallot(view.durablePromise)} its disk had made durable`,
      fell(`${id} restarts with promise ${formatBallot(now)}`));
    }
    view.lastPromise = now;
  }

  /** An accept as the acceptor makes it, durable or not: the paper's majority per ballot. */
  private onAccept(world: World, id: NodeId, entry: AcceptedEntry<V>): void {
    let bySlot = this.accepted.get(entry.slot);
    if (bySlot === undefined) {
      this.accepted.set(entry.slot, (bySlot = { voters: new Map(), values: new Set() }));
    }
    const key = this.keyOf(entry.value);
    const tally = `${formatBallot(entry.ballot)} ${key}`;
    let voters = bySlot.voters.get(tally);
    if (voters === undefined) bySlot.voters.set(tally, (voters = new Set()));
    voters.add(id);
    if (voters.size >= Math.floor(world.servers.length / 2) + 1) bySlot.values.add(key);
  }

  private onDurableAccept(world: World, id: NodeId, slot: number, ballot: Ballot, value: V): void {
    const key = this.keyOf(value);
    let bySlot = this.votes.get(slot);
    if (bySlot === undefined) this.votes.set(slot, (bySlot = new Map()));
    const tally = `${formatBallot(ballot)} ${key}`;
    let voters = bySlot.get(tally);
    if (voters === undefined) bySlot.set(tally, (voters = new Set()));
    voters.add(id);
    if (voters.size < Math.floor(world.servers.length / 2) + 1) return;
    const before = this.chosen.get(slot);
    // One more durable vote for the value chosen: validity and agreement were judged then.
    if (before !== undefined && before.key === key) return;
    const invalid = this.invalid(value, key, world);
    const chosenNow = seenNow(world, id, slot, value, ballot);
    if (invalid !== undefined) {
      this.report('validity', `slot ${slot}: ${invalid}`, [this.told(chosenNow)]);
    }
    if (before === undefined) {
      this.chosen.set(slot, { value, key, ballot, at: world.now, seen: chosenNow });
      const decided = this.firstDecision.get(slot);
      if (decided !== undefined && decided.key !== key) {
        this.report('agreement', `slot ${slot}: ${decided.node} decided ${decided.key} at ` +
          `${ms(decided.at)}, but a majority durably accepted ${this.describe(value)} at ` +
          `${formatBallot(ballot)} (${[...voters].sort().join(', ')}) at ${ms(world.now)}`,
        [this.told(decided.seen), this.told(chosenNow)]);
      }
    } else {
      this.report('agreement', `slot ${slot}: ${this.describe(before.value)} was chosen at ` +
        `${formatBallot(before.ballot)} (${ms(before.at)}), then ${this.describe(value)} at ` +
        `${formatBallot(ballot)} by ${[...voters].sort().join(', ')} (${ms(world.now)})`,
      [this.told(before.seen), this.told(chosenNow)]);
    }
  }

  private onDecision(world: World, id: NodeId, view: NodeView<V>, slot: number, value: V): void {
    const key = this.keyOf(value);
    const mine = view.decided.get(slot);
    const decidedNow = seenNow(world, id, slot, value);
    if (mine !== undefined && mine.key !== key) {
      this.report('integrity',
        `${id} decided slot ${slot} as ${mine.key}, and after a restart as ${key}`,
      [this.told(mine.seen), this.told(decidedNow)]);
    }
    if (mine === undefined || mine.key !== key) view.decided.set(slot, { key, seen: decidedNow });
    const first = this.firstDecision.get(slot);
    // A value decided before here was judged valid or not then.
    const invalid = first?.key === key ? undefined : this.invalid(value, key, world);
    if (invalid !== undefined) {
      this.report('validity', `${id} decided slot ${slot}: ${invalid}`, [this.told(decidedNow)]);
    }
    if (first === undefined) {
      this.firstDecision.set(slot, { key, node: id, at: world.now, seen: decidedNow });
    } else if (first.key !== key) {
      this.report('agreement', `slot ${slot}: ${first.node} decided ${first.key} at ` +
        `${ms(first.at)}, ${id} decided ${key} at ${ms(world.now)}`,
      [this.told(first.seen), this.told(decidedNow)]);
    }
    const chosen = this.chosen.get(slot);
    if (this.accepted.get(slot)?.values.has(key) !== true) {
      // Paxos Made Simple, §1: a process never learns that a value has been chosen unless it
      // actually has been. A learner that counts votes of different ballots decides what no
      // majority accepted.
      this.report('agreement', `slot ${slot}: ${id} decided ${key} at ${ms(world.now)}, but no ` +
        'majority had accepted it in one ballot', [this.told(decidedNow)]);
    }
    if (chosen !== undefined && chosen.key !== key) {
      this.report('agreement', `slot ${slot}: ${id} decided ${key} at ${ms(world.now)}, but ` +
        `${this.describe(chosen.value)} was chosen at ${formatBallot(chosen.ballot)}`,
      [this.told(chosen.seen), this.told(decidedNow)]);
    }
  }

  /** A value's JSON, the key of every tally; computed once per frozen value. */
  private keyOf(value: V): string {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) {
      return JSON.stringify(value);
    }
    let key = this.keys.get(value);
    if (key === undefined) this.keys.set(value, (key = JSON.stringify(value)));
    return key;
  }

  /** A decision or a choice, worded as evidence. */
  private told(seen: Seen<V>): Evidence {
    const label = seen.ballot === undefined
      ? `${seen.node} decides slot ${seen.slot}: ${this.describe(seen.value)}`
      : `slot ${seen.slot}: ${this.describe(seen.value)} is chosen at ${formatBallot(seen.ballot)}`;
    return { index: seen.index, time: seen.time, label, node: seen.node };
  }

  private invalid(value: V, key: string, world: World): string | undefined {
    if (this.valid.has(key)) return undefined;
    const problem = this.validate(value, world);
    if (problem === undefined) this.valid.add(key);
    return problem;
  }

  private report(kind: ProblemKind, explanation: string, evidence: Evidence[]): void {
    if (this.problems.has(kind)) return;
    this.problems.set(kind, explanation);
    this.evidence.set(kind, evidence);
  }
}

function seenNow<V>(world: World, node: NodeId, slot: number, value: V, ballot?: Ballot): Seen<V> {
  return { index: world.eventIndex, time: world.now, node, slot, value,
    ...(ballot === undefined ? {} : { ballot }) };
}

function ms(micros: number): string {
  return `${(micros / 1_000).toFixed(1)} ms`;
}
