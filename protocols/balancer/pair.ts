/**
 * A balancer pair sharing one virtual address (keepalived's VRRP pair, with a fence it lacks).
 * Each balancer of the pair is `active`, `candidate` or `standby`:
 * - The active one forwards requests only while it holds a lease: a majority of the backends
 *   granted it, for its epoch, `leaseLength` measured from when it asked (minus a drift
 *   `margin`), and it renews every third of that. A backend grants one balancer at a time and
 *   only once the previous holder's lease has run out on its own clock (backend.ts), so two
 *   balancers never hold a lease at once: that is the fence. When its lease runs out before a
 *   renewal, the active steps down, whatever it believes of its peer.
 * - The standby watches the active's heartbeats (`Beat`) with the shared fixed-timeout
 *   detector (protocols/heartbeat). When it suspects the active, it becomes a candidate: it
 *   takes a new epoch (persisted first, so that none is used twice, and of its own parity, so
 *   the two never pick the same one) and asks the backends for a lease, again every eighth of
 *   a lease, until a majority grants it, its peer beats again, or one to two lease lengths
 *   pass; then it backs off as long again before it tries anew (so that the grants a failed
 *   candidate got run out, and of two candidates one finds the backends free). The takeover
 *   therefore takes the detection time plus whatever is left of the old lease.
 * - On becoming active it announces the address to every client (`Announce`, a gratuitous ARP).
 * Backends also refuse attempts from an epoch older than one they granted, so a deposed active
 * learns of its successor from its first forwarded request.
 *
 * n1 starts as the primary and seeks a lease at once; n2 starts as standby; a balancer that
 * restarts starts as standby. The bug `unfenced-takeover` has the standby become active as soon
 * as it suspects its peer, with no lease: a partition between the two, or a pause of the
 * active, gives two active balancers.
 */
import { CorruptRecord, type Micros, type NodeId } from '../../sim/index.js';
import type { DetectorSettings } from '../heartbeat/detector.js';
import { PeerMonitor } from '../heartbeat/peerMonitor.js';
import type { Balancer, Ctx } from './balancer.js';
import type { Beat, LeaseGrant } from './messages.js';

/** Settings of a balancer in a pair. */
export interface PairOptions {
  readonly peer: NodeId;
  readonly primary: boolean;
  /** Epochs of this balancer are ≡ parity (mod 2). */
  readonly parity: 0 | 1;
  readonly leaseLength: Micros;
  readonly margin: number;
  readonly heartbeat: Micros;
  readonly detector: DetectorSettings;
  readonly unfenced: boolean;
}

export type PairRole = 'active' | 'candidate' | 'standby';

/** One balancer's part in the pair; see the file comment. */
export class Pair {
  role: PairRole = 'standby';
  epoch = 0;
  /** Monotonic time the lease ends (Infinity for an unfenced takeover). */
  leaseEnd = -Infinity;
  private highestSeen = 0;
  private round = 0;
  private roundSentAt = 0;
  private readonly grants = new Set<NodeId>();
  private readonly monitor: PeerMonitor;
  /** The peer's epoch in its last beat. */
  private peerEpoch = 0;
  /** After a failed candidacy, until the `seek` timer: no new candidacy. */
  private backingOff = false;

  constructor(private readonly options: PairOptions, private readonly balancer: Balancer) {
    this.monitor = new PeerMonitor(options.detector);
  }

  start(ctx: Ctx): void {
    const stored = ctx.disk.get('epoch');
    this.epoch = stored instanceof CorruptRecord ? 1_000_000 : (stored as number | undefined) ?? 0;
    this.highestSeen = this.epoch;
    this.monitor.watch(ctx, this.options.peer, ctx.monotonic());
    this.setRole(ctx, 'standby');
    if (this.options.primary && stored === undefined) this.seek(ctx, true);
    ctx.setTimer('beat', this.options.heartbeat);
  }

  /** Whether this balancer is active at monotonic time `now`. */
  active(now: Micros): boolean {
    return this.role === 'active' && now < this.leaseEnd;
  }

  /** The peer, when its beats say it is active and it is not suspected. */
  activePeer(): NodeId | undefined {
    const peer = this.options.peer;
    return this.peerEpoch > 0 && this.role !== 'active' && !this.monitor.suspects(peer)
      ? peer : undefined;
  }

  onMessage(ctx: Ctx, from: NodeId, msg: LeaseGrant | Beat): void {
    if (msg.type === 'Beat') return this.onBeat(ctx, from, msg);
    this.onGrant(ctx, from, msg);
  }

  onTimer(ctx: Ctx, name: string): void {
    switch (name) {
      case 'beat':
        return this.onBeatTimer(ctx);
      case 'renew':
        if (this.role === 'standby') return;
        this.askLease(ctx);
        ctx.setTimer('renew', this.role === 'active' ? this.third() : this.retry());
        return;
      case 'candidacy-end':
        if (this.role === 'candidate') this.giveUp(ctx, 'no majority granted a lease');
        return;
      case 'seek':
        this.backingOff = false;
        this.monitor.check(ctx);
        if (this.role === 'standby' && this.monitor.suspects(this.options.peer)) {
          this.seek(ctx, !this.options.unfenced);
        }
        return;
      case 'lease-end':
        if (this.role === 'active' && ctx.monotonic() >= this.leaseEnd) {
          this.stepDown(ctx, 'lease expired');
        }
        return;
      default:
        return;
    }
  }

  /** A backend refused an attempt for an older epoch: a newer balancer is active. */
  superseded(ctx: Ctx): void {
    if (this.role === 'active') this.stepDown(ctx, 'superseded');
  }

  /** An active balancer renews every third of its lease. */
  private third(): Micros {
    return Math.max(1, Math.floor(this.options.leaseLength / 3));
  }

  /** A candidate asks again every eighth of a lease (a refusing backend's lease may end). */
  private retry(): Micros {
    return Math.max(1, Math.floor(this.options.leaseLength / 8));
  }

  private onBeatTimer(ctx: Ctx): void {
    ctx.setTimer('beat', this.options.heartbeat);
    if (this.role === 'active') {
      return ctx.send(this.options.peer, { type: 'Beat', epoch: this.epoch });
    }
    this.monitor.check(ctx);
    if (this.role === 'standby' && !this.backingOff &&
      this.monitor.suspects(this.options.peer)) this.seek(ctx, !this.options.unfenced);
  }

  private onBeat(ctx: Ctx, from: NodeId, msg: Beat): void {
    this.monitor.onHeartbeat(ctx, from);
    this.peerEpoch = msg.epoch;
    this.highestSeen = Math.max(this.highestSeen, msg.epoch);
    // Only an active balancer beats: a candidate gives way; an active one in an older epoch
    // was deposed.
    if (this.role === 'candidate') this.giveUp(ctx, 'the peer is active');
    else if (this.role === 'active' && msg.epoch > this.epoch) {
      this.stepDown(ctx, 'the peer is active in a newer epoch');
    }
  }

  /** Becomes a candidate in a new epoch (or, unfenced, active at once: the bug). */
  private seek(ctx: Ctx, fenced: boolean): void {
    let epoch = this.highestSeen + 1;
    if (epoch % 2 !== this.options.parity) epoch++;
    this.epoch = epoch;
    this.highestSeen = epoch;
    ctx.disk.put('epoch', epoch);
    ctx.disk.sync();
    if (!fenced) {
      // The bug: a suspicion is taken for a fact, and no lease is asked for.
      this.leaseEnd = Infinity;
      return this.becomeActive(ctx);
    }
    this.setRole(ctx, 'candidate');
    this.askLease(ctx);
    ctx.setTimer('renew', this.retry());
    // Long enough to outlast a lease the backends granted the old active just before it
    // failed; drawn, so that two candidates do not give up and retry in step.
    ctx.setTimer('candidacy-end', [this.options.leaseLength, 2 * this.options.leaseLength]);
  }

  private askLease(ctx: Ctx): void {
    this.round++;
    this.roundSentAt = ctx.monotonic();
    this.grants.clear();
    for (const backend of this.balancer.pool) {
      ctx.sendAfterSync(backend, { type: 'LeaseRequest', epoch: this.epoch, round: this.round });
    }
  }

  private onGrant(ctx: Ctx, from: NodeId, msg: LeaseGrant): void {
    if (msg.epoch !== this.epoch || msg.round !== this.round || this.role === 'standby') return;
    this.highestSeen = Math.max(this.highestSeen, msg.holderEpoch);
    if (!msg.granted) {
      if (this.role === 'candidate' && msg.holderEpoch > this.epoch) {
        this.giveUp(ctx, 'a newer epoch holds a lease');
      }
      return;
    }
    this.grants.add(from);
    if (this.grants.size * 2 <= this.balancer.pool.length) return;
    const end = this.roundSentAt + Math.floor(this.options.leaseLength * (1 - this.options.margin));
    if (end <= this.leaseEnd) return;
    this.leaseEnd = end;
    ctx.setTimer('lease-end', Math.max(0, end - ctx.monotonic()));
    if (this.role === 'candidate') this.becomeActive(ctx);
  }

  private becomeActive(ctx: Ctx): void {
    ctx.cancelTimer('candidacy-end');
    this.setRole(ctx, 'active');
    if (Number.isFinite(this.leaseEnd)) ctx.setTimer('renew', this.third());
    else ctx.cancelTimer('renew');
    for (const client of this.balancer.options.clients) {
      ctx.send(client, { type: 'Announce', epoch: this.epoch });
    }
    ctx.send(this.options.peer, { type: 'Beat', epoch: this.epoch });
  }

  /**
   * A candidacy failed: back off for one to two lease lengths, so that the grants it did get
   * run out and one of two competing candidates finds every backend free.
   */
  private giveUp(ctx: Ctx, why: string): void {
    ctx.cancelTimer('candidacy-end');
    ctx.cancelTimer('renew');
    this.grants.clear();
    this.backingOff = true;
    ctx.setTimer('seek', [this.options.leaseLength, 2 * this.options.leaseLength]);
    this.monitor.watch(ctx, this.options.peer, ctx.monotonic());
    this.setRole(ctx, 'standby', why);
  }

  private stepDown(ctx: Ctx, why: string): void {
    this.leaseEnd = -Infinity;
    this.grants.clear();
    ctx.cancelTimer('renew');
    ctx.cancelTimer('lease-end');
    // Watch the peer afresh: it had no reason to beat to us while we led.
    this.monitor.watch(ctx, this.options.peer, ctx.monotonic());
    this.setRole(ctx, 'standby', why);
  }

  private setRole(ctx: Ctx, role: PairRole, why?: string): void {
    this.role = role;
    ctx.note('role', { role, epoch: this.epoch, ...(why === undefined ? {} : { why }) });
  }
}
