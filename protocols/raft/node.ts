/**
 * A Raft server (Ongaro & Ousterhout, extended paper; Ongaro's thesis where named), sans-IO.
 *
 * Every server is a follower, a (pre-)candidate or the leader. A follower that hears nothing
 * from a leader for a randomised election timeout campaigns: with PreVote it first asks
 * whether it could win without changing any term (thesis §9.6), then it increments its term,
 * votes for itself and asks the others for their votes (RequestVote). A voter grants one vote
 * per term, to a candidate whose log is at least as up-to-date as its own (§5.4.1). A majority
 * makes a leader, which appends a no-op of its term and replicates its log with AppendEntries;
 * followers keep only a prefix that matches the leader's (§5.3) and acknowledge what is on
 * their disk. An entry of the leader's own term is committed once a majority holds it
 * (§5.4.2: never by counting replicas of an older term's entry, Figure 8); committed entries
 * are applied in order to a key-value store with client sessions (stateMachine.ts).
 *
 * Durability (Figure 2, "updated on stable storage before responding to RPCs"): a vote and an
 * append acknowledgement go out with `sendAfterSync`, and a leader counts its own log only
 * when its local `Persisted` message says the writes are durable.
 *
 * Log compaction (§7): servers snapshot their state machine and drop the log it covers; a
 * leader brings a follower that needs compacted entries up to date with InstallSnapshot
 * (compaction.ts).
 *
 * Membership changes (thesis chapter 4, membership.ts): the servers that vote are the
 * configuration, the latest `config` entry in a server's log (committed or not) or, before
 * any, its snapshot's or the first one. Every majority (votes, commitment, CheckQuorum,
 * ReadIndex rounds) is a majority of that configuration. A server that knows it is outside
 * it (a spare, or removed by a committed configuration) never campaigns.
 *
 * This file holds the node's state, recovery, dispatch and role changes; the handlers live in
 * election.ts, replication.ts, compaction.ts, clientRequests.ts and membership.ts.
 */
import { assert, assertNever, type NodeContext, type NodeId, type NodeProgram } from
  '../../sim/index.js';
import { failPending, onFlush } from './clientRequests.js';
import { type IncomingSnapshot, onInstallSnapshot, onInstallSnapshotReply } from
  './compaction.js';
import type { BugName, RaftConfig, RaftStats } from './config.js';
import { onElectionTimeout, onRequestVote, onRequestVoteReply, onTimeoutNow } from
  './election.js';
import { RaftLog } from './log.js';
import { type Entry, messageBytes, type RaftMessage, type Snapshot } from './messages.js';
import { recover, saveHardState } from './persistence.js';
import type { PendingRead } from '../readIndex.js';
import { RefusalLedger } from '../refusals.js';
import { onAppendEntries, onAppendEntriesReply, onHeartbeat, onPersisted } from
  './replication.js';
import { onClientRequest } from './clientRequests.js';
import { KvStore } from './stateMachine.js';
import { type AdminWaiter, abandonChanges, onAdminRequest, type Transfer } from
  './membership.js';
import { type CatchUp, Configuration } from '../membership.js';

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';
export type Ctx = NodeContext<RaftMessage>;

/** What a leader knows of one follower (Figure 2, "volatile state on leaders"). */
export interface Progress {
  nextIndex: number;
  matchIndex: number;
  /**
   * What is in flight to this follower, which must be answered before the next: 0 nothing;
   * the last index of an AppendEntries' entries (only a success reaching it, or a rejection,
   * ends the flight, not the answer to an empty AppendEntries sent meanwhile); or Infinity
   * for a snapshot chunk (compaction.ts).
   */
  inflightEnd: number;
  /** Local time of the last reply in the current term (CheckQuorum). */
  lastReply: number;
  /** Highest read round this follower acknowledged in the current term (ReadIndex). */
  ackedRound: number;
  /** The snapshot being sent to this follower (its index, 0 if none) and the next offset. */
  snapshotIndex: number;
  snapshotOffset: number;
}

/** A client write or log read waiting for its entry to apply. */
export interface PendingWrite {
  readonly client: NodeId;
  readonly seq: number;
}

/** A read waiting for its read round (protocols/readIndex.ts). */
export type { PendingRead } from '../readIndex.js';

/** One Raft server. Fields are public for invariants and the inspector; only handlers write. */
export class RaftNode implements NodeProgram<RaftMessage> {
  // Persistent state (Figure 2), mirrored on disk by persistence.ts.
  currentTerm = 0;
  votedFor: NodeId | null = null;
  log = new RaftLog();
  /** The latest snapshot, whose last entry the log starts after (§7). */
  snapshot: Snapshot | undefined;
  /** A snapshot arriving in chunks (InstallSnapshot), until its last chunk. */
  incoming: IncomingSnapshot | undefined;
  // Volatile state.
  role: Role = 'follower';
  leaderId: NodeId | undefined;
  commitIndex = 0;
  lastApplied = 0;
  /** The state machine (the key-value store unless the configuration brings another). */
  readonly kv: KvStore;
  /** Why this node must not take part (damaged hard state), if so: see persistence.ts. */
  disabled: string | undefined;
  /** While > 0: a damaged log was cut; no votes or campaigns until a leader matched this far. */
  repairUpTo = 0;
  /**
   * Durable refusals of client writes and the last term this server stood for as candidate
   * (protocols/refusals.ts): a redirected write is refused definitely once every term this
   * server may have led is settled. A damaged record means it never campaigns again.
   */
  readonly refusals = new RefusalLedger();
  /** Local time the election timeout ends, and the time the armed election timer fires. */
  electionDeadline = 0;
  electionTimerAt = -Infinity;
  /** Local time a current leader was last heard from (PreVote and CheckQuorum leases). */
  lastLeaderContact = -Infinity;
  votes = new Set<NodeId>();
  progress = new Map<NodeId, Progress>();
  /** The leader's own durable log end (it counts towards quorums). */
  selfMatch = 0;
  readonly pendingWrites = new Map<number, PendingWrite>();
  pendingReads: PendingRead[] = [];
  readRound = 0;
  /** Batching (`batchDelay`): the flush timer is armed; the log end last confirmed durable. */
  flushArmed = false;
  confirmedUpTo = 0;
  /** A leader's new servers catching up as non-voting learners (thesis §4.2.1). */
  readonly learners = new Map<NodeId, CatchUp>();
  /** A leader's operator requests waiting for their change to commit. */
  adminWaiting: AdminWaiter[] = [];
  /** A leader's leadership transfer under way (thesis §3.10), if any. */
  transfer: Transfer | undefined;
  /** The first configuration (from the parameters, else every server), set at start. */
  private initialVoters: readonly NodeId[] = [];
  private cachedConfig: Configuration | undefined;
  private cachedSource: readonly NodeId[] | undefined;

  constructor(readonly config: RaftConfig, readonly stats: RaftStats) {
    this.kv = config.machine?.() ?? new KvStore();
  }

  /** Whether bug `name` is switched on. */
  bug(name: BugName): boolean {
    return this.config.bugs.has(name);
  }

  start(ctx: Ctx): void {
    this.initialVoters = this.config.initialVoters ?? ctx.servers;
    const state = recover(ctx.disk);
    this.currentTerm = state.term;
    this.votedFor = state.votedFor;
    this.log = state.log;
    this.snapshot = state.snapshot;
    if (state.snapshot !== undefined) {
      // The snapshot holds committed, applied state (§7): start from it.
      this.kv.restore(state.snapshot.records);
      this.lastApplied = this.commitIndex = state.snapshot.index;
      this.stats.snapshotRestores++;
      ctx.note('restore-snapshot', { index: state.snapshot.index, term: state.snapshot.term });
    }
    this.disabled = state.disabled;
    this.repairUpTo = state.repairUpTo;
    this.refusals.load(ctx.disk);
    if (this.refusals.damaged) ctx.note('quarantine', { reason: 'refusal record unreadable' });
    if (state.repaired.length > 0) ctx.note('copy-repaired', { damaged: state.repaired });
    if (this.disabled !== undefined) ctx.note('disabled', { reason: this.disabled });
    if (this.repairUpTo > 0) ctx.note('repair', { upTo: this.repairUpTo });
    ctx.note('role', { role: this.role, term: this.currentTerm });
    this.resetElectionTimer(ctx);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: RaftMessage): void {
    switch (msg.type) {
      case 'RequestVote':
        return onRequestVote(this, ctx, from, msg);
      case 'RequestVoteReply':
        return onRequestVoteReply(this, ctx, from, msg);
      case 'AppendEntries':
        return onAppendEntries(this, ctx, from, msg);
      case 'AppendEntriesReply':
        return onAppendEntriesReply(this, ctx, from, msg);
      case 'InstallSnapshot':
        return onInstallSnapshot(this, ctx, from, msg);
      case 'InstallSnapshotReply':
        return onInstallSnapshotReply(this, ctx, from, msg);
      case 'TimeoutNow':
        return onTimeoutNow(this, ctx, from, msg);
      case 'Persisted':
        return onPersisted(this, ctx, msg);
      case 'ClientRequest':
        return onClientRequest(this, ctx, msg);
      case 'ClientReply':
        return; // servers are not clients
      case 'AdminRequest':
        return onAdminRequest(this, ctx, from, msg);
      case 'AdminCommand':
      case 'AdminReply':
        return; // the operator's own messages
      default:
        return assertNever(msg, 'message');
    }
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'election') return onElectionTimeout(this, ctx);
    if (name === 'heartbeat') return onHeartbeat(this, ctx);
    if (name === 'flush') return onFlush(this, ctx);
  }

  /** Sends a message and counts it (Raft's own messages only, not client replies). */
  send(ctx: Ctx, to: NodeId, msg: RaftMessage): void {
    if (msg.type !== 'ClientReply') this.count(msg);
    ctx.send(to, msg);
  }

  /** Sends once every write so far is durable, and counts it (as `send` does). */
  sendAfterSync(ctx: Ctx, to: NodeId, msg: RaftMessage): void {
    if (to !== ctx.id && msg.type !== 'ClientReply') this.count(msg);
    ctx.sendAfterSync(to, msg);
  }

  private count(msg: RaftMessage): void {
    this.stats.messages++;
    this.stats.bytes += messageBytes(msg);
  }

  /**
   * The servers this one talks to, in id order: the other voters of its configuration; for a
   * leader also its learners, and, until the configuration that removed them commits, the
   * servers it removed (so they learn of it and stop campaigning). Without membership
   * changes: every other server.
   */
  peers(ctx: Ctx): NodeId[] {
    const config = this.configuration;
    const removing = config.index > this.commitIndex ? this.configurationAt(config.index - 1)
      : undefined;
    return ctx.servers.filter((id) => id !== ctx.id && (config.has(id) ||
      this.learners.has(id) || (removing?.has(id) ?? false)));
  }

  /**
   * The configuration this server uses (thesis §4.1): the latest in its log, committed or
   * not; before any configuration entry, its snapshot's, or the first one.
   */
  get configuration(): Configuration {
    const index = this.log.configIndexes[this.log.configIndexes.length - 1] ?? 0;
    // The entry's voters (or the base list) identify it: a new leader's log may replace a
    // configuration entry by another at the same index.
    const source = index === 0 ? this.baseVoters
      : (this.log.entry(index)?.command as { voters: readonly NodeId[] }).voters;
    const cached = this.cachedConfig;
    if (cached !== undefined && cached.index === index && this.cachedSource === source) {
      return cached;
    }
    const config = this.configurationAt(this.log.lastIndex);
    this.cachedConfig = config;
    this.cachedSource = source;
    return config;
  }

  /** The configuration in effect at log index `index` (at or above the snapshot's). */
  configurationAt(index: number): Configuration {
    const at = this.log.configIndexAt(index);
    if (at === 0) return new Configuration(0, this.baseVoters);
    const command = (this.log.entry(at) as Entry).command;
    assert(command.kind === 'config', 'a configuration index names a configuration entry');
    return new Configuration(at, command.voters);
  }

  /** The voters before any configuration entry in the log: the snapshot's, or the first. */
  private get baseVoters(): readonly NodeId[] {
    return this.snapshot?.voters ?? this.initialVoters;
  }

  /**
   * The voters a snapshot up to `index` records (thesis §5.1): the configuration in effect
   * there, or undefined when that is still the first one (so a run without membership
   * changes writes and sends the snapshots it always did).
   */
  snapshotVoters(index: number): readonly NodeId[] | undefined {
    return this.log.configIndexAt(index) === 0 ? this.snapshot?.voters
      : this.configurationAt(index).list;
  }

  /**
   * Whether this cluster's membership has changed or can: a configuration entry or a
   * snapshot's configuration here, or spares outside the first configuration. Then a server
   * that hears from a leader ignores RequestVote (thesis §4.2.3: removed servers must not
   * disrupt the cluster), as it does with CheckQuorum anyway.
   */
  membershipChanges(ctx: Ctx): boolean {
    return this.log.configIndexes.length > 0 || this.snapshot?.voters !== undefined ||
      this.initialVoters.length < ctx.servers.length;
  }

  /**
   * The match index of each voter of the configuration in force, this leader's own durable
   * log end for itself (the commit rule counts only voters; §4.2.2: a leader being removed
   * does not count itself).
   */
  voterMatches(ctx: Ctx): number[] {
    return this.configuration.list.map((id) => (id === ctx.id ? this.selfMatch
      : this.progress.get(id)?.matchIndex ?? 0));
  }

  /**
   * Whether this server (if it votes) and the followers for which `acked` holds make a
   * majority of the configuration in force (a leader being removed does not count itself,
   * thesis §4.2.2).
   */
  hasQuorum(ctx: Ctx, acked: (progress: Progress) => boolean): boolean {
    const config = this.configuration;
    let count = config.has(ctx.id) ? 1 : 0;
    for (const [id, progress] of this.progress) if (config.has(id) && acked(progress)) count++;
    return count >= config.quorum;
  }

  /** Changes role, noting it for the trace and the visualizer. */
  setRole(ctx: Ctx, role: Role): void {
    this.role = role;
    ctx.note('role', { role, term: this.currentTerm });
  }

  /** Moves to `term` (never backwards), forgetting the vote of the older term; persisted. */
  setTerm(ctx: Ctx, term: number): void {
    assert(term >= this.currentTerm, () => `term ${term} < ${this.currentTerm}`);
    if (term === this.currentTerm) return;
    this.currentTerm = term;
    this.votedFor = null;
    this.leaderId = undefined;
    saveHardState(ctx.disk, term, null);
  }

  /** Records a vote in the current term; persisted. */
  setVote(ctx: Ctx, candidate: NodeId): void {
    assert(this.votedFor === null || this.votedFor === candidate, 'one vote per term');
    this.votedFor = candidate;
    saveHardState(ctx.disk, this.currentTerm, candidate);
  }

  /**
   * Becomes (or stays) a follower in `term` (Figure 2, "Rules for Servers"). It leaves the
   * election timer alone: Figure 2 restarts it only on an AppendEntries from the current
   * leader or on granting a vote, and the callers that are those cases restart it. Restarting
   * it on every higher term seen would let a server that can never win (its log is stale) hold
   * back everyone it asks for a vote: each refusal would restart the voter's timer, so the
   * stale server keeps timing out first and no leader is elected (fuzz raft seed 31337, runs
   * 1044 and 15265).
   */
  becomeFollower(ctx: Ctx, term: number): void {
    const wasLeader = this.role === 'leader';
    const newTerm = term > this.currentTerm;
    this.setTerm(ctx, term);
    if (wasLeader) {
      ctx.cancelTimer('heartbeat');
      ctx.cancelTimer('flush');
      this.flushArmed = false;
      failPending(this, ctx);
      abandonChanges(this, ctx);
      this.progress.clear();
    }
    // Noted on a new term too, so the trace (and the visualizer's lanes) show the term a
    // follower is in, not only the one in which it last changed role.
    if (this.role !== 'follower' || newTerm) this.setRole(ctx, 'follower');
    this.votes.clear();
  }

  /**
   * Restarts the randomised election timeout (§5.2): it now ends a fresh random time from now.
   * A follower restarts it on every AppendEntries, so the engine timer is not moved each time:
   * the armed timer fires no later than the deadline, and `electionTimerFired` re-arms it for
   * the rest when it fires early. The timeout ends exactly when re-arming each time would end
   * it, with one timer event per timeout instead of one per message.
   */
  resetElectionTimer(ctx: Ctx): void {
    const now = ctx.now();
    this.electionDeadline = now + ctx.drawDelay(this.config.electionTimeout);
    if (this.electionTimerAt <= now || this.electionDeadline < this.electionTimerAt) {
      this.armElectionTimer(ctx, now);
    }
  }

  /** The election timer fired: whether the timeout has really ended (else it is re-armed). */
  electionTimerFired(ctx: Ctx): boolean {
    const now = ctx.now();
    if (now >= this.electionDeadline) return true;
    this.armElectionTimer(ctx, now);
    return false;
  }

  private armElectionTimer(ctx: Ctx, now: number): void {
    ctx.setTimer('election', this.electionDeadline - now);
    this.electionTimerAt = this.electionDeadline;
  }

  /** Whether a leader was heard from within the minimum election timeout (thesis §9.6). */
  inLeaderLease(ctx: Ctx): boolean {
    return ctx.now() - this.lastLeaderContact < this.config.electionTimeout[0];
  }
}
