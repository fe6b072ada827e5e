/**
 * The omniscient observer of a replication run. After every event it reads the live replicas
 * the event may have changed (`World.changed`) and the new history events, and keeps what the
 * invariants and the figures need:
 * - which server was master in each epoch (at most one: `one-master-per-epoch`);
 * - the highest epoch each server is known to have made durable (`epochs-monotonic`: a
 *   server never runs with a lower epoch, restarts included);
 * - acknowledged writes, checked against the log of the master of the highest epoch seen,
 *   whenever a new master is established and whenever a write is acknowledged while that
 *   master is up (`no-lost-acked-write`);
 * - availability: time with a live master, node up and down times (MTBF, MTTR), failovers
 *   and false failovers. (RTO and RPO are the shared figures of sim/check/recovery.ts.)
 */
import type { Micros, NodeId } from '../../sim/index.js';
import type { HistoryEvent } from '../../sim/check/history.js';
import { type Evidence, evidenceNow, type World } from '../../sim/check/property.js';
import { ReplicaNode } from './node.js';
import { isWrite, writeToken } from './store.js';

/** An acknowledged write or a completed read, from the history. */
export interface Completed {
  readonly f: string;
  readonly key: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly invokedAt: Micros;
  readonly doneAt: Micros;
  readonly token: string;
  /** The operation from invoke to acknowledgement, as evidence. */
  readonly seen: Evidence;
}

/** Reads the replica program of a server, if it is up. */
export function replica(world: World, id: NodeId): ReplicaNode | undefined {
  const program = world.program(id);
  return program instanceof ReplicaNode ? program : undefined;
}

/** See the file comment. */
export class ReplicationObserver {
  private lastIndex = -1;
  private seenHistory = 0;
  private readonly invoked = new Map<NodeId, { event: HistoryEvent; seen: Evidence }>();
  readonly acked: Completed[] = [];
  /** Tokens of acknowledged writes some later master did not have. */
  readonly lost = new Set<string>();
  readonly reads: Completed[] = [];
  readonly masters = new Map<number, NodeId>();
  private readonly durable = new Map<NodeId, number>();
  /** First violation of each invariant, kept once found. */
  readonly problems = new Map<string, string>();
  /** The events that prove each problem, earliest first. */
  readonly evidence = new Map<string, Evidence[]>();
  /** Where each epoch's master was established. */
  private readonly masterSeen = new Map<number, Evidence>();
  private checkedEpoch = 0;
  // Availability.
  /** The newest master seen, with the incarnation (program) that was master. */
  private current: { id: NodeId; epoch: number; liveSince: Micros; program: unknown;
    deposedAt?: Micros } | undefined;
  private lastTime: Micros = 0;
  uptime: Micros = 0;
  falseFailovers = 0;
  private readonly nodeUp = new Map<NodeId, boolean>();
  nodeUpTime: Micros = 0;
  nodeDownTime: Micros = 0;
  crashes = 0;
  repairs = 0;

  constructor(private readonly falseFailoverGrace: Micros) {}

  /** Brings the observer up to date; cheap to call twice for one event. */
  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    this.accountTime(world);
    // A replica's role, epoch and durable epoch change only at events that touch it: only the
    // servers the event may have changed (World.changed) can newly break what they hold.
    for (const id of world.changed) this.observeReplica(world, id);
    const newest = this.newestMaster(world);
    this.observeMaster(world, newest);
    this.readHistory(world, newest);
  }

  /** The live master of the highest epoch, if any. */
  newestMaster(world: World): { id: NodeId; node: ReplicaNode } | undefined {
    let best: { id: NodeId; node: ReplicaNode } | undefined;
    for (const id of world.servers) {
      const node = replica(world, id);
      if (node?.role !== 'master') continue;
      if (best === undefined || node.epoch > best.node.epoch) best = { id, node };
    }
    return best;
  }

  private accountTime(world: World): void {
    const elapsed = world.now - this.lastTime;
    this.lastTime = world.now;
    const current = this.current;
    if (current !== undefined && world.isUp(current.id) && !world.isPaused(current.id)) {
      this.uptime += elapsed;
    }
    for (const id of world.servers) {
      const wasUp = this.nodeUp.get(id) ?? true;
      if (wasUp) this.nodeUpTime += elapsed;
      else this.nodeDownTime += elapsed;
      const up = world.isUp(id);
      if (wasUp && !up) this.crashes++;
      if (!wasUp && up) this.repairs++;
      this.nodeUp.set(id, up);
    }
  }

  private observeReplica(world: World, id: NodeId): void {
    const node = replica(world, id);
    if (node === undefined || !node.eligible) return; // a quarantined node lost its disk's word
    const durable = this.durable.get(id) ?? 0;
    if (node.epoch < durable) {
      this.report('epochs-monotonic', `${id} runs in epoch ${node.epoch}, below epoch ` +
        `${durable} it had made durable`,
      [evidenceNow(world, `${id} runs in epoch ${node.epoch}`, id)]);
    }
    this.durable.set(id, Math.max(durable, node.durableEpoch));
    if (node.role !== 'master') return;
    const known = this.masters.get(node.epoch);
    const now = evidenceNow(world, `${id} is master in epoch ${node.epoch}`, id);
    if (known === undefined) {
      this.masters.set(node.epoch, id);
      this.masterSeen.set(node.epoch, now);
    } else if (known !== id) {
      this.report('one-master-per-epoch',
        `${known} and ${id} are both master in epoch ${node.epoch}`,
      [this.masterSeen.get(node.epoch) as Evidence, now]);
    }
  }

  private observeMaster(world: World, newest: { id: NodeId; node: ReplicaNode } | undefined): void {
    this.noteDeposed(world);
    if (newest === undefined || newest.node.epoch <= (this.current?.epoch ?? 0)) return;
    const previous = this.current;
    // Deposed while the very incarnation that was master still runs: a crash in between (even
    // one followed by a quick restart) is a real failure, and electing another is right.
    if (previous !== undefined && previous.id !== newest.id && world.isUp(previous.id) &&
      !world.isPaused(previous.id) && world.program(previous.id) === previous.program &&
      (previous.deposedAt ?? world.now) - previous.liveSince > this.falseFailoverGrace) {
      this.falseFailovers++;
      this.report('no-false-failover', `${newest.id} became master in epoch ` +
        `${newest.node.epoch} while master ${previous.id} (epoch ${previous.epoch}) was up ` +
        'and running', [...[this.masterSeen.get(previous.epoch)].filter((e) => e !== undefined),
        evidenceNow(world, `${newest.id} is master in epoch ${newest.node.epoch}`, newest.id)]);
    }
    this.current = { id: newest.id, epoch: newest.node.epoch, liveSince: world.now,
      program: newest.node };
    if (newest.node.epoch > this.checkedEpoch) {
      this.checkedEpoch = newest.node.epoch;
      this.countLost(newest.node);
      for (const write of this.acked) this.checkHeld(world, write, newest);
    }
  }

  /**
   * When the master of record stops being master while it runs (a higher epoch reached it):
   * the failover is judged at that instant. A master deposed within the grace of its election
   * lost a race of candidacies that began before its first heartbeat could arrive, which no
   * detector caused (faultline fuzz replication --seed 4242, run 3464: n5's candidacy began
   * 30 ms after n1's election; scenarios/replication/candidacy-race-after-crashes.yaml).
   */
  private noteDeposed(world: World): void {
    const current = this.current;
    if (current === undefined || current.deposedAt !== undefined) return;
    if (world.program(current.id) !== current.program) return;
    const node = current.program as ReplicaNode;
    if (node.role !== 'master' || node.epoch !== current.epoch) current.deposedAt = world.now;
  }

  /** The highest epoch in which a master was seen. */
  get highestEpoch(): number {
    return this.checkedEpoch;
  }

  /**
   * Counts the acknowledged writes a master's log lacks: the RPO of a failover. Called when
   * a master is established and at the end of the run.
   */
  countLost(master: ReplicaNode): void {
    for (const write of this.acked) if (!master.tokens.has(write.token)) this.lost.add(write.token);
  }

  private readHistory(world: World, newest: { id: NodeId; node: ReplicaNode } | undefined): void {
    const history = world.history;
    for (; this.seenHistory < history.length; this.seenHistory++) {
      const event = history[this.seenHistory] as HistoryEvent;
      if (event.type === 'invoke') {
        this.invoked.set(event.process, { event, seen: evidenceNow(world, '', event.process) });
        continue;
      }
      const invoked = this.invoked.get(event.process);
      if (invoked === undefined || event.type !== 'ok') continue;
      const call = invoked.event;
      const op = { f: call.f, key: call.key ?? '', value: call.value };
      const label = `${event.process}'s ${call.f} ${op.key} ${JSON.stringify(call.value)
      } is acknowledged`;
      const done: Completed = { f: call.f, key: op.key, input: call.value, output: event.value,
        invokedAt: call.time, doneAt: event.time, token: writeToken(op),
        seen: { ...evidenceNow(world, label, event.process),
          from: { index: invoked.seen.index, time: invoked.seen.time } } };
      if (!isWrite(op)) {
        this.reads.push(done);
        continue;
      }
      this.acked.push(done);
      // Only the master of the highest epoch seen must hold it: a deposed master that has not
      // yet heard of its successor lacks the successor's writes by design (fuzz replication
      // seed 1, run 4615). When that master is down, the write is checked against the next
      // master established (observeMaster), which must hold every acknowledged write.
      if (newest !== undefined && newest.node.epoch >= this.checkedEpoch) {
        this.checkHeld(world, done, newest);
      }
    }
  }

  private checkHeld(world: World, write: Completed,
    master: { id: NodeId; node: ReplicaNode }): void {
    if (master.node.tokens.has(write.token) || this.problems.has('no-lost-acked-write')) return;
    this.report('no-lost-acked-write',
      `${write.f} ${write.key} ${JSON.stringify(write.input)} was acknowledged at ` +
      `${Math.round(write.doneAt / 1000)} ms but master ${master.id} of epoch ` +
      `${master.node.epoch} does not have it`, [write.seen, evidenceNow(world,
        `${master.id}, master of epoch ${master.node.epoch}, lacks the write`, master.id)]);
  }

  private report(name: string, explanation: string, evidence: Evidence[]): void {
    if (this.problems.has(name)) return;
    this.problems.set(name, explanation);
    this.evidence.set(name, evidence);
  }
}
