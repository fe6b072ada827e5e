/**
 * Adding, removing and rebuilding replicas, at the master (the operator's `add` and `remove`,
 * sim/check/operator.ts), one change at a time as Ongaro's thesis §4.1 has it for Raft; the
 * pieces Raft and this protocol share are protocols/membership.ts.
 *
 * - Adding a replica: the master copies it a snapshot of its committed state (snapshot.ts:
 *   the store at its commit index, with the client sessions and the writes applied), in
 *   chunks, while it keeps serving; the joiner installs it and the master streams the log
 *   from the snapshot's index on, as a MySQL clone or a `pg_basebackup` is followed by the
 *   binlog or WAL from the position the copy stands for. Meanwhile it is a learner: it
 *   counts for nothing (no acknowledgement of a sync write, no vote, no read confirmation,
 *   and it never stands). It catches up in rounds (`CatchUp`, thesis §4.2.1); once a round
 *   takes less than an election timeout the master appends the configuration with it, and
 *   from that entry on it is a member.
 * - Removing a replica appends the configuration without it at once; the master refuses to
 *   remove itself (fail over first, as MySQL or PostgreSQL operators switch over before
 *   retiring a primary).
 * - Rebuilding a quarantined replica (the operator's `add` of a member that reported
 *   `Damaged`): it lost only data (its log, its snapshot), so it gets a snapshot and the log
 *   the same way, and stays a member meanwhile (a member that cannot acknowledge, as it was
 *   while quarantined). The operator decides, as with a `pg_basebackup` or MySQL `CLONE` of a
 *   broken replica: discarding a replica's data is not done behind anyone's back, and a disk
 *   that corrupts records wants looking at first. A replica that lost its vote or its
 *   refusal record is refused: a copy of data does not give a promise back (it could vote
 *   twice in one epoch), so the operator removes it and adds a spare, as etcd asks for a
 *   member that lost its data directory.
 *
 * A configuration entry is committed once a majority of the members it names hold it, in
 * every replication mode (master.ts `majorityIndex`): async and semi-sync commit writes on
 * fewer copies, and a configuration lost in a failover would undo a change the operator was
 * told is done, or let the next change overlap it without a common majority (§4.1). The
 * master answers the operator `ok` once the configuration is so committed (or, for a
 * rebuild, once the replica caught up), `retry` while a change is under way or it is not
 * master (with a hint), `refused` for what will never work, and `unknown` when it stepped
 * down first. A configuration entry takes effect as soon as a replica holds it.
 *
 * Two bug switches (bugs.ts): `count-before-caught-up` appends the configuration at once and
 * counts the joiner as holding the whole log while its copy runs; `snapshot-without-tail`
 * labels the snapshot with the commit index when its copy ended instead of the one its state
 * was taken at, so the writes committed during the copy never reach the joiner.
 */
import { type AdminRequest, NOT_LEADER } from '../../sim/check/adminProtocol.js';
import type { Micros, NodeContext, NodeId } from '../../sim/index.js';
import { CatchUp, changed } from '../membership.js';
import type { MasterState } from './master.js';
import type { Damaged, ReplicationMessage, SnapshotReply } from './messages.js';
import type { ReplicaNode } from './node.js';
import { type SnapshotRecord, stateAt } from './snapshot.js';

type Ctx = NodeContext<ReplicationMessage>;

/** An operator's request waiting for its change. */
interface Waiter {
  readonly from: NodeId;
  readonly seq: number;
  readonly op: 'add' | 'remove';
  readonly node: NodeId;
}

/** A replica catching up before it counts (or, rebuilt, counts again). */
interface Learner {
  readonly catchUp: CatchUp;
  readonly rebuild: boolean;
  heard: Micros;
}

/** A snapshot being copied to one replica. */
interface Copy {
  /** Numbers the copies of this master (InstallSnapshot `copy`). */
  readonly seq: number;
  readonly records: readonly SnapshotRecord[];
  readonly index: number;
  readonly indexEpoch: number;
  readonly config: readonly NodeId[];
  /** Records the replica said it holds; the next chunk starts there. */
  acked: number;
  sentAt: Micros;
}

/** Learner silence that ends a catch-up, in election timeouts. */
const SILENT_TIMEOUTS = 4;

/** An operator's request reached a replica. */
export function onAdminRequest(ctx: Ctx, node: ReplicaNode, from: NodeId,
  msg: AdminRequest): void {
  const master = node.masterState;
  if (master === undefined) {
    const hint = node.master !== undefined && node.master !== ctx.id ? node.master : undefined;
    return ctx.send(from, { type: 'AdminReply', seq: msg.seq, outcome: 'retry', error: NOT_LEADER,
      ...(hint === undefined ? {} : { leaderHint: hint }) });
  }
  if (msg.op === 'transfer') {
    return ctx.send(from, { type: 'AdminReply', seq: msg.seq, outcome: 'refused',
      error: 'no leadership transfer in master-slave replication: fail over instead' });
  }
  master.joins.onRequest(ctx, node, master, { from, seq: msg.seq, op: msg.op, node: msg.node });
}

/** What a master knows of the replicas joining it, being rebuilt, or damaged. */
export class Joins {
  readonly learners = new Map<NodeId, Learner>();
  readonly copies = new Map<NodeId, Copy>();
  /** Members that reported damage, and whether a copy can make them whole. */
  readonly damaged = new Map<NodeId, boolean>();
  private waiters: Waiter[] = [];
  private copySeq = 0;

  constructor(readonly self: NodeId) {}

  /** Replicas it sends to besides the members. */
  targets(): NodeId[] {
    return [...new Set([...this.learners.keys(), ...this.copies.keys()])];
  }

  /** Whether a snapshot is on its way to `id` (the log waits until it is installed). */
  copying(id: NodeId): boolean {
    return this.copies.has(id);
  }

  /** Under `count-before-caught-up`: a member still copying counts as holding every entry. */
  countsAsHolding(node: ReplicaNode, id: NodeId): boolean {
    return node.options.countBeforeCaughtUp && this.copies.has(id) &&
      node.configuration().has(id);
  }

  onRequest(ctx: Ctx, node: ReplicaNode, master: MasterState, waiter: Waiter): void {
    const config = node.configuration();
    const id = waiter.node;
    const answer = (outcome: 'retry' | 'refused', error: string): void =>
      ctx.send(waiter.from, { type: 'AdminReply', seq: waiter.seq, outcome, error });
    if (waiter.op === 'remove' && id === ctx.id) {
      return answer('refused', 'the master cannot remove itself: fail over to another first');
    }
    const damaged = this.damaged.get(id);
    const done = waiter.op === 'add' ? config.has(id) && damaged === undefined : !config.has(id);
    if (done || (waiter.op === 'add' && this.learners.has(id))) {
      this.wait(waiter);
      return this.settle(ctx, node, master);
    }
    if (waiter.op === 'add' && damaged === false) {
      return answer('refused', `${id} lost its vote or refusal record, which no copy restores: ` +
        `remove it and add a new server`);
    }
    const busy = this.whyBusy(node, master);
    if (busy !== undefined) {
      ctx.note('member', { event: 'busy', op: waiter.op, node: id, error: busy });
      return answer('retry', busy);
    }
    this.wait(waiter);
    if (waiter.op === 'remove') return this.propose(ctx, node, master, 'remove', id);
    if (config.has(id)) return this.startLearner(ctx, node, master, id, true);
    if (node.options.countBeforeCaughtUp) {
      // The bug: a member at once, and counted as holding the log while its copy runs.
      this.propose(ctx, node, master, 'add', id);
      return this.startCopy(ctx, node, master, id);
    }
    this.startLearner(ctx, node, master, id, false);
  }

  /** A chunk's acknowledgement, an installed snapshot, or a damaged member's report. */
  onReply(ctx: Ctx, node: ReplicaNode, master: MasterState, from: NodeId,
    msg: SnapshotReply | Damaged): void {
    if (msg.type === 'Damaged') {
      if (!node.configuration().has(from) && !this.learners.has(from)) return;
      if (!this.damaged.has(from)) ctx.note('member', { event: 'damaged', node: from,
        rebuildable: msg.rebuildable });
      this.damaged.set(from, msg.rebuildable);
      // What it acknowledged may be gone with its disk: it counts for nothing now.
      master.matchIndex.set(from, 0);
      return;
    }
    if (msg.epoch !== node.epoch) return;
    const learner = this.learners.get(from);
    if (learner !== undefined) learner.heard = ctx.now();
    const copy = this.copies.get(from);
    if (copy === undefined || copy.seq !== msg.copy) return;
    if (msg.installed !== undefined) {
      this.copies.delete(from);
      this.damaged.delete(from);
      master.matchIndex.set(from, msg.installed);
      master.nextIndex.set(from, msg.installed + 1);
      ctx.note('snapshot', { event: 'installed', node: from, index: msg.installed });
      this.onProgress(ctx, node, master, from);
      return master.replicateTo(ctx, node, from);
    }
    // What the replica holds: more after a chunk, none after it restarted mid-copy.
    copy.acked = Math.min(msg.received, copy.records.length);
    this.sendChunk(ctx, node, from, copy);
  }

  /** `id` acknowledged more of the log: moves its catch-up along (thesis §4.2.1). */
  onProgress(ctx: Ctx, node: ReplicaNode, master: MasterState, id: NodeId): void {
    const learner = this.learners.get(id);
    if (learner === undefined || this.copies.has(id)) return;
    learner.heard = ctx.now();
    const match = master.matchIndex.get(id) ?? 0;
    const step = learner.catchUp.progress(match, ctx.now(), node.log.lastIndex);
    if (step === 'waiting') return;
    ctx.note('member', { event: step, node: id, round: learner.catchUp.round, match });
    if (step === 'too-slow') {
      return this.giveUp(ctx, node, master, id, `${id} did not catch up in ` +
        `${learner.catchUp.rounds} rounds`);
    }
    if (step !== 'caught-up') return;
    if (!learner.rebuild) return this.propose(ctx, node, master, 'add', id);
    this.learners.delete(id);
    master.syncPeers(node);
    this.settle(ctx, node, master);
  }

  /**
   * Each heartbeat: resends a chunk not acknowledged within two heartbeat periods (lost, or
   * its replica was down), and gives up on silent learners.
   */
  onBeat(ctx: Ctx, node: ReplicaNode, master: MasterState): void {
    for (const [id, copy] of this.copies) {
      if (ctx.now() - copy.sentAt >= 2 * node.options.detector.period) {
        this.sendChunk(ctx, node, id, copy);
      }
    }
    const limit = SILENT_TIMEOUTS * 2 * node.options.electionTimeout;
    for (const [id, learner] of [...this.learners]) {
      if (ctx.now() - learner.heard >= limit) {
        this.giveUp(ctx, node, master, id, `${id} does not answer`);
      }
    }
  }

  /** More is durable on a majority: answers the requests whose change is committed. */
  onAcknowledged(ctx: Ctx, node: ReplicaNode, master: MasterState): void {
    if (this.waiters.length > 0) this.settle(ctx, node, master);
  }

  /** The master steps down: the changes may or may not happen; copies and catch-ups stop. */
  stepDown(ctx: Ctx): void {
    for (const w of this.waiters) {
      ctx.send(w.from, { type: 'AdminReply', seq: w.seq, outcome: 'unknown',
        error: 'stepped-down' });
    }
    this.waiters = [];
    this.learners.clear();
    this.copies.clear();
  }

  /** Starts a copy of the committed state to `id` (snapshot.ts), the first chunk at once. */
  startCopy(ctx: Ctx, node: ReplicaNode, master: MasterState, id: NodeId): void {
    const index = node.commit;
    const records = stateAt(node.base, node.store, (i) => node.log.at(i),
      node.log.base.index + 1, index);
    const copy: Copy = { seq: ++this.copySeq, records, index, indexEpoch: node.log.epochAt(index),
      config: node.log.configurationAt(index, node.options.initialMembers), acked: 0, sentAt: 0 };
    this.copies.set(id, copy);
    master.syncPeers(node);
    ctx.note('snapshot', { event: 'send', node: id, index, records: records.length });
    this.sendChunk(ctx, node, id, copy);
  }

  private sendChunk(ctx: Ctx, node: ReplicaNode, id: NodeId, copy: Copy): void {
    const records = copy.records.slice(copy.acked, copy.acked + node.options.snapshotChunk);
    const last = copy.acked + records.length >= copy.records.length;
    copy.sentAt = ctx.now();
    // The bug: labelled where the copy ends, not where its state was taken.
    const at = last && node.options.snapshotWithoutTail ? node.commit : copy.index;
    const done = { index: at, indexEpoch: node.log.epochAt(at),
      config: at === copy.index ? copy.config
        : node.log.configurationAt(at, node.options.initialMembers) };
    ctx.send(id, { type: 'InstallSnapshot', epoch: node.epoch, copy: copy.seq, offset: copy.acked,
      records,
      total: copy.records.length, ...(last ? { done } : {}) });
  }

  private startLearner(ctx: Ctx, node: ReplicaNode, master: MasterState, id: NodeId,
    rebuild: boolean): void {
    const rounds = node.options.catchUpRounds;
    this.learners.set(id, { catchUp: new CatchUp(ctx.now(), node.log.lastIndex, rounds,
      node.options.electionTimeout), rebuild, heard: ctx.now() });
    ctx.note('member', { event: rebuild ? 'rebuild' : 'learner', node: id, rounds });
    this.startCopy(ctx, node, master, id);
  }

  /** Appends the configuration with `id` added or removed. */
  private propose(ctx: Ctx, node: ReplicaNode, master: MasterState, op: 'add' | 'remove',
    id: NodeId): void {
    const members = changed(node.configuration().list, op, id);
    this.learners.delete(id);
    const index = master.appendOwn(ctx, node, { epoch: node.epoch, config: members });
    ctx.note('member', { event: 'append', op, node: id, index, members });
  }

  /** Why no change may start now (one at a time, thesis §4.1), or undefined. */
  private whyBusy(node: ReplicaNode, master: MasterState): string | undefined {
    const held = master.majorityIndex(node);
    if (held < master.start) return 'no entry of this epoch on a majority yet';
    if (node.configuration().index > held) return 'a configuration change is under way';
    if (this.learners.size > 0) return 'a replica is catching up';
    return undefined;
  }

  private wait(waiter: Waiter): void {
    // An operator's retry of a request already waiting (same sender and number) waits once.
    if (!this.waiters.some((w) => w.from === waiter.from && w.seq === waiter.seq)) {
      this.waiters.push(waiter);
    }
  }

  /** Answers `ok` to the requests whose change is done and committed. */
  private settle(ctx: Ctx, node: ReplicaNode, master: MasterState): void {
    const config = node.configuration();
    if (config.index > master.majorityIndex(node)) return;
    this.waiters = this.waiters.filter((w) => {
      const done = w.op === 'add'
        ? config.has(w.node) && !this.learners.has(w.node) && !this.damaged.has(w.node)
        : !config.has(w.node);
      if (!done) return true;
      ctx.send(w.from, { type: 'AdminReply', seq: w.seq, outcome: 'ok' });
      return false;
    });
  }

  private giveUp(ctx: Ctx, node: ReplicaNode, master: MasterState, id: NodeId,
    error: string): void {
    this.learners.delete(id);
    this.copies.delete(id);
    master.syncPeers(node);
    ctx.note('member', { event: 'gave-up', node: id, error });
    this.waiters = this.waiters.filter((w) => {
      if (w.op !== 'add' || w.node !== id) return true;
      ctx.send(w.from, { type: 'AdminReply', seq: w.seq, outcome: 'retry', error });
      return false;
    });
  }
}
