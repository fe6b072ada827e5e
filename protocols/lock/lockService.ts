/**
 * The lock service (the Redis or ZooKeeper lock of the source material): one lock, granted
 * as a lease with a time to live and a fencing token that grows with every grant (Kleppmann,
 * "How to do distributed locking", 2016; Chubby's sequencers, Burrows 2006).
 *
 * The lease runs on the service's monotonic timer: a `lease` timer of `ttl` frees the lock
 * unless the holder released it first. Timers drift with the local clock but are not stepped
 * by NTP. The bug `wall-clock-lease` instead stores an expiry time read from the local wall
 * clock and compares it with `now()` at the next request: a forward clock jump on the service
 * ends every lease at once and the lock is granted while its holder still holds it.
 *
 * Persisted: the last token (before the grant leaves, so a restart never reuses one). After a
 * restart the service waits one ttl before granting, since a lease it granted may still run.
 */
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import { assert, CorruptRecord } from '../../sim/index.js';
import type { LockMessage } from './messages.js';

type Ctx = NodeContext<LockMessage>;

/** Settings of the lock service. */
export interface LockServiceOptions {
  readonly ttl: number;
  readonly wallClockLease: boolean;
}

/** The lock service; see the file comment. */
export class LockService implements NodeProgram<LockMessage> {
  holder: NodeId | undefined;
  token = 0;
  private expiresAt = 0;
  /** Waiting out a lease after a restart, before it grants (read by nemeses). */
  recovering = true;

  constructor(private readonly options: LockServiceOptions) {}

  start(ctx: Ctx): void {
    const stored = ctx.disk.get('token');
    // A corrupt token cannot be trusted to be the highest: skip far ahead of it.
    this.token = stored instanceof CorruptRecord ? 1_000_000 : (stored as number | undefined) ?? 0;
    ctx.setTimer('recover', this.options.ttl);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'recover') this.recovering = false;
    if (name === 'lease' && this.holder !== undefined) this.free(ctx, 'expired');
  }

  onMessage(ctx: Ctx, from: NodeId, msg: LockMessage): void {
    switch (msg.type) {
      case 'Acquire':
        return this.onAcquire(ctx, from, msg.attempt);
      case 'Release':
        if (this.holder === from && msg.token === this.token) this.free(ctx, 'released');
        return;
      default:
        return; // the service only hears clients
    }
  }

  private onAcquire(ctx: Ctx, from: NodeId, attempt: number): void {
    if (this.options.wallClockLease && this.holder !== undefined && ctx.now() >= this.expiresAt) {
      this.free(ctx, 'expired');
    }
    if (this.recovering || (this.holder !== undefined && this.holder !== from)) {
      return ctx.send(from, { type: 'Busy' });
    }
    const before = this.token;
    this.token++;
    this.holder = from;
    ctx.disk.put('token', this.token);
    ctx.disk.sync();
    if (this.options.wallClockLease) this.expiresAt = ctx.now() + this.options.ttl;
    else ctx.setTimer('lease', this.options.ttl);
    ctx.note('grant', { client: from, token: this.token });
    ctx.sendAfterSync(from, { type: 'Granted', token: this.token, ttl: this.options.ttl, attempt });
    assert(this.token > before, 'tokens grow');
  }

  private free(ctx: Ctx, why: string): void {
    ctx.note('free', { client: this.holder, token: this.token, why });
    this.holder = undefined;
    ctx.cancelTimer('lease');
  }
}
