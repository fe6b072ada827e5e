/**
 * A master-slave replica. One master takes every write, appends it to its log, replicates
 * it to the slaves and acknowledges it once `requiredAcks` slaves hold it durably (0: async,
 * k: semi-sync, all: sync). Slaves apply what the master says is committed and may answer
 * reads (read/write splitting), possibly stale ones.
 *
 * Failover: each slave watches the master with a failure detector (heartbeat/detector.ts),
 * fed by the master's Replicate messages, which double as heartbeats. A slave that suspects
 * the master waits a random delay, then stands for election in the next epoch. Voters grant
 * one vote per epoch (persisted before the vote is sent), only while they suspect the master
 * themselves (so a live master is not deposed by one slave's mistake), and only to a
 * candidate whose log is at least as complete as theirs, compared by (last epoch, last
 * index). A majority of votes makes a master. This is Raft's election (Ongaro and
 * Ousterhout 2014, §5.2 and §5.4.1) started by a failure detector, with Raft's check that a
 * master counts acknowledgements only for entries of its own epoch (§5.4.2). A new master
 * first appends a no-op of its epoch; slaves follow it, and a rejoining old master learns
 * the new epoch, becomes a slave and discards the log suffix the new master never had.
 *
 * Fencing: every Replicate carries the master's epoch; a replica rejects a lower epoch and
 * answers with its own, and a master that hears of a higher epoch steps down. Reads at the
 * master are linearizable: it answers once it has committed an entry of its epoch and a
 * majority has confirmed its epoch after the read arrived (Raft's ReadIndex, §6.4).
 *
 * Refusals (protocols/refusals.ts): a replica that is not master refuses a client's write,
 * and a definite `fail` is a promise never to apply it: the network duplicates messages, and
 * a copy of the request reaching the replica once it is master would otherwise be applied
 * after the client was told it failed (fuzz seed 302, run 43). So the replica records the
 * highest sequence number it refused per client, durably before the refusal goes out, and as
 * master refuses those requests again instead of applying them. A replica that was master
 * may have appended the write itself: its refusal is definite only once a committed entry of
 * an epoch later than the last it stood for has applied here (then every write it appended
 * is applied or can never commit), and only where acknowledged writes survive failover (else
 * a commit proves nothing about the next master); until then it answers `unknown`.
 *
 * Membership (membership.ts, snapshot.ts): the members are the latest configuration entry in
 * the log (else the snapshot's, else the first, `members`); only members vote, count and
 * stand. A new replica, or one whose data was damaged, joins by a snapshot of the master's
 * committed state and then the log after it.
 *
 * Persisted: `meta` = { epoch, votedFor }, the refusal record, the log, and the snapshot a
 * replica joined by (`snapshot`). Commit index and store are rebuilt from the snapshot and
 * from what the master says after a restart.
 */
import { assert, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import { CorruptRecord } from '../../sim/index.js';
import { Configuration } from '../membership.js';
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import { PeerMonitor } from '../heartbeat/peerMonitor.js';
import { type Entry, type LogBase, logName, ReplicationLog, SNAPSHOT_KEY } from './log.js';
import { MasterState } from './master.js';
import type { InstallSnapshot, PreVote, PreVoteReply, Replicate, ReplicationMessage, RequestVote,
  Vote } from './messages.js';
import { ackedWritesSurvive, type ReplicaOptions, requiredAcks } from './options.js';
import { BaseState, type Session, type SnapshotRecord, type StoredSnapshot } from './snapshot.js';
import { onAdminRequest } from './membership.js';
import { RefusalLedger, type WriteFate } from '../refusals.js';
import { applyEntry, isWrite, type Store, writeToken } from './store.js';

/** The role pair of this protocol, as in code, trace and labels. */
export type Role = 'master' | 'slave' | 'candidate';

type Ctx = NodeContext<ReplicationMessage>;

/** One replica; see the file comment. */
export class ReplicaNode implements NodeProgram<ReplicationMessage> {
  role: Role = 'slave';
  epoch = 0;
  /** The highest epoch this node knows to be on its disk. */
  durableEpoch = 0;
  votedFor: NodeId | undefined;
  master: NodeId | undefined;
  readonly log = new ReplicationLog();
  commit = 0;
  /** Entries up to here are durable on this node's disk. */
  localDurable = 0;
  store: Store = new Map();
  /** False once a corrupt record was found: this node neither votes nor stands. */
  eligible = true;
  /**
   * Whether a quarantined node lost only data (its log or snapshot), so a fresh copy makes it
   * whole; false when a promise was lost with the record (its vote, its refusals).
   */
  rebuildable = true;
  /** What the snapshot this node joined by covers (empty without one). */
  base = new BaseState();
  /** A snapshot arriving in chunks: from whom, in which epoch, the records so far. */
  incoming: { from: NodeId; epoch: number; copy: number; total: number;
    records: SnapshotRecord[]; } | undefined;
  /** Last sequence number per client in the log, and its index (client sessions). */
  readonly sessions = new Map<NodeId, Session>();
  /** Durable refusals and the last epoch this replica stood for (see above). */
  readonly refusals = new RefusalLedger();
  /** Index of each client write in the log, by `writeToken` (read by the observer). */
  readonly tokens = new Map<string, number>();
  masterState: MasterState | undefined;
  private votes = new Set<NodeId>();
  private preVotes = new Set<NodeId>();
  private readonly monitor: PeerMonitor;
  private config: Configuration | undefined;

  constructor(readonly options: ReplicaOptions) {
    this.monitor = new PeerMonitor(options.detector);
  }

  start(ctx: Ctx): void {
    const meta = ctx.disk.get('meta');
    // A lost vote is a lost promise: no copy of anyone's data gives it back.
    if (meta instanceof CorruptRecord) this.quarantine(false);
    else if (meta !== undefined) {
      const { epoch, votedFor } = meta as { epoch: number; votedFor?: NodeId };
      this.epoch = epoch;
      this.votedFor = votedFor;
    }
    const snapshot = ctx.disk.get(SNAPSHOT_KEY);
    if (snapshot instanceof CorruptRecord) {
      // The entries it covered are gone, and with them where its log began.
      this.quarantine(true);
    } else {
      const stored = snapshot as StoredSnapshot | undefined;
      if (stored !== undefined) this.base = new BaseState(stored.records);
      if (!this.log.load(ctx.disk, stored?.base)) this.quarantine(true);
    }
    this.store = new Map(this.base.store);
    this.commit = this.log.base.index;
    this.refusals.load(ctx.disk);
    // Damaged, it could no longer keep its promises: abstain like a damaged log.
    if (this.refusals.damaged) this.quarantine(false);
    // A corrupt meta record loses the epoch: take the highest the log proves, and abstain.
    this.epoch = Math.max(this.epoch, this.log.lastEpoch);
    this.durableEpoch = this.epoch;
    this.localDurable = this.log.lastIndex;
    this.rebuildSessions();
    if (!this.eligible) {
      ctx.note('quarantine', { epoch: this.epoch, rebuildable: this.rebuildable });
    }
    this.becomeSlave(ctx, undefined);
    ctx.setTimer('check', this.options.checkInterval);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: ReplicationMessage): void {
    if (!this.eligible && msg.type !== 'Synced') return this.onQuarantined(ctx, from, msg);
    switch (msg.type) {
      case 'Replicate':
        return this.onReplicate(ctx, from, msg);
      case 'ReplicateReply':
        if (msg.epoch > this.epoch && this.options.fencing) return this.adoptEpoch(ctx, msg.epoch);
        return this.masterState?.onReply(ctx, this, from, msg);
      case 'PreVote':
        return this.onPreVote(ctx, from, msg);
      case 'PreVoteReply':
        return this.onPreVoteReply(ctx, from, msg);
      case 'RequestVote':
        return this.onRequestVote(ctx, from, msg);
      case 'Vote':
        return this.onVote(ctx, from, msg);
      case 'Synced':
        return this.onSynced(ctx, msg);
      case 'InstallSnapshot':
        return this.onInstallSnapshot(ctx, from, msg);
      case 'SnapshotReply':
      case 'Damaged':
        if (msg.type === 'SnapshotReply' && msg.epoch > this.epoch && this.options.fencing) {
          return this.adoptEpoch(ctx, msg.epoch);
        }
        return this.masterState?.onMemberReply(ctx, this, from, msg);
      case 'AdminRequest':
        return onAdminRequest(ctx, this, from, msg);
      case 'ClientRequest':
        return this.onClientRequest(ctx, msg);
      case 'ClientReply':
      case 'AdminCommand':
      case 'AdminReply':
        return; // servers are neither clients nor the operator
    }
  }

  /**
   * The members in force (the latest configuration in the log, committed or not: thesis
   * §4.1), with the index of the entry that made it.
   */
  configuration(): Configuration {
    const { index, list } = this.log.configuration(this.options.initialMembers);
    if (this.config?.index !== index || this.config.list !== list) {
      this.config = new Configuration(index, list);
    }
    return this.config;
  }

  /** Slave acknowledgements a write needs in the configuration in force. */
  requiredAcks(): number {
    return requiredAcks(this.options.mode, this.options.acks,
      this.configuration().list.length);
  }

  onTimer(ctx: Ctx, name: string): void {
    switch (name) {
      case 'beat':
        return this.masterState?.beat(ctx, this);
      case 'check':
        ctx.setTimer('check', this.options.checkInterval);
        return this.onCheck(ctx);
      case 'elect':
        if (this.role !== 'master' &&
          (this.master === undefined || this.monitor.suspects(this.master))) {
          this.startPreVote(ctx);
        }
        return;
    }
  }

  /** Whether this node suspects `peer` (for the observer). */
  suspects(peer: NodeId): boolean {
    return this.monitor.suspects(peer);
  }

  /** Persists epoch and vote and asks to be told when they are durable. */
  persistMeta(ctx: Ctx): void {
    const vote = this.votedFor === undefined ? {} : { votedFor: this.votedFor };
    ctx.disk.put('meta', { epoch: this.epoch, ...vote });
    this.requestSynced(ctx);
  }

  /** Sends `Synced` to itself once every write so far is durable. */
  requestSynced(ctx: Ctx): void {
    ctx.sendAfterSync(ctx.id, { type: 'Synced', epoch: this.epoch, lastIndex: this.log.lastIndex,
      lastEpoch: this.log.lastEpoch });
  }

  /** Moves to a higher epoch: forgets the vote and steps down. */
  adoptEpoch(ctx: Ctx, epoch: number): void {
    assert(epoch > this.epoch, () => `epoch ${epoch} is not above ${this.epoch}`);
    this.epoch = epoch;
    this.votedFor = undefined;
    this.persistMeta(ctx);
    this.becomeSlave(ctx, undefined);
  }

  /** Follows `master` (undefined: none known yet, so an election may start). */
  becomeSlave(ctx: Ctx, master: NodeId | undefined): void {
    this.masterState?.stepDown(ctx, this);
    this.masterState = undefined;
    ctx.cancelTimer('beat');
    const changed = this.role !== 'slave' || this.master !== master;
    this.role = 'slave';
    if (this.master !== undefined && this.master !== master) this.monitor.unwatch(this.master);
    this.master = master;
    if (master === undefined) {
      ctx.setTimer('elect', [this.options.electionTimeout, 2 * this.options.electionTimeout]);
    } else if (changed) {
      this.monitor.watch(ctx, master, ctx.monotonic());
      ctx.cancelTimer('elect');
    }
    if (changed) ctx.note('role', { role: 'slave', epoch: this.epoch, master: master ?? null });
  }

  /** Makes the committed prefix grow to `index`, applying entries to the store. */
  advanceCommit(index: number): void {
    assert(index <= this.log.lastIndex, () => `commit ${index} beyond the log`);
    for (let i = this.commit + 1; i <= index; i++) applyEntry(this.store, this.log.at(i));
    if (index > this.commit) this.commit = index;
  }

  /** Appends an entry (master) and records its session and token. */
  appendEntry(ctx: Ctx, entry: Entry): number {
    const index = this.log.append(ctx.disk, entry);
    this.recordSession(entry, index);
    return index;
  }

  /**
   * A node whose disk returned a corrupt record may have lost a vote or an acknowledged entry
   * it promised; answering anything could break what others counted on. It stays silent to
   * servers and unavailable to clients until an operator rebuilds it (TigerBeetle would
   * repair it from its peers; that is not modelled here).
   */
  private onQuarantined(ctx: Ctx, from: NodeId, msg: ReplicationMessage): void {
    // A rebuild (membership.ts): a fresh copy of the master's state replaces the damaged one.
    if (msg.type === 'InstallSnapshot' && this.rebuildable) {
      return this.onInstallSnapshot(ctx, from, msg);
    }
    // It tells a master it is damaged, and how, so an operator's `add` can rebuild it; it
    // acknowledges nothing.
    if (msg.type === 'Replicate') {
      return ctx.send(from, { type: 'Damaged', epoch: this.epoch, rebuildable: this.rebuildable });
    }
    if (msg.type === 'AdminRequest') {
      return ctx.send(from, { type: 'AdminReply', seq: msg.seq, outcome: 'retry',
        error: 'not-leader' });
    }
    if (msg.type !== 'ClientRequest') return;
    // A write it may have appended before the damage cannot be refused definitely.
    const { reply } = this.refusals.answer(ctx.disk, msg,
      { ran: () => undefined, settled: () => false }, { error: 'unavailable' });
    ctx.send(msg.client, reply);
  }

  private quarantine(rebuildable: boolean): void {
    this.eligible = false;
    this.rebuildable &&= rebuildable;
  }

  /**
   * A chunk of a snapshot (snapshot.ts) from the master, for a replica that joins or is
   * rebuilt: fenced like a Replicate; chunks are taken in order (a gap is answered with what
   * arrived, and the master resends from there); the last one installs it.
   */
  private onInstallSnapshot(ctx: Ctx, from: NodeId, msg: InstallSnapshot): void {
    if (msg.epoch < this.epoch && this.options.fencing) {
      ctx.note('fenced', { from, epoch: msg.epoch });
      return ctx.send(from, { type: 'SnapshotReply', epoch: this.epoch, copy: msg.copy,
        received: 0 });
    }
    if (!this.options.fencing && this.role === 'master') return;
    if (msg.epoch > this.epoch && this.options.fencing) this.adoptEpoch(ctx, msg.epoch);
    if (this.role !== 'slave' || this.master !== from) this.becomeSlave(ctx, from);
    this.monitor.onHeartbeat(ctx, from);
    const done = msg.done;
    if (done !== undefined && this.eligible && this.log.holds(done.index, done.indexEpoch)) {
      // It holds the entry the snapshot ends at (the copy installed already and the answer
      // lost, a replica re-added with its log): by Log Matching it holds every entry before,
      // and those after may be acknowledged already, so it keeps its log (Raft's
      // InstallSnapshot rule, §7). A snapshot of its own past that entry proves nothing: in
      // async and semi-sync mode it may hold what a deposed master committed alone, which
      // this master never had (fuzz replication --seed 20261207, run 3987:
      // scenarios/replication/snapshot-from-deposed-master.yaml); it is replaced.
      this.incoming = undefined;
      if (done.index > this.commit) this.advanceCommit(done.index);
      return ctx.send(from, { type: 'SnapshotReply', epoch: this.epoch, copy: msg.copy,
        received: msg.total, installed: done.index });
    }
    const same = (i: typeof this.incoming): i is NonNullable<typeof this.incoming> =>
      i !== undefined && i.from === from && i.epoch === msg.epoch && i.copy === msg.copy;
    let incoming = this.incoming;
    if (msg.offset === 0 && (!same(incoming) || incoming.records.length > 0)) {
      incoming = { from, epoch: msg.epoch, copy: msg.copy, total: msg.total, records: [] };
      this.incoming = incoming;
      ctx.note('snapshot', { event: 'receive', from, total: msg.total });
    }
    const reply = (received: number) => ctx.send(from, { type: 'SnapshotReply',
      epoch: this.epoch, copy: msg.copy, received });
    if (!same(incoming)) return reply(0);
    if (msg.offset !== incoming.records.length) return reply(incoming.records.length);
    incoming.records.push(...msg.records);
    if (msg.done === undefined) return reply(incoming.records.length);
    this.incoming = undefined;
    const { index, indexEpoch, config } = msg.done;
    const base: LogBase = { index, epoch: indexEpoch, log: logName(index),
      ...(config === undefined ? {} : { config }) };
    const records = incoming.records;
    this.log.reset(ctx.disk, base, { base, records } satisfies StoredSnapshot);
    this.base = new BaseState(records);
    this.store = new Map(this.base.store);
    this.commit = index;
    this.localDurable = index;
    this.rebuildSessions();
    const rebuilt = !this.eligible;
    this.eligible = true;
    this.rebuildable = true;
    ctx.note('install-snapshot', { from, index, records: records.length, rebuilt });
    ctx.sendAfterSync(from, { type: 'SnapshotReply', epoch: this.epoch, copy: msg.copy,
      received: records.length, installed: index });
  }

  private onCheck(ctx: Ctx): void {
    const fresh = this.monitor.check(ctx);
    if (this.role === 'slave' && this.master !== undefined && fresh.includes(this.master)) {
      ctx.setTimer('elect', [0, this.options.electionTimeout]);
    }
  }

  private onReplicate(ctx: Ctx, from: NodeId, msg: Replicate): void {
    if (msg.epoch < this.epoch && this.options.fencing) {
      ctx.note('fenced', { from, epoch: msg.epoch });
      // Round 0: the sender's round belongs to its older epoch, and if it now leads ours its
      // rounds count from 1 again; echoing the number would confirm a read for it that no
      // majority confirmed (Raft had this: scenarios/raft/read-round-across-terms.yaml).
      return ctx.send(from, { type: 'ReplicateReply', epoch: this.epoch, success: false,
        matchIndex: this.log.lastIndex, round: 0 });
    }
    if (!this.options.fencing && this.role === 'master') return; // no-fencing: never yield
    if (msg.epoch > this.epoch && this.options.fencing) this.adoptEpoch(ctx, msg.epoch);
    if (this.role !== 'slave' || this.master !== from) this.becomeSlave(ctx, from);
    this.monitor.onHeartbeat(ctx, from);
    if (!this.log.matches(msg.prevIndex, msg.prevEpoch)) {
      return ctx.send(from, { type: 'ReplicateReply', epoch: this.epoch, success: false,
        matchIndex: this.log.retryBelow(msg.prevIndex), round: msg.round });
    }
    msg.entries.forEach((entry, i) => this.receiveEntry(ctx, msg.prevIndex + 1 + i, entry));
    const matchIndex = msg.prevIndex + msg.entries.length;
    const commit = Math.min(msg.commit, matchIndex);
    if (commit > this.commit) this.advanceCommit(commit);
    if (msg.entries.length > 0) this.requestSynced(ctx);
    ctx.sendAfterSync(from, { type: 'ReplicateReply', epoch: this.epoch, success: true, matchIndex,
      round: msg.round });
  }

  private receiveEntry(ctx: Ctx, index: number, entry: Entry): void {
    if (this.log.compacted(index)) return; // covered by its snapshot of committed entries
    if (index <= this.log.lastIndex) {
      if (this.log.epochAt(index) === entry.epoch) return; // already held (Log Matching)
      this.truncateTo(ctx, index - 1);
    }
    const at = this.appendEntry(ctx, entry);
    assert(at === index, () => `entry landed at ${at}, expected ${index}`);
  }

  /** Discards the log after `length`: writes the new master never had. */
  private truncateTo(ctx: Ctx, length: number): void {
    const discarded = this.log.lastIndex - length;
    ctx.note('discard', { from: length + 1, count: discarded });
    if (length < this.log.base.index) {
      // Part of its snapshot is gone too (only when acks do not survive): start empty, and
      // the master sends the log from the start, or a snapshot of its own.
      this.base = new BaseState();
      this.log.reset(ctx.disk, { index: 0, epoch: 0, log: logName(0) },
        { base: { index: 0, epoch: 0, log: logName(0) }, records: [] });
    } else {
      this.log.truncate(ctx.disk, length);
    }
    this.localDurable = Math.min(this.localDurable, length);
    this.rebuildSessions();
    if (length < this.commit) { // an entry applied here is gone (only when acks do not survive)
      this.store = new Map(this.base.store);
      this.commit = this.log.base.index;
      this.advanceCommit(Math.max(length, this.commit));
    }
  }

  /** Whether this node follows a master it does not suspect. */
  private get trustsMaster(): boolean {
    return this.role === 'slave' && this.master !== undefined &&
      !this.monitor.suspects(this.master);
  }

  /** Asks whether a majority would vote for this node in the next epoch (§9.6). */
  private startPreVote(ctx: Ctx): void {
    ctx.setTimer('elect', [this.options.electionTimeout, 2 * this.options.electionTimeout]);
    // Only a member stands: a spare, a replica removed, one still joining, never does.
    if (!this.eligible || !this.configuration().has(ctx.id)) return;
    this.preVotes = new Set([ctx.id]);
    const request: PreVote = { type: 'PreVote', epoch: this.epoch + 1,
      lastIndex: this.log.lastIndex, lastEpoch: this.log.lastEpoch };
    for (const peer of this.configuration().list) if (peer !== ctx.id) ctx.send(peer, request);
    if (this.configuration().isQuorum(this.preVotes)) this.becomeCandidate(ctx);
  }

  private onPreVote(ctx: Ctx, from: NodeId, msg: PreVote): void {
    const granted = msg.epoch > this.epoch && this.role !== 'master' && !this.trustsMaster &&
      this.log.isBehind(msg.lastIndex, msg.lastEpoch);
    ctx.send(from, { type: 'PreVoteReply', epoch: msg.epoch, granted });
  }

  private onPreVoteReply(ctx: Ctx, from: NodeId, msg: PreVoteReply): void {
    if (this.role === 'master' || msg.epoch !== this.epoch + 1 || !msg.granted) return;
    this.preVotes.add(from);
    if (this.configuration().isQuorum(this.preVotes)) this.becomeCandidate(ctx);
  }

  private onRequestVote(ctx: Ctx, from: NodeId, msg: RequestVote): void {
    if (msg.epoch > this.epoch && this.trustsMaster) {
      return ctx.send(from, { type: 'Vote', epoch: this.epoch, granted: false });
    }
    if (msg.epoch > this.epoch) this.adoptEpoch(ctx, msg.epoch);
    const granted = this.eligible && msg.epoch === this.epoch && this.role !== 'master' &&
      (this.votedFor === undefined || this.votedFor === from) &&
      this.log.isBehind(msg.lastIndex, msg.lastEpoch);
    if (granted) {
      this.votedFor = from;
      this.persistMeta(ctx);
      ctx.setTimer('elect', [this.options.electionTimeout, 2 * this.options.electionTimeout]);
    }
    ctx.sendAfterSync(from, { type: 'Vote', epoch: this.epoch, granted });
  }

  private becomeCandidate(ctx: Ctx): void {
    ctx.setTimer('elect', [this.options.electionTimeout, 2 * this.options.electionTimeout]);
    if (!this.eligible || !this.configuration().has(ctx.id)) return;
    this.epoch++;
    this.votedFor = ctx.id;
    // Bounds what it may append as master, durably before it can be master (one sync).
    this.refusals.extend(ctx.disk, this.epoch);
    this.persistMeta(ctx);
    this.role = 'candidate';
    if (this.master !== undefined) this.monitor.unwatch(this.master);
    this.master = undefined;
    this.votes = new Set([ctx.id]);
    this.preVotes = new Set();
    ctx.note('role', { role: 'candidate', epoch: this.epoch });
    const request: RequestVote = { type: 'RequestVote', epoch: this.epoch,
      lastIndex: this.log.lastIndex, lastEpoch: this.log.lastEpoch };
    for (const peer of this.configuration().list) {
      if (peer !== ctx.id) ctx.sendAfterSync(peer, request);
    }
    if (this.configuration().isQuorum(this.votes)) this.becomeMaster(ctx);
  }

  private onVote(ctx: Ctx, from: NodeId, msg: Vote): void {
    if (msg.epoch > this.epoch) return this.adoptEpoch(ctx, msg.epoch);
    if (this.role !== 'candidate' || msg.epoch !== this.epoch || !msg.granted) return;
    this.votes.add(from);
    if (this.configuration().isQuorum(this.votes)) this.becomeMaster(ctx);
  }

  private becomeMaster(ctx: Ctx): void {
    assert(this.role === 'candidate', 'only a candidate becomes master');
    assert(this.votedFor === ctx.id, 'a master voted for itself');
    this.role = 'master';
    this.master = ctx.id;
    ctx.cancelTimer('elect');
    ctx.note('role', { role: 'master', epoch: this.epoch });
    this.masterState = new MasterState(ctx, this);
  }

  private onSynced(ctx: Ctx, msg: ReplicationMessage & { type: 'Synced' }): void {
    this.durableEpoch = Math.max(this.durableEpoch, msg.epoch);
    if (this.log.matches(msg.lastIndex, msg.lastEpoch) && msg.lastIndex > this.localDurable) {
      this.localDurable = msg.lastIndex;
    }
    this.masterState?.onLocalDurable(ctx, this);
  }

  private onClientRequest(ctx: Ctx, msg: ClientRequest): void {
    if (this.masterState !== undefined) return this.masterState.onClientRequest(ctx, this, msg);
    if (!isWrite(msg.op) && this.options.slaveReads) {
      const value = this.store.get(msg.op.key ?? '') ?? null;
      return ctx.send(msg.client,
        { type: 'ClientReply', seq: msg.seq, outcome: 'ok', result: value });
    }
    const hint = this.master !== undefined && this.master !== ctx.id
      ? { leaderHint: this.master } : {};
    const { reply, afterSync } = this.refusals.answer(ctx.disk, msg, this.writeFate(ctx, msg),
      { error: this.master === undefined ? 'unavailable' : 'not-leader', ...hint });
    if (afterSync) ctx.sendAfterSync(msg.client, reply);
    else ctx.send(msg.client, reply);
  }

  /** What a slave knows of a client's write (see the file comment on refusals). */
  private writeFate(ctx: Ctx, msg: ClientRequest): WriteFate {
    const survive = ackedWritesSurvive(this.requiredAcks(), this.configuration().list.length);
    return {
      ran: () => {
        const session = this.sessions.get(msg.client);
        if (session === undefined || msg.seq > session.seq) return undefined;
        // Long answered, or in the log but not committed: it may commit yet.
        if (msg.seq < session.seq || session.index > this.commit) return 'unknown';
        const entry = this.log.compacted(session.index) ? session : this.log.at(session.index);
        return entry.outcome === 'ok' ? { outcome: 'ok', result: entry.result ?? null }
          : { outcome: 'fail', error: 'cas-mismatch' };
      },
      settled: (epoch) => epoch === 0 || (survive && this.log.epochAt(this.commit) > epoch),
    };
  }

  private rebuildSessions(): void {
    this.sessions.clear();
    this.tokens.clear();
    for (const [client, session] of this.base.sessions) this.sessions.set(client, session);
    for (const [token, index] of this.base.tokens) this.tokens.set(token, index);
    for (let i = this.log.base.index + 1; i <= this.log.lastIndex; i++) {
      this.recordSession(this.log.at(i), i);
    }
  }

  private recordSession(entry: Entry, index: number): void {
    if (entry.client === undefined || entry.seq === undefined || entry.op === undefined) return;
    this.sessions.set(entry.client, { seq: entry.seq, index });
    this.tokens.set(writeToken(entry.op), index);
  }
}
