/**
 * The omniscient observer behind the invariants and metrics of one run. After every event it
 * reads what each live server did since the last look — votes cast, decisions taken, which
 * prepared participants are waiting — and keeps the memory the invariants need across
 * crashes: the first decision of each (node, transaction) pair (AC2), the first decision of
 * each transaction (AC1), the yes votes ever cast (AC3), the committed set and the precedence
 * graph (serializability), and the blocked intervals (metrics).
 *
 * A node's lists (`votes`, `decisions`) are append-only within one incarnation; a restart
 * builds a new program whose lists start again with what it replays from its log, which the
 * memory recognises as already seen.
 */
import { type Evidence, evidenceNow, type World } from '../../sim/check/property.js';
import type { Micros, NodeId } from '../../sim/index.js';
import type { CoordinatorDecision } from './coordinator.js';
import type { Decision } from './messages.js';
import type { TwoPcServer } from './node.js';
import type { Roles, TwoPcParams } from './params.js';
import { accountNames, accountsOf } from './accounts.js';
import { type DecisionEntry, isResourceRecord, ResourceState } from './resource.js';
import { SerialGraph } from './serialGraph.js';
import { recoverWal, viewReader } from './wal.js';

/** Names of the safety properties the observer judges. */
export type SafetyName = 'ac1-agreement' | 'ac2-no-reversal' | 'ac3-commit-needs-yes' |
  'ac4-abort-needs-cause' | 'balance-conserved' | 'serializable';

interface Cursor {
  program: unknown;
  state: unknown;
  votes: number;
  decisions: number;
  applied: number;
  coordinator: number;
}

/** Everything one run's properties and metrics know. */
export class Observer {
  /** First violation found per property. */
  readonly violations = new Map<SafetyName, string>();
  /** The events that prove each violation, earliest first. */
  readonly evidence = new Map<SafetyName, Evidence[]>();
  /** Where the world is while it is observed, for evidence. */
  private at: Pick<World, 'eventIndex' | 'now'> = { eventIndex: -1, now: 0 };
  /** Where each node's first decision and each yes vote were seen. */
  private readonly seen = new Map<string, Evidence>();
  readonly committed = new Set<string>();
  /** Transactions some participant applied, durably or not yet: the balance check's commits. */
  private readonly appliedAnywhere = new Set<string>();
  readonly aborted = new Set<string>();
  /** Coordinator aborts by reason. */
  readonly abortReasons = new Map<string, number>();
  /** Durations of finished blocked intervals (µs). */
  readonly blockedDone: Micros[] = [];
  /** Open blocked intervals: node -> transaction -> start. */
  private readonly blockedOpen = new Map<NodeId, Map<string, Micros>>();
  private readonly blockedClosed = new Set<string>();
  private readonly firstByNode = new Map<string, Decision>();
  private readonly firstByTx = new Map<string, { decision: Decision; node: NodeId }>();
  private readonly participantsOf = new Map<string, readonly NodeId[]>();
  private readonly yes = new Set<string>();
  private readonly no = new Set<string>();
  private readonly cursors = new Map<NodeId, Cursor>();
  private readonly graph: SerialGraph;
  private readonly expectedTotal: number;
  private readonly crashedStates = new Map<NodeId, { seq: number; state: ResourceState }>();
  private historyCursor = 0;
  private lastIndex = -1;

  private servers: ReadonlySet<NodeId> | undefined;
  private readonly participants: ReadonlySet<NodeId>;

  constructor(private readonly roles: Roles, private readonly params: TwoPcParams) {
    this.participants = new Set(roles.participants);
    this.graph = new SerialGraph(accountNames(params.accounts), params.initialBalance);
    this.expectedTotal = params.accounts * params.initialBalance;
  }

  /** Brings the memory up to date with the world (once per event). */
  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    this.at = { eventIndex: world.eventIndex, now: world.now };
    // Only the servers the event may have changed (World.changed): another's lists, waiting
    // set and disk are as they were at its last look.
    const live: [NodeId, TwoPcServer][] = [];
    let participantChanged = false;
    const servers = (this.servers ??= new Set(world.servers));
    for (const id of world.changed) {
      if (!servers.has(id)) continue; // a client
      if (this.participants.has(id)) participantChanged = true;
      const program = world.program(id) as TwoPcServer | undefined;
      if (program !== undefined) live.push([id, program]);
    }
    const decided = this.committed.size + this.appliedAnywhere.size;
    for (const [id, program] of live) this.scanVotes(id, program);
    for (const [id, program] of live) this.scan(id, program, world.now);
    // The total reads the participants' states and the sets of committed transactions: with
    // neither changed, it is the total already checked.
    if (participantChanged || decided !== this.committed.size + this.appliedAnywhere.size) {
      this.checkBalance(world);
    }
    this.checkReads(world);
  }

  /** The cursor of a node's lists, reset when a restart built a new program. */
  private cursorOf(id: NodeId, program: TwoPcServer): Cursor {
    let cursor = this.cursors.get(id);
    const state = program.participant?.state;
    if (cursor?.program !== program || cursor.state !== state) {
      const fresh = cursor?.program !== program;
      cursor = { program, state, votes: fresh ? 0 : cursor?.votes ?? 0, decisions: 0, applied: 0,
        coordinator: fresh ? 0 : cursor?.coordinator ?? 0 };
      this.cursors.set(id, cursor);
    }
    return cursor;
  }

  /** Votes first, from every node, so a decision is never judged before the votes it rests on. */
  private scanVotes(id: NodeId, program: TwoPcServer): void {
    const cursor = this.cursorOf(id, program);
    const participant = program.participant;
    if (participant === undefined) return;
    for (; cursor.votes < participant.votes.length; cursor.votes++) {
      const vote = participant.votes[cursor.votes] as { tx: string; yes: boolean };
      if (vote.yes && !this.yes.has(`${id} ${vote.tx}`)) {
        this.yes.add(`${id} ${vote.tx}`);
        this.seen.set(`yes ${id} ${vote.tx}`, this.now(`${id} votes yes on ${vote.tx}`, id));
      }
      else this.no.add(vote.tx);
    }
  }

  private scan(id: NodeId, program: TwoPcServer, now: Micros): void {
    const cursor = this.cursorOf(id, program);
    const participant = program.participant;
    if (participant !== undefined) {
      for (; cursor.decisions < participant.durableDecisions; cursor.decisions++) {
        const entry = participant.state.decisions[cursor.decisions] as DecisionEntry;
        this.onParticipantDecision(id, entry);
      }
      for (; cursor.applied < participant.state.decisions.length; cursor.applied++) {
        const entry = participant.state.decisions[cursor.applied] as DecisionEntry;
        if (entry.decision === 'commit') this.appliedAnywhere.add(entry.tx);
      }
      this.trackBlocked(id, participant.waiting, now);
    }
    const coordinator = program.coordinator;
    if (coordinator !== undefined) {
      for (; cursor.coordinator < coordinator.decisions.length; cursor.coordinator++) {
        const entry = coordinator.decisions[cursor.coordinator] as CoordinatorDecision;
        this.onCoordinatorDecision(id, entry);
      }
    }
  }

  private onParticipantDecision(id: NodeId, entry: DecisionEntry): void {
    if (!this.onDecision(id, entry.tx, entry.decision, entry.participants)) return;
    if (entry.decision !== 'commit') return;
    const problem = this.graph.apply(entry.tx, entry.writes, entry.reads);
    if (problem !== undefined) {
      this.violate('serializable', `at ${id}: ${problem}`, [this.decision(id, entry.tx)]);
    }
  }

  private onCoordinatorDecision(id: NodeId, entry: CoordinatorDecision): void {
    if (!this.onDecision(id, entry.tx, entry.decision, entry.participants)) return;
    if (entry.decision !== 'abort') return;
    this.abortReasons.set(entry.reason, (this.abortReasons.get(entry.reason) ?? 0) + 1);
    const votes = (this.participantsOf.get(entry.tx) ?? []).flatMap((p) =>
      this.seen.get(`yes ${p} ${entry.tx}`) ?? []);
    if (entry.reason === 'all-yes') {
      this.violate('ac4-abort-needs-cause',
        `${id} aborted ${entry.tx} although every vote was yes`,
      [...votes, this.decision(id, entry.tx)]);
    }
    if (entry.reason === 'vote-no' && !this.no.has(entry.tx)) {
      this.violate('ac4-abort-needs-cause',
        `${id} aborted ${entry.tx} for a no vote, but no participant voted no`,
      [...votes, this.decision(id, entry.tx)]);
    }
  }

  /** Records one node's decision; returns false when that node had already taken it. */
  private onDecision(id: NodeId, tx: string, decision: Decision,
    participants: readonly NodeId[]): boolean {
    if (participants.length > 0 && !this.participantsOf.has(tx)) {
      this.participantsOf.set(tx, participants);
    }
    const key = `${id} ${tx}`;
    const before = this.firstByNode.get(key);
    const now = this.now(`${id} decides ${decision} on ${tx}`, id);
    if (before !== undefined) {
      if (before !== decision) {
        this.violate('ac2-no-reversal',
          `${id} decided ${decision} for ${tx} after deciding ${before}`,
        [this.decision(id, tx), now]);
      }
      return false;
    }
    this.firstByNode.set(key, decision);
    this.seen.set(`decided ${key}`, now);
    const first = this.firstByTx.get(tx);
    if (first === undefined) this.firstByTx.set(tx, { decision, node: id });
    else if (first.decision !== decision) {
      this.violate('ac1-agreement',
        `${first.node} decided ${first.decision} for ${tx} but ${id} decided ${decision}`,
      [this.decision(first.node, tx), now]);
    }
    (decision === 'commit' ? this.committed : this.aborted).add(tx);
    if (decision === 'commit') {
      for (const p of this.participantsOf.get(tx) ?? []) {
        if (!this.yes.has(`${p} ${tx}`)) {
          this.violate('ac3-commit-needs-yes',
            `${id} decided commit for ${tx} but ${p} never voted yes`, [now]);
        }
      }
    }
    return true;
  }

  private trackBlocked(id: NodeId, waiting: ReadonlySet<string>, now: Micros): void {
    let open = this.blockedOpen.get(id);
    if (open === undefined) this.blockedOpen.set(id, (open = new Map()));
    for (const tx of waiting) {
      if (!open.has(tx) && !this.blockedClosed.has(`${id} ${tx}`)) open.set(tx, now);
    }
    for (const [tx, start] of open) {
      if (waiting.has(tx)) continue;
      open.delete(tx);
      this.blockedClosed.add(`${id} ${tx}`);
      this.blockedDone.push(now - start);
    }
  }

  /** The committed state's total: balances plus committed deltas a participant still owes. */
  private checkBalance(world: World): void {
    let total = 0;
    for (const id of this.roles.participants) {
      const program = world.program(id) as TwoPcServer | undefined;
      const participant = program?.participant;
      if (participant?.halted === true) return; // a lost log record: outside the fault model
      const state = participant?.state ?? this.recoveredState(world, id);
      if (state === undefined) return;
      for (const balance of state.balances.values()) total += balance;
      for (const tx of state.prepared) {
        if (!this.committed.has(tx) && !this.appliedAnywhere.has(tx)) continue;
        for (const w of state.txs.get(tx)?.writes ?? []) total += w.after - w.before;
      }
    }
    if (total !== this.expectedTotal) {
      this.violate('balance-conserved', `the committed state holds ${total} in total, but the ` +
        `bank opened with ${this.expectedTotal} and transfers only move money`,
      [this.now(`the committed balances add up to ${total}`)]);
    }
  }

  private recoveredState(world: World, id: NodeId): ResourceState | undefined {
    const disk = world.disk(id);
    const cached = this.crashedStates.get(id);
    if (cached !== undefined && cached.seq === disk.writeSequence) return cached.state;
    const recovered = recoverWal(viewReader(disk.durableView()), 'rm', isResourceRecord);
    if (recovered.lost) return undefined;
    const accounts = accountsOf(id, this.roles.participants, this.params.accounts);
    const state = ResourceState.replay(recovered.records, accounts, this.params.initialBalance);
    this.crashedStates.set(id, { seq: disk.writeSequence, state });
    return state;
  }

  /** Every committed `read-all` a client saw must add up to the opening total. */
  private checkReads(world: World): void {
    for (; this.historyCursor < world.history.length; this.historyCursor++) {
      const event = world.history[this.historyCursor];
      if (event?.type !== 'ok' || event.f !== 'read-all') continue;
      const values = Object.values(event.value as Record<string, number>);
      const sum = values.reduce((a, b) => a + b, 0);
      if (sum !== this.expectedTotal) {
        this.violate('balance-conserved', `${event.process} read all accounts and saw ${sum} in ` +
          `total, not ${this.expectedTotal}: ${JSON.stringify(event.value)}`,
        [this.now(`${event.process} reads a total of ${sum}`, event.process)]);
      }
    }
  }

  private violate(name: SafetyName, explanation: string, evidence: Evidence[]): void {
    if (this.violations.has(name)) return;
    this.violations.set(name, explanation);
    this.evidence.set(name, evidence);
  }

  /** Evidence at the event being observed. */
  private now(label: string, node?: NodeId): Evidence {
    return evidenceNow(this.at, label, node);
  }

  /** Where `id` first decided `tx` (now, when it has not before). */
  private decision(id: NodeId, tx: string): Evidence {
    return this.seen.get(`decided ${id} ${tx}`) ?? this.now(`${id} decides on ${tx}`, id);
  }

  /** Blocked durations so far, open intervals counted up to `now` (µs). */
  blockedTimes(now: Micros): Micros[] {
    const open = [...this.blockedOpen.values()].flatMap((m) => [...m.values()]);
    return [...this.blockedDone, ...open.map((start) => now - start)];
  }
}
