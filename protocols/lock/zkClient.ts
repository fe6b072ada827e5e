/**
 * A client of the coordination service, running ZooKeeper's lock recipe (the ZooKeeper
 * recipes page, "Locks"; Curator's InterProcessMutex):
 * 1. open a session (`createSession`), then ping the leader every third of the session timeout;
 * 2. create an ephemeral sequential node under `/lock`;
 * 3. list the children: if its node has the lowest number, it holds the lock, and that number is
 *    its fencing token;
 * 4. else watch the node just before its own (`exists`, then `ZkWatch`): only that node's
 *    deletion can make it the lowest, so one release wakes one waiter; when notified, go to 3;
 * 5. after the work, write with the token and delete its node; rest, and go to 2.
 * Every request goes to the Raft leader it believes in; a redirection names the next. Every
 * operation is idempotent (a create carries a guid, zkTree.ts), so one that times out or is
 * refused is simply sent again.
 *
 * Its lease is its session: the monotonic time of the last acknowledged ping (or of the
 * session's creation) plus the session timeout, less a drift `margin`. The leader expires a
 * session only a full timeout after the last ping it received, so the lease ends first: a
 * client that believes it holds the lock by its lease does. When a ping comes back `expired`
 * (it was paused, or cut off, past its timeout), its node is gone: it drops what it held and
 * starts over with a new session.
 *
 * The bug `watch-lock-node` watches the lock node's children instead (every waiter on
 * `/lock`): each change of the children wakes every waiter, who all list the children again,
 * the herd effect the recipe avoids.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import type { ClientOperation } from '../../sim/index.js';
import { type Ctx, type CycleOptions, LockCycle } from './holder.js';
import type { AnyLockMessage, ZkWatchSpec } from './messages.js';
import { LOCK_PATH, sequenceOf } from './zkTree.js';

/** Settings of a coordination-service lock client. */
export interface ZkClientOptions extends CycleOptions {
  readonly servers: readonly NodeId[];
  readonly sessionTimeout: Micros;
  readonly margin: number;
  /** The bug `watch-lock-node`. */
  readonly watchLockNode: boolean;
}

type Stage = 'session' | 'create' | 'list' | 'exists' | 'delete';

/** A lock client of the coordination service; see the file comment. */
export class ZkLockClient extends LockCycle {
  session: string | undefined;
  /** Monotonic time its session lease ends (it may hold the lock only before). */
  sessionEnd = -Infinity;
  /** Its lock node, and what it watches while it waits. */
  node: string | undefined;
  watching: ZkWatchSpec | undefined;
  private leader: NodeId;
  private seq = 0;
  private pending: { seq: number; readonly stage: Stage; readonly op: ClientOperation;
    readonly sentAt: Micros } | undefined;
  private pings = 0;
  private creates = 0;
  private readonly pingSent = new Map<number, Micros>();

  constructor(private readonly options: ZkClientOptions) {
    super(options);
    this.leader = options.servers[0] as NodeId;
  }

  protected acquire(ctx: Ctx): void {
    if (this.session === undefined) return this.openSession(ctx);
    this.request(ctx, 'create', { f: 'create', key: LOCK_PATH,
      value: { session: this.session, guid: `${ctx.id}.${++this.creates}` } });
  }

  protected release(ctx: Ctx, _token: number): void {
    const node = this.node;
    this.node = undefined;
    if (node === undefined) return this.rest(ctx);
    this.request(ctx, 'delete', { f: 'delete', key: node, value: null });
  }

  protected onOwnTimer(ctx: Ctx, name: string): void {
    if (name === 'zk-ping') return this.ping(ctx);
    if (name === 'zk-relist' && this.node !== undefined && this.pending === undefined) {
      return this.list(ctx);
    }
    if (name === 'zk-retry' && this.pending !== undefined) {
      // No answer: try the next server.
      this.leader = this.nextServer(this.leader);
      this.pending.seq = this.nextSeq(ctx);
      this.send(ctx);
    }
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyLockMessage): void {
    switch (msg.type) {
      case 'ClientReply':
        return this.onReply(ctx, from, msg);
      case 'ZkPong':
        return this.onPong(ctx, msg.session, msg.ping, msg.status, msg.leaderHint);
      case 'ZkNotify':
        if (this.watching?.path !== msg.path) return;
        this.watching = undefined;
        return this.list(ctx);
      default:
        return;
    }
  }

  private openSession(ctx: Ctx): void {
    this.session = `${ctx.id}.${ctx.prng.int(1, 1_000_000_000)}`;
    this.sessionEnd = -Infinity;
    this.node = undefined;
    this.watching = undefined;
    this.request(ctx, 'session', { f: 'createSession', key: this.session, value: ctx.id });
  }

  /** The session is gone: whatever it held goes with it; start over with a new one. */
  private lost(ctx: Ctx): void {
    ctx.note('session-lost', { session: this.session });
    this.drop();
    this.session = undefined;
    this.node = undefined;
    this.watching = undefined;
    this.pending = undefined;
    ctx.cancelTimer('work');
    ctx.cancelTimer('zk-retry');
    this.rest(ctx);
  }

  private request(ctx: Ctx, stage: Stage, op: ClientOperation): void {
    this.pending = { seq: this.nextSeq(ctx), stage, op, sentAt: ctx.monotonic() };
    this.send(ctx);
  }

  private send(ctx: Ctx): void {
    const pending = this.pending;
    if (pending === undefined) return;
    ctx.send(this.leader, { type: 'ClientRequest', client: ctx.id, seq: pending.seq,
      op: pending.op });
    ctx.setTimer('zk-retry', Math.floor(this.options.sessionTimeout / 4));
  }

  /**
   * A request number above every earlier one, this incarnation's and a crashed one's (Raft's
   * sessions ignore a number at or below the last they applied): its monotonic clock reading,
   * which never goes back, even across a restart.
   */
  private nextSeq(ctx: Ctx): number {
    this.seq = Math.max(this.seq + 1, ctx.monotonic());
    return this.seq;
  }

  private nextServer(after: NodeId): NodeId {
    const list = this.options.servers;
    return list[(list.indexOf(after) + 1) % list.length] as NodeId;
  }

  private onReply(ctx: Ctx, from: NodeId,
    msg: Extract<AnyLockMessage, { type: 'ClientReply' }>): void {
    const pending = this.pending;
    if (pending === undefined || msg.seq !== pending.seq || from !== this.leader) return;
    if (msg.outcome !== 'ok') {
      if (msg.error === 'no-session') return this.lost(ctx);
      this.leader = msg.leaderHint ?? this.nextServer(this.leader);
      // Every operation is idempotent (a create by its guid), so it is asked again under a new
      // number: a server that refused a number refuses it for good.
      pending.seq = this.nextSeq(ctx);
      return this.send(ctx);
    }
    this.pending = undefined;
    ctx.cancelTimer('zk-retry');
    this.onResult(ctx, pending.stage, msg.result, pending.sentAt);
  }

  private onResult(ctx: Ctx, stage: Stage, result: unknown, sentAt: Micros): void {
    switch (stage) {
      case 'session':
        this.extend(sentAt);
        ctx.setTimer('zk-ping', this.pingEvery());
        return this.acquire(ctx);
      case 'create':
        this.node = result as string;
        return this.list(ctx);
      case 'list':
        return this.onChildren(ctx, result as string[]);
      case 'exists': {
        const watched = this.watching;
        if (result !== true || watched === undefined) return this.list(ctx);
        return this.watch(ctx, watched);
      }
      case 'delete':
        return this.rest(ctx);
    }
  }

  private list(ctx: Ctx): void {
    this.request(ctx, 'list', { f: 'getChildren', key: LOCK_PATH, value: null });
  }

  private onChildren(ctx: Ctx, children: readonly string[]): void {
    const node = this.node;
    const mine = node?.slice(LOCK_PATH.length + 1);
    const index = mine === undefined ? -1 : children.indexOf(mine);
    if (node === undefined || index < 0) return this.lost(ctx); // its node went with its session
    if (index === 0) {
      // The lowest, but with no lease left (no ping answered lately): its session may be
      // expiring. It keeps its node and looks again once a ping has come back.
      if (ctx.monotonic() >= this.sessionEnd) return ctx.setTimer('zk-relist', this.pingEvery());
      return this.acquired(ctx, sequenceOf(node), this.sessionEnd);
    }
    if (this.options.watchLockNode) {
      return this.watch(ctx, { path: LOCK_PATH, children: true, seen: children.join(',') });
    }
    const previous = `${LOCK_PATH}/${children[index - 1] as string}`;
    this.watching = { path: previous, children: false };
    this.request(ctx, 'exists', { f: 'exists', key: previous, value: null });
  }

  private watch(ctx: Ctx, spec: ZkWatchSpec): void {
    this.watching = spec;
    if (this.session !== undefined) {
      ctx.send(this.leader, { type: 'ZkWatch', session: this.session, watch: spec });
    }
  }

  private pingEvery(): Micros {
    return Math.max(1, Math.floor(this.options.sessionTimeout / 3));
  }

  private ping(ctx: Ctx): void {
    ctx.setTimer('zk-ping', this.pingEvery());
    if (this.session === undefined) return;
    const ping = ++this.pings;
    this.pingSent.set(ping, ctx.monotonic());
    ctx.send(this.leader, { type: 'ZkPing', session: this.session, ping,
      ...(this.watching === undefined ? {} : { watch: this.watching }) });
  }

  private onPong(ctx: Ctx, session: string, ping: number, status: string,
    hint: NodeId | undefined): void {
    const sentAt = this.pingSent.get(ping);
    this.pingSent.delete(ping);
    if (session !== this.session || sentAt === undefined) return;
    if (status === 'ok') return this.extend(sentAt);
    if (status === 'expired') return this.lost(ctx);
    if (status === 'not-leader') this.leader = hint ?? this.nextServer(this.leader);
  }

  /** The session is alive as of monotonic `sentAt`: the lease runs a timeout from then. */
  private extend(sentAt: Micros): void {
    const end = sentAt + Math.floor(this.options.sessionTimeout * (1 - this.options.margin));
    this.sessionEnd = Math.max(this.sessionEnd, end);
    if (this.token !== undefined) this.leaseEnd = this.lastLeaseEnd = this.sessionEnd;
  }
}
