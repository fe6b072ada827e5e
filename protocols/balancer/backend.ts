/**
 * A backend of the pool: a stateless service with `workers` workers and a FIFO queue of at
 * most `queueLimit` requests. A request takes an exponential service time of mean
 * `serviceTime` times the backend's `slowness`; a full queue refuses a request at once
 * (`Refused overloaded`, an HTTP 503 that says it did not run). `get` requests read; `order`
 * requests are not idempotent: each one that runs is applied (recorded in `applied`, which
 * the observer reads), as an order service would book it.
 *
 * It de-duplicates attempts by id, as a TCP connection would (the simulated network may copy a
 * message; a real one delivers a stream once). Health probes are answered at once by a
 * separate thread, with the load since the prober's previous probe and the requests outstanding.
 *
 * For a balancer pair it is a lease witness (balancer.ts): it grants one balancer at a time a
 * lease of `leaseLength` on its monotonic clock, for an epoch at least as high as any it has
 * granted or served, and refuses attempts from an older epoch (the fence). It keeps only a boot
 * marker on disk: after a restart it grants nothing for one lease length, since a lease it
 * granted before the crash may still run (grants wait for the marker to be durable, so a crash
 * cannot lose the marker and keep a grant).
 */
import type { ClientOperation, Micros, NodeContext, NodeId, NodeProgram } from
  '../../sim/index.js';
import type { AnyBalancerMessage, Forward, LeaseRequest } from './messages.js';

type Ctx = NodeContext<AnyBalancerMessage>;

/** Settings of a backend. */
export interface BackendOptions {
  readonly workers: number;
  readonly queueLimit: number;
  readonly serviceTime: Micros;
  readonly slowness: number;
  readonly leaseLength: Micros;
}

/** An order a backend applied, for the observer. */
export interface AppliedOrder {
  readonly request: string;
  readonly attempt: string;
  readonly client: NodeId;
  readonly seq: number;
}

/** A backend; see the file comment. */
export class Backend implements NodeProgram<AnyBalancerMessage> {
  /** Attempts received (distinct), by this incarnation. */
  received = 0;
  readonly applied: AppliedOrder[] = [];
  private readonly seen = new Set<string>();
  private readonly queue: { from: NodeId; msg: Forward }[] = [];
  private readonly running = new Map<string, { from: NodeId; msg: Forward }>();
  private jobs = 0;
  /** Busy worker-microseconds since start, and when it was last brought up to date. */
  private busyIntegral = 0;
  private busySince = 0;
  private readonly lastProbe = new Map<NodeId, { at: Micros; integral: number }>();
  private lease: { holder: NodeId; epoch: number; until: Micros } | undefined;
  private highestEpoch = 0;
  private startedAt = 0;
  /** Whether this is a restart (a lease granted before the crash may still run). */
  private restarted = false;

  constructor(private readonly options: BackendOptions) {}

  start(ctx: Ctx): void {
    this.startedAt = ctx.monotonic();
    this.busySince = this.startedAt;
    this.restarted = ctx.disk.get('booted') !== undefined;
    ctx.disk.put('booted', true);
    ctx.disk.sync();
  }

  /** Share of its workers busy from its start to monotonic time `now`. */
  utilization(now: Micros): number {
    const busy = this.busyIntegral + this.running.size * (now - this.busySince);
    const span = (now - this.startedAt) * this.options.workers;
    return span <= 0 ? 0 : Math.min(1, busy / span);
  }

  /** Requests queued or in service. */
  get outstanding(): number {
    return this.queue.length + this.running.size;
  }

  /** Its workers, queue and lease now, as the visualizer draws them. */
  load(now: Micros): { busy: number; workers: number; queued: number; queueLimit: number;
    lease: { holder: NodeId; epoch: number } | undefined } {
    const lease = this.lease !== undefined && now < this.lease.until
      ? { holder: this.lease.holder, epoch: this.lease.epoch } : undefined;
    return { busy: this.running.size, workers: this.options.workers, queued: this.queue.length,
      queueLimit: this.options.queueLimit, lease };
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyBalancerMessage): void {
    switch (msg.type) {
      case 'Forward':
        return this.onForward(ctx, from, msg);
      case 'Probe':
        return ctx.send(from, { type: 'ProbeAnswer', round: msg.round,
          load: this.loadFor(ctx, from), outstanding: this.outstanding });
      case 'LeaseRequest':
        return this.onLeaseRequest(ctx, from, msg);
      default:
        return; // answers and client traffic are not for a backend
    }
  }

  onTimer(ctx: Ctx, name: string): void {
    const job = this.running.get(name);
    if (job === undefined) return;
    this.account(ctx);
    this.running.delete(name);
    const { from, msg } = job;
    if (msg.op.f === 'order') {
      this.applied.push({ request: msg.request, attempt: msg.id, client: msg.client, seq: msg.seq });
    }
    ctx.send(from, { type: 'Served', id: msg.id, result: answer(ctx.id, msg.op),
      outstanding: this.outstanding });
    this.startNext(ctx);
  }

  private onForward(ctx: Ctx, from: NodeId, msg: Forward): void {
    if (this.seen.has(msg.id)) return; // a copy the transport would have dropped
    this.seen.add(msg.id);
    this.received++;
    if (msg.epoch < this.highestEpoch) {
      return ctx.send(from, { type: 'Refused', id: msg.id, reason: 'stale-epoch',
        outstanding: this.outstanding });
    }
    this.highestEpoch = msg.epoch;
    if (this.queue.length >= this.options.queueLimit) {
      return ctx.send(from, { type: 'Refused', id: msg.id, reason: 'overloaded',
        outstanding: this.outstanding });
    }
    this.queue.push({ from, msg });
    this.startNext(ctx);
  }

  private startNext(ctx: Ctx): void {
    while (this.running.size < this.options.workers && this.queue.length > 0) {
      const job = this.queue.shift() as { from: NodeId; msg: Forward };
      this.account(ctx);
      const name = `job.${++this.jobs}`;
      this.running.set(name, job);
      const mean = this.options.serviceTime * this.options.slowness;
      ctx.setTimer(name, Math.max(1, Math.round(ctx.prng.exponential(mean))));
    }
  }

  /** Brings the busy integral up to now (before the number of running jobs changes). */
  private account(ctx: Ctx): void {
    const now = ctx.monotonic();
    this.busyIntegral += this.running.size * (now - this.busySince);
    this.busySince = now;
  }

  /** Share of workers busy since `prober`'s previous probe. */
  private loadFor(ctx: Ctx, prober: NodeId): number {
    this.account(ctx);
    const now = ctx.monotonic();
    const last = this.lastProbe.get(prober) ?? { at: this.startedAt, integral: 0 };
    this.lastProbe.set(prober, { at: now, integral: this.busyIntegral });
    const span = now - last.at;
    if (span <= 0) return 0;
    return Math.min(1, (this.busyIntegral - last.integral) / (span * this.options.workers));
  }

  private onLeaseRequest(ctx: Ctx, from: NodeId, msg: LeaseRequest): void {
    const now = ctx.monotonic();
    const lease = this.lease;
    const heldByOther = lease !== undefined && lease.holder !== from && now < lease.until;
    const recovering = this.restarted && now < this.startedAt + this.options.leaseLength;
    const granted = !recovering && !heldByOther && msg.epoch >= this.highestEpoch;
    if (granted) {
      this.lease = { holder: from, epoch: msg.epoch, until: now + this.options.leaseLength };
      this.highestEpoch = msg.epoch;
    }
    ctx.sendAfterSync(from, { type: 'LeaseGrant', epoch: msg.epoch, round: msg.round, granted,
      holderEpoch: this.highestEpoch });
  }
}

/** What a request answers: a read returns who served it, an order its booking. */
function answer(backend: NodeId, op: ClientOperation): unknown {
  return op.f === 'order' ? `booked by ${backend}` : `${op.key ?? ''}@${backend}`;
}
