/**
 * A server of the coordination service: a Raft server (protocols/raft, composed, not copied)
 * whose state machine is the tree of zkTree.ts, plus the parts of ZooKeeper that are not
 * replicated, kept by the leader as ZooKeeper's leader keeps them:
 * - session timeouts: clients ping the leader (`ZkPing`); a session not heard from for
 *   `sessionTimeout` on the leader's monotonic clock is ended by an `expire` request the leader
 *   proposes through the log, which deletes its ephemeral nodes. A new leader gives every
 *   session a full timeout from when it took office (ZooKeeper's leader does the same), so an
 *   expiry never comes sooner than a timeout after the client's last ping was sent;
 * - watches: a client watches one node at a time, at the leader (`ZkWatch`, and again with
 *   each ping, as ZooKeeper's clients re-send their watches on reconnecting). When the node is
 *   gone once an entry applies, the leader sends `ZkNotify`, once. The bug `watch-lock-node`
 *   is the client's: it watches the lock node's children, so every change wakes every waiter.
 * A server that stops leading drops its watches; clients re-register them with the next one.
 *
 * Its own proposals go through Raft as client requests from the server's own id, numbered by
 * term (a server leads at most once per term), so Raft's sessions apply each once.
 */
import type { Micros, NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { RaftConfig, RaftStats } from '../raft/config.js';
import type { RaftMessage } from '../raft/messages.js';
import { RaftNode } from '../raft/node.js';
import type { AnyLockMessage, ZkPing, ZkWatchSpec } from './messages.js';
import { ZkTree } from './zkTree.js';

type Ctx = NodeContext<AnyLockMessage>;

/** A wake-up the leader sent: what fired it, and whom it woke. */
export interface Wake {
  readonly cause: string;
  readonly clients: readonly NodeId[];
}

/** Proposals a leader can number within one term. */
const PER_TERM = 1 << 20;

/** A coordination server; see the file comment. */
export class ZkServer implements NodeProgram<AnyLockMessage> {
  readonly raft: RaftNode;
  /** Every wake-up this incarnation sent, in order (read by the observer). */
  readonly wakes: Wake[] = [];
  notifications = 0;
  /** The term in which this server last took office, while it leads. */
  private office = -1;
  private readonly lastPing = new Map<string, Micros>();
  private readonly proposed = new Set<string>();
  private readonly watches = new Map<NodeId, { session: string; spec: ZkWatchSpec;
    signature: string }>();
  private proposals = 0;
  private proxied: { from: Ctx; to: NodeContext<RaftMessage> } | undefined;

  /** `group`: the servers of the service (the Raft cluster), not the storage beside it. */
  constructor(raft: RaftConfig, stats: RaftStats, private readonly sessionTimeout: Micros,
    private readonly group: readonly NodeId[]) {
    this.raft = new RaftNode({ ...raft, machine: () => new ZkTree() }, stats);
  }

  /** The context Raft sees: the same, with the service's servers as its cluster. */
  private inner(ctx: Ctx): NodeContext<RaftMessage> {
    if (this.proxied?.from !== ctx) {
      this.proxied = { from: ctx, to: { ...ctx, servers: this.group } as NodeContext<RaftMessage> };
    }
    return this.proxied.to;
  }

  get tree(): ZkTree {
    return this.raft.kv as ZkTree;
  }

  /** Whether it leads and has applied an entry of its term (so its tree is current). */
  get serving(): boolean {
    const raft = this.raft;
    return raft.role === 'leader' && raft.lastApplied === raft.commitIndex &&
      raft.log.termAt(raft.commitIndex) === raft.currentTerm;
  }

  start(ctx: Ctx): void {
    this.raft.start(this.inner(ctx));
    ctx.setTimer('zk-tick', this.tick());
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyLockMessage): void {
    switch (msg.type) {
      case 'ZkPing':
        this.onPing(ctx, from, msg);
        break;
      case 'ZkWatch':
        this.register(from, msg.session, msg.watch);
        break;
      case 'ClientReply':
        break; // the answer to one of its own proposals
      case 'RequestVote': case 'RequestVoteReply': case 'AppendEntries':
      case 'AppendEntriesReply': case 'InstallSnapshot': case 'InstallSnapshotReply':
      case 'Persisted': case 'ClientRequest':
        this.raft.onMessage(this.inner(ctx), from, msg);
        break;
      default:
        return; // lease, Redis and storage traffic is not for this service
    }
    this.after(ctx);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'zk-tick') this.onTick(ctx);
    else this.raft.onTimer(this.inner(ctx), name);
    this.after(ctx);
  }

  private tick(): Micros {
    return Math.max(1, Math.floor(this.sessionTimeout / 4));
  }

  /** After every handler: follow leadership, and fire the watches an applied entry tripped. */
  private after(ctx: Ctx): void {
    if (this.raft.role !== 'leader') {
      this.office = -1;
      this.watches.clear();
      return;
    }
    if (this.office !== this.raft.currentTerm) {
      // A new office: every session gets a full timeout from now (set at the first tick).
      this.office = this.raft.currentTerm;
      this.lastPing.clear();
      this.proposed.clear();
    }
    this.fire(ctx);
  }

  /** Expires the sessions silent for a timeout. */
  private onTick(ctx: Ctx): void {
    ctx.setTimer('zk-tick', this.tick());
    if (!this.serving) return;
    const now = ctx.monotonic();
    for (const session of this.tree.openSessions()) {
      const last = this.lastPing.get(session);
      if (last === undefined) this.lastPing.set(session, now);
      else if (now - last >= this.sessionTimeout && !this.proposed.has(session)) {
        this.proposed.add(session);
        this.propose(ctx, 'expire', session);
      }
    }
  }

  private propose(ctx: Ctx, f: string, key: string): void {
    this.proposals++;
    const seq = this.raft.currentTerm * PER_TERM + this.proposals;
    ctx.note('zk-propose', { f, key });
    this.raft.onMessage(this.inner(ctx), ctx.id, { type: 'ClientRequest',
      client: ctx.id, seq, op: { f, key, value: null } });
  }

  private onPing(ctx: Ctx, from: NodeId, msg: ZkPing): void {
    const reply = (status: 'ok' | 'expired' | 'not-leader' | 'not-ready') => {
      const hint = this.raft.leaderId;
      ctx.send(from, { type: 'ZkPong', session: msg.session, ping: msg.ping, status,
        ...(status === 'not-leader' && hint !== undefined && hint !== ctx.id
          ? { leaderHint: hint } : {}) });
    };
    if (this.raft.role !== 'leader') return reply('not-leader');
    if (!this.serving) return reply('not-ready');
    if (!this.tree.hasSession(msg.session) || this.proposed.has(msg.session)) {
      return reply('expired');
    }
    this.lastPing.set(msg.session, ctx.monotonic());
    if (msg.watch !== undefined) this.register(from, msg.session, msg.watch);
    reply('ok');
  }

  /**
   * A client's watch, replacing its previous one (the recipe watches one node at a time). It
   * belongs to the session: when the session expires, its watches go with it.
   */
  private register(client: NodeId, session: string, spec: ZkWatchSpec): void {
    if (this.raft.role !== 'leader') return;
    const known = this.watches.get(client);
    if (known !== undefined && known.session === session && known.spec.path === spec.path &&
      known.spec.children === spec.children) return;
    // A children watch fires on any change since the children the client read.
    this.watches.set(client, { session, spec, signature: spec.seen ?? this.signature(spec) });
  }

  private signature(spec: ZkWatchSpec): string {
    return spec.children ? this.tree.children(spec.path).join(',') : '';
  }

  /** Sends a notification for every watch an applied change tripped, once. */
  private fire(ctx: Ctx): void {
    if (!this.serving) return;
    const woken = new Map<string, NodeId[]>();
    for (const [client, { session, spec, signature }] of [...this.watches]) {
      if (!this.tree.hasSession(session)) {
        this.watches.delete(client); // an expired session's watches go with it
        continue;
      }
      const now = this.signature(spec);
      const tripped = spec.children ? now !== signature : !this.tree.exists(spec.path);
      if (!tripped) continue;
      this.watches.delete(client);
      const cause = spec.children ? `children of ${spec.path}: ${now}` : spec.path;
      woken.set(cause, [...(woken.get(cause) ?? []), client]);
      this.notifications++;
      ctx.send(client, { type: 'ZkNotify', path: spec.path });
    }
    for (const [cause, clients] of woken) {
      this.wakes.push({ cause, clients });
      ctx.note('zk-wake', { cause, clients });
    }
  }

  /** The inspector's view. */
  inspect(): unknown {
    return { role: this.raft.role, term: this.raft.currentTerm, commitIndex: this.raft.commitIndex,
      sessions: this.tree.openSessions(), children: this.tree.children('/lock'),
      watches: Object.fromEntries([...this.watches].map(([c, w]) => [c, w.spec.path])) };
  }
}
