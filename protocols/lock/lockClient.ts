/**
 * A client of the lock: it acquires the lease, works for a while, writes to the storage
 * with its token, releases, rests, and starts again. Its lease runs from when it sent the
 * Acquire (the grant may have been delayed), shortened by a margin for clock drift between
 * it and the service. It checks the lease when the grant arrives and trusts it while it
 * works: a pause during the work (a GC pause is an engine fault on the client id) makes it
 * write after the lease expired, which only fencing at the storage can catch.
 */
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { LockMessage } from './messages.js';

type Ctx = NodeContext<LockMessage>;

/** Settings of a lock client. */
export interface LockClientOptions {
  readonly lockService: NodeId;
  readonly storage: NodeId;
  /** Time between the grant and the write. */
  readonly work: number;
  /** Time between a release (or a refusal) and the next attempt. */
  readonly rest: number;
  /** Fraction of the ttl kept as a margin for drift. */
  readonly margin: number;
}

/** A lock client; see the file comment. */
export class LockClient implements NodeProgram<LockMessage> {
  token: number | undefined;
  /** Local time at which this client's lease ends. */
  expiresAt = 0;
  private sentAt = 0;
  private attempt = 0;
  /** An Acquire is outstanding: only its grant may start a lease. */
  private awaiting = false;
  private writes = 0;

  constructor(private readonly options: LockClientOptions) {}

  start(ctx: Ctx): void {
    ctx.setTimer('acquire', [0, this.options.rest]);
  }

  /** Whether this client holds a lease at its local time `now`. */
  holds(now: number): boolean {
    return this.token !== undefined && now < this.expiresAt;
  }

  /** The lease client measures its lease on its wall clock. */
  holdsAt(local: number, _monotonic: number): boolean {
    return this.holds(local);
  }

  leaseRunsAt(local: number, _monotonic: number): boolean {
    return local < this.expiresAt;
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'acquire') {
      this.sentAt = ctx.now();
      this.attempt++;
      this.awaiting = true;
      ctx.send(this.options.lockService, { type: 'Acquire', attempt: this.attempt });
      ctx.setTimer('acquire', this.options.rest * 4); // retry if the answer is lost
    }
    if (name === 'work' && this.token !== undefined) {
      this.writes++;
      ctx.send(this.options.storage, { type: 'Write', token: this.token,
        value: `${ctx.id}.${this.writes}` });
      ctx.send(this.options.lockService, { type: 'Release', token: this.token });
      this.token = undefined;
      ctx.setTimer('acquire', [this.options.rest, 2 * this.options.rest]);
    }
  }

  onMessage(ctx: Ctx, _from: NodeId, msg: LockMessage): void {
    switch (msg.type) {
      case 'Granted': {
        const expiresAt = this.sentAt + Math.floor(msg.ttl * (1 - this.options.margin));
        // A grant for an earlier request (late, or a duplicate) says nothing about this one.
        if (!this.awaiting || msg.attempt !== this.attempt || ctx.now() >= expiresAt) return;
        this.awaiting = false;
        this.token = msg.token;
        this.expiresAt = expiresAt;
        ctx.note('holds', { token: msg.token });
        ctx.cancelTimer('acquire');
        ctx.setTimer('work', this.options.work);
        return;
      }
      case 'Busy':
        if (this.token !== undefined) return; // a stale refusal: this client holds the lock
        ctx.setTimer('acquire', [this.options.rest, 2 * this.options.rest]);
        return;
      default:
        return; // Written and Fenced only end a write; the observer reads the storage
    }
  }
}
