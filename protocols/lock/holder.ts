/**
 * What every lock client does, whatever the lock: acquire it, work for `work` while trusting
 * the lease it got, write to the storage with its fencing token, release, rest for `rest` to
 * `2 × rest`, and start again. The lease is measured on the client's monotonic clock from when
 * it began to acquire, so it ends before the lock service could have let anyone else in; a
 * pause during the work (a GC pause) makes the write late, which only the storage's fencing can
 * catch (Kleppmann, "How to do distributed locking", 2016).
 *
 * Each lock (Redis, Redlock, the coordination service) extends `LockCycle` with how it
 * acquires and releases; the observer judges every client through `LockHolder`.
 */
import type { Micros, NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { AnyLockMessage } from './messages.js';

export type Ctx = NodeContext<AnyLockMessage>;

/** A client as the lock's properties judge it. */
export interface LockHolder {
  /** The fencing token of the lock it holds, if it believes it holds one. */
  readonly token: number | undefined;
  /** Whether it holds the lock by its own clocks: local wall time and monotonic time. */
  holdsAt(local: Micros, monotonic: Micros): boolean;
  /** Whether the lease of the last lock it held still runs (after it wrote, too). */
  leaseRunsAt(local: Micros, monotonic: Micros): boolean;
}

/** Whether a program is a lock client. */
export function isLockHolder(program: unknown): program is LockHolder {
  return typeof program === 'object' && program !== null &&
    typeof (program as { holdsAt?: unknown }).holdsAt === 'function';
}

/** The cycle's settings. */
export interface CycleOptions {
  readonly storage: NodeId;
  readonly work: Micros;
  readonly rest: Micros;
}

/** A lock client's cycle; see the file comment. */
export abstract class LockCycle implements NodeProgram<AnyLockMessage>, LockHolder {
  token: number | undefined;
  /** Monotonic time the lease ends; and the last lease's end, kept after the write. */
  leaseEnd = -Infinity;
  lastLeaseEnd = -Infinity;
  private writes = 0;

  constructor(protected readonly cycle: CycleOptions) {}

  holdsAt(_local: Micros, monotonic: Micros): boolean {
    return this.token !== undefined && monotonic < this.leaseEnd;
  }

  leaseRunsAt(_local: Micros, monotonic: Micros): boolean {
    return monotonic < this.lastLeaseEnd;
  }

  start(ctx: Ctx): void {
    ctx.setTimer('rest', [0, this.cycle.rest]);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'rest') return this.acquire(ctx);
    if (name === 'work') return this.onWork(ctx);
    this.onOwnTimer(ctx, name);
  }

  abstract onMessage(ctx: Ctx, from: NodeId, msg: AnyLockMessage): void;

  /** Starts to acquire the lock; ends in `acquired` or `rest`. */
  protected abstract acquire(ctx: Ctx): void;

  /** Releases the lock held with `token`; ends in `rest`. */
  protected abstract release(ctx: Ctx, token: number): void;

  protected abstract onOwnTimer(ctx: Ctx, name: string): void;

  /** The lock is held with `token` until monotonic time `leaseEnd`: work, then write. */
  protected acquired(ctx: Ctx, token: number, leaseEnd: Micros): void {
    if (ctx.monotonic() >= leaseEnd) return this.rest(ctx); // it took too long: no lease left
    this.token = token;
    this.leaseEnd = leaseEnd;
    this.lastLeaseEnd = leaseEnd;
    ctx.note('holds', { token });
    ctx.setTimer('work', this.cycle.work);
  }

  /** Waits before the next attempt. */
  protected rest(ctx: Ctx): void {
    ctx.setTimer('rest', [this.cycle.rest, 2 * this.cycle.rest]);
  }

  /** Gives up the lease (it found it lost) without writing. */
  protected drop(): void {
    this.token = undefined;
    this.leaseEnd = -Infinity;
  }

  private onWork(ctx: Ctx): void {
    const token = this.token;
    if (token === undefined) return;
    this.writes++;
    // The client trusts its lease: it checked it when it got the lock, and writes now.
    ctx.send(this.cycle.storage, { type: 'Write', token, value: `${ctx.id}.${this.writes}` });
    this.drop();
    this.release(ctx, token);
  }
}
