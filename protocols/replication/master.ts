/**
 * What a replica holds only while it is master: where each slave's log stands, the clients
 * waiting for their writes, the reads waiting for confirmation, and the `head` store (every
 * entry applied, committed or not) against which the next write's effect is decided.
 *
 * Replication is optimistic (etcd-raft's pipelining): after sending entries up to the last
 * index, `nextIndex` moves past them; a failed Log Matching check moves it back to the
 * slave's hint. Every `period` the master sends each slave a Replicate (empty if the slave is
 * up to date): it is the heartbeat the slaves' failure detectors watch, and its round number
 * confirms mastership for reads.
 *
 * The master talks to the members of its configuration and to the replicas joining it or
 * being rebuilt (membership.ts `Joins`, which sends them a snapshot first); it counts
 * acknowledgements and read confirmations of members only.
 */
import { assert, type NodeContext, type NodeId } from '../../sim/index.js';
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import type { Entry } from './log.js';
import type { ReplicaNode } from './node.js';
import type { Damaged, ReplicateReply, ReplicationMessage, SnapshotReply } from './messages.js';
import { Joins } from './membership.js';
import { requiredAcks } from './options.js';
import { applyEntry, decide, isWrite, type Store } from './store.js';

type Ctx = NodeContext<ReplicationMessage>;

interface PendingRead {
  readonly client: NodeId;
  readonly seq: number;
  readonly key: string;
  /** Replies from this heartbeat round on confirm the master's epoch. */
  readonly round: number;
  readonly readIndex: number;
}

/** A master's volatile state; see the file comment. */
export class MasterState {
  readonly nextIndex = new Map<NodeId, number>();
  /** Per slave, the highest index a refusal since its last acceptance allows to try next. */
  private readonly matchBound = new Map<NodeId, number>();
  readonly matchIndex = new Map<NodeId, number>();
  private readonly ackedRound = new Map<NodeId, number>();
  private readonly waiters = new Map<number, { client: NodeId; seq: number }>();
  private reads: PendingRead[] = [];
  private round = 0;
  private readonly head: Store;
  /** The replicas it sends to: members, and those joining or being rebuilt. */
  private slaves: NodeId[] = [];
  /** Index of this epoch's first entry (the no-op). */
  readonly start: number;
  /** Replicas joining or being rebuilt (membership.ts). */
  readonly joins: Joins;

  constructor(ctx: Ctx, node: ReplicaNode) {
    this.joins = new Joins(ctx.id);
    this.head = new Map(node.base.store);
    for (let i = node.log.base.index + 1; i <= node.log.lastIndex; i++) {
      applyEntry(this.head, node.log.at(i));
    }
    this.syncPeers(node);
    this.start = node.appendEntry(ctx, { epoch: node.epoch });
    node.requestSynced(ctx);
    this.beat(ctx, node);
  }

  /** Sends every slave its next entries (a heartbeat when there are none). */
  beat(ctx: Ctx, node: ReplicaNode): void {
    this.round++;
    for (const slave of this.slaves) this.replicateTo(ctx, node, slave);
    this.joins.onBeat(ctx, node, this);
    ctx.setTimer('beat', node.options.detector.period);
  }

  /**
   * Keeps one nextIndex and matchIndex per replica it sends to (`slaves`): one that joins the
   * list starts after the master's log and holding nothing, as every slave of a new master
   * does; one that leaves it loses them.
   */
  syncPeers(node: ReplicaNode): void {
    const config = node.configuration();
    const peers = new Set([...config.list, ...this.joins.targets()]);
    peers.delete(this.joins.self);
    this.slaves = [...peers];
    for (const id of [...this.nextIndex.keys()]) {
      if (peers.has(id)) continue;
      this.nextIndex.delete(id);
      this.matchIndex.delete(id);
      this.matchBound.delete(id);
    }
    for (const id of this.slaves) {
      if (this.nextIndex.has(id)) continue;
      this.nextIndex.set(id, node.log.lastIndex + 1);
      this.matchIndex.set(id, 0);
    }
  }

  /** Appends an entry of this epoch that is not a client's (a configuration) and ships it. */
  appendOwn(ctx: Ctx, node: ReplicaNode, entry: Entry): number {
    const index = node.appendEntry(ctx, entry);
    node.requestSynced(ctx);
    this.syncPeers(node);
    for (const slave of this.slaves) this.replicateTo(ctx, node, slave);
    return index;
  }

  /** A joining replica's snapshot reply, or a quarantined one's report (membership.ts). */
  onMemberReply(ctx: Ctx, node: ReplicaNode, from: NodeId, msg: SnapshotReply | Damaged): void {
    this.joins.onReply(ctx, node, this, from, msg);
    this.maybeCommit(ctx, node);
  }

  onClientRequest(ctx: Ctx, node: ReplicaNode, msg: ClientRequest): void {
    if (!isWrite(msg.op)) {
      this.reads.push({ client: msg.client, seq: msg.seq, key: msg.op.key ?? '',
        round: this.round + 1, readIndex: node.commit });
      // A local read needs no round of confirmations: it does not ship the log early either.
      return node.options.localReads ? this.maybeServeReads(ctx, node) : this.beat(ctx, node);
    }
    const session = node.sessions.get(msg.client);
    if (session !== undefined && msg.seq < session.seq) return; // an old retry, answered long ago
    if (session !== undefined && msg.seq === session.seq) { // a retry: answer or wait
      if (this.acknowledgeable(node, session.index)) return this.reply(ctx, node, session.index);
      this.waiters.set(session.index, { client: msg.client, seq: msg.seq });
      return;
    }
    if (node.refusals.refusedEarlier(msg.client, msg.seq)) {
      // Refused while this replica was not master (a duplicate, or a retry): refused again.
      return ctx.send(msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'refused-earlier' });
    }
    node.refusals.start(msg.client, msg.seq);
    const entry = decide(this.head, node.epoch, msg.client, msg.seq, msg.op);
    applyEntry(this.head, entry);
    const index = node.appendEntry(ctx, entry);
    this.waiters.set(index, { client: msg.client, seq: msg.seq });
    node.requestSynced(ctx);
    // Modes that wait for slaves ship a write at once. Async replication (and the bug that
    // makes sync behave like it) ships the log at the next heartbeat, as a binlog dump
    // thread does: what was acknowledged since the last one dies with the master.
    if (node.requiredAcks() > 0 && !node.options.ackBeforeReplication) {
      for (const slave of this.slaves) this.replicateTo(ctx, node, slave);
    }
  }

  onReply(ctx: Ctx, node: ReplicaNode, from: NodeId, msg: ReplicateReply): void {
    if (msg.epoch === node.epoch || !node.options.fencing) {
      this.ackedRound.set(from, Math.max(this.ackedRound.get(from) ?? 0, msg.round));
    }
    if (msg.epoch !== node.epoch && node.options.fencing) return;
    if (msg.success) {
      this.matchBound.delete(from);
      const match = Math.max(this.matchIndex.get(from) ?? 0, msg.matchIndex);
      this.matchIndex.set(from, match);
      if ((this.nextIndex.get(from) ?? 1) <= match) this.nextIndex.set(from, match + 1);
      this.joins.onProgress(ctx, node, this, from);
      this.maybeCommit(ctx, node);
      this.joins.onAcknowledged(ctx, node, this);
    } else {
      // A refusal bounds where the slave's log can match until it next accepts: a late reply
      // to an earlier Replicate (which names a higher index) must not undo the backing off.
      const bound = Math.min(this.matchBound.get(from) ?? Infinity, msg.matchIndex + 1);
      this.matchBound.set(from, bound);
      const next = Math.max(1, Math.min((this.nextIndex.get(from) ?? 1) - 1, bound));
      this.nextIndex.set(from, next);
      this.replicateTo(ctx, node, from);
    }
    this.maybeServeReads(ctx, node);
  }

  onLocalDurable(ctx: Ctx, node: ReplicaNode): void {
    this.maybeCommit(ctx, node);
    this.joins.onAcknowledged(ctx, node, this);
    if (node.options.ackBeforeReplication) {
      for (const index of [...this.waiters.keys()]) {
        if (this.acknowledgeable(node, index)) this.reply(ctx, node, index);
      }
    }
    this.maybeServeReads(ctx, node);
  }

  /** Losing mastership: writes in flight may or may not survive; reads did not happen. */
  stepDown(ctx: Ctx, node: ReplicaNode): void {
    for (const [, waiter] of this.waiters) {
      ctx.send(waiter.client, { type: 'ClientReply', seq: waiter.seq, outcome: 'unknown',
        error: 'stepped-down' });
    }
    for (const read of this.reads) {
      ctx.send(read.client, { type: 'ClientReply', seq: read.seq, outcome: 'fail',
        error: 'not-leader' });
    }
    this.waiters.clear();
    this.reads = [];
    this.joins.stepDown(ctx);
    ctx.note('step-down', { epoch: node.epoch });
  }

  /**
   * Commits the highest entry of this epoch that is durable here and on `requiredAcks`
   * slaves (an older epoch's entry is committed only through a later one: Raft §5.4.2), in
   * each configuration an election may still use (`ackQuorums`).
   */
  private maybeCommit(ctx: Ctx, node: ReplicaNode): void {
    const quorums = this.ackQuorums(node);
    const top = Math.min(node.log.lastIndex, node.localDurable);
    for (let index = top; index > node.commit; index--) {
      if (node.log.epochAt(index) !== node.epoch) break;
      if (!quorums.every(({ list, need }) => list.filter((s) => s === this.joins.self ||
        (this.matchIndex.get(s) ?? 0) >= index || this.joins.countsAsHolding(node, s))
        .length >= need)) continue;
      node.advanceCommit(index);
      for (const waiting of [...this.waiters.keys()]) {
        if (waiting <= index) this.reply(ctx, node, waiting);
      }
      return;
    }
  }

  /**
   * The members a write must be durable on, and how many of them (itself included): the
   * master and `requiredAcks` slaves of the configuration in force and, until that
   * configuration is committed (a majority of its members hold it), of the one before it
   * too, as Raft's joint consensus decides with both (thesis §4.3). Replicas that do not
   * hold the new configuration yet still elect with the old one, and semi-sync's copies,
   * fewer than a majority, must meet every majority that can elect: counted in the new
   * configuration alone, a write held by the master and the replica just added was
   * acknowledged, then lost when the old members elected a master without it (fuzz
   * replication --seed 8086, run 1612). A configuration at or below the log's snapshot base
   * was committed before the copy began (one change at a time). Under
   * `count-before-caught-up` the joiner is a member at once in every respect: the
   * configuration in force alone counts.
   */
  private ackQuorums(node: ReplicaNode): { list: readonly NodeId[]; need: number }[] {
    const config = node.configuration();
    const quorums = [{ list: config.list, need: node.requiredAcks() + 1 }];
    if (!node.options.countBeforeCaughtUp && config.index > node.log.base.index &&
      config.index > this.majorityIndex(node)) {
      const { mode, acks, initialMembers } = node.options;
      const before = node.log.configurationAt(config.index - 1, initialMembers);
      quorums.push({ list: before, need: requiredAcks(mode, acks, before.length) + 1 });
    }
    return quorums;
  }

  /**
   * The highest index a majority of the members hold durably (itself included): where a
   * configuration entry is committed whatever the replication mode (membership.ts). Async and
   * semi-sync commit a write on fewer copies, which a failover may lose; a configuration so
   * lost would undo a change the operator was told is done, and two changes could then
   * overlap without a common majority.
   */
  majorityIndex(node: ReplicaNode): number {
    const config = node.configuration();
    const held = config.list.map((id) => id === this.joins.self
      ? Math.min(node.log.lastIndex, node.localDurable) : this.matchIndex.get(id) ?? 0)
      .sort((a, b) => b - a);
    return held[config.quorum - 1] ?? 0;
  }

  /** The slaves that count: members of the configuration in force other than itself. */
  private members(node: ReplicaNode): readonly NodeId[] {
    return node.configuration().list.filter((id) => id !== this.joins.self);
  }

  /** Whether the write at `index` may be acknowledged now. */
  private acknowledgeable(node: ReplicaNode, index: number): boolean {
    if (index <= node.commit) return true;
    return node.options.ackBeforeReplication && index <= node.localDurable;
  }

  private reply(ctx: Ctx, node: ReplicaNode, index: number): void {
    const waiter = this.waiters.get(index);
    this.waiters.delete(index);
    // No waiter: nothing to answer (a retry's entry may lie under a snapshot this master
    // joined by, where only the session's outcome is kept: fuzz replication --seed 7, run 903).
    if (waiter === undefined) return;
    const entry = node.log.at(index);
    assert(entry.client === waiter.client && entry.seq === waiter.seq,
      'a waiter for its own entry');
    ctx.send(waiter.client, entry.outcome === 'ok'
      ? { type: 'ClientReply', seq: waiter.seq, outcome: 'ok', result: entry.result ?? null }
      : { type: 'ClientReply', seq: waiter.seq, outcome: 'fail', error: 'cas-mismatch' });
  }

  /**
   * ReadIndex: answer reads once this epoch has a commit and a majority confirmed it since.
   * With local reads the master's own word is enough (`masterReads: local`).
   */
  private maybeServeReads(ctx: Ctx, node: ReplicaNode): void {
    if (this.reads.length === 0 || node.commit < this.start) return;
    const config = node.configuration();
    const need = node.options.localReads ? 1 : config.quorum;
    const members = this.members(node);
    const waiting: PendingRead[] = [];
    for (const read of this.reads) {
      const confirmed = 1 +
        members.filter((s) => (this.ackedRound.get(s) ?? 0) >= read.round).length;
      if (confirmed < need || node.commit < read.readIndex) {
        waiting.push(read);
        continue;
      }
      ctx.send(read.client, { type: 'ClientReply', seq: read.seq, outcome: 'ok',
        result: node.store.get(read.key) ?? null });
    }
    this.reads = waiting;
  }

  replicateTo(ctx: Ctx, node: ReplicaNode, slave: NodeId): void {
    // A replica receiving a snapshot gets the log after it once it is installed; one that
    // needs entries this master holds only as a snapshot gets that snapshot first.
    if (this.joins.copying(slave)) return;
    const next = this.nextIndex.get(slave) ?? node.log.lastIndex + 1;
    if (next <= node.log.base.index) return this.joins.startCopy(ctx, node, this, slave);
    const entries = node.log.slice(next, node.options.batch);
    ctx.send(slave, { type: 'Replicate', epoch: node.epoch, prevIndex: next - 1,
      prevEpoch: node.log.epochAt(next - 1), entries, commit: node.commit, round: this.round });
    this.nextIndex.set(slave, next + entries.length);
  }
}
