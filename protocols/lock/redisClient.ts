/**
 * A client of a single-instance Redis lock. The correct recipe (the Redis documentation's
 * "Distributed locks with Redis", single instance): `SET lock <client/attempt> NX PX ttl`,
 * which sets the key only if it is absent and gives it an expiry in one command, with the
 * fence counter raised in the same script for a fencing token (`ACQUIRE`); release by
 * compare-and-delete of that value (`RELEASE`), so a client never frees a lock it no longer
 * holds. The lease runs `ttl` minus a drift `margin` from when the client sent the command.
 *
 * The bug switches are the older recipes this one replaced:
 * - `setnx-then-expire`: `SETNX lock v` then `PEXPIRE lock ttl` in a second round trip. A
 *   client that crashes between the two leaves a key without expiry: the lock is held forever.
 * - `delete-without-token`: release with plain `DEL lock`. A client whose lease ran out while it
 *   was paused deletes the next holder's key, and a third client takes the lock.
 * - `getset-race`: the old SETNX-with-timestamp recipe: the value is the holder's expiry time on
 *   its own clock, and the key never expires by itself; a client that finds an expired value
 *   breaks the lock with `DEL` then `SETNX`. Two clients that both find it expired both break
 *   it, the second deleting the first one's fresh lock, and both hold it (the race the Redis
 *   documentation's recipe closed with GETSET).
 * Every recipe takes its fencing token with `INCR fence` once it holds the lock, if the
 * script did not give one.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import { type Ctx, type CycleOptions, LockCycle } from './holder.js';
import type { AnyLockMessage, RedisCmd, RedisReply } from './messages.js';
import { FENCE_KEY, LOCK_KEY } from './redis.js';

/** How the client takes and frees the lock. */
export type RedisRecipe = 'set-nx-px' | 'setnx-then-expire' | 'getset-race';

/** Settings of a Redis lock client. */
export interface RedisClientOptions extends CycleOptions {
  readonly instance: NodeId;
  readonly ttl: Micros;
  readonly margin: number;
  readonly recipe: RedisRecipe;
  /** `del`: the bug `delete-without-token`. */
  readonly releaseBy: 'compare' | 'del';
  /** How long it waits for an answer before it gives the attempt up. */
  readonly timeout: Micros;
}

/** The client that `lock`'s value names (`c2/17` → `c2`). */
export function holderOf(value: string | undefined): NodeId | undefined {
  return value === undefined ? undefined : value.split('/')[0];
}

type Step = 'set' | 'setnx' | 'expire' | 'fence' | 'get' | 'break-del' | 'release';

/** A single-instance Redis lock client; see the file comment. */
export class RedisLockClient extends LockCycle {
  private attempt = 0;
  private commands = 0;
  private pending: { id: number; step: Step } | undefined;
  private value = '';
  private startedAt = 0;

  constructor(private readonly options: RedisClientOptions) {
    super(options);
  }

  protected acquire(ctx: Ctx): void {
    this.attempt++;
    this.startedAt = ctx.monotonic();
    const o = this.options;
    if (o.recipe === 'getset-race') {
      this.value = `${ctx.id}/${ctx.now() + o.ttl}`;
      return this.command(ctx, 'setnx', { op: 'SETNX', key: LOCK_KEY, value: this.value });
    }
    this.value = `${ctx.id}/${this.attempt}`;
    if (o.recipe === 'setnx-then-expire') {
      return this.command(ctx, 'setnx', { op: 'SETNX', key: LOCK_KEY, value: this.value });
    }
    this.command(ctx, 'set', { op: 'ACQUIRE', key: LOCK_KEY, value: this.value, px: o.ttl });
  }

  protected release(ctx: Ctx, _token: number): void {
    const cmd: RedisCmd = this.options.releaseBy === 'del' ? { op: 'DEL', key: LOCK_KEY }
      : { op: 'RELEASE', key: LOCK_KEY, value: this.value };
    this.command(ctx, 'release', cmd);
  }

  protected onOwnTimer(ctx: Ctx, name: string): void {
    if (name !== 'redis-timeout' || this.pending === undefined) return;
    // No answer: the attempt is given up. The command may have set the key: delete it if it
    // holds this attempt's value (as Redlock's clients unlock after a failed attempt), so that
    // nobody waits a ttl for a lock nobody holds.
    const releasing = this.pending.step === 'release';
    this.pending = undefined;
    if (!releasing) {
      ctx.send(this.options.instance, { type: 'Redis', id: ++this.commands,
        cmd: { op: 'RELEASE', key: LOCK_KEY, value: this.value } });
    }
    this.rest(ctx);
  }

  onMessage(ctx: Ctx, _from: NodeId, msg: AnyLockMessage): void {
    if (msg.type !== 'RedisReply' || msg.id !== this.pending?.id) return;
    const step = this.pending.step;
    this.pending = undefined;
    ctx.cancelTimer('redis-timeout');
    if (msg.error !== undefined) return this.rest(ctx);
    this.onReply(ctx, step, msg.value);
  }

  private onReply(ctx: Ctx, step: Step, value: RedisReply['value']): void {
    const o = this.options;
    switch (step) {
      case 'set':
        return typeof value === 'number' ? this.held(ctx, value) : this.rest(ctx);
      case 'setnx':
        if (value !== true) {
          return o.recipe === 'getset-race'
            ? this.command(ctx, 'get', { op: 'GET', key: LOCK_KEY }) : this.rest(ctx);
        }
        return o.recipe === 'setnx-then-expire'
          ? this.command(ctx, 'expire', { op: 'PEXPIRE', key: LOCK_KEY, px: o.ttl })
          : this.command(ctx, 'fence', { op: 'INCR', key: FENCE_KEY });
      case 'expire':
        return this.command(ctx, 'fence', { op: 'INCR', key: FENCE_KEY });
      case 'fence':
        return this.held(ctx, value as number);
      case 'get': {
        // The timestamp recipe: break the lock if its holder's expiry time has passed here.
        const expiry = Number(String(value ?? '').split('/')[1]);
        if (value !== null && !(expiry < ctx.now())) return this.rest(ctx);
        return this.command(ctx, 'break-del', { op: 'DEL', key: LOCK_KEY });
      }
      case 'break-del':
        this.value = `${ctx.id}/${ctx.now() + o.ttl}`;
        return this.command(ctx, 'setnx', { op: 'SETNX', key: LOCK_KEY, value: this.value });
      case 'release':
        return this.rest(ctx);
    }
  }

  private held(ctx: Ctx, token: number): void {
    const o = this.options;
    this.acquired(ctx, token, this.startedAt + Math.floor(o.ttl * (1 - o.margin)));
  }

  private command(ctx: Ctx, step: Step, cmd: RedisCmd): void {
    const id = ++this.commands;
    this.pending = { id, step };
    ctx.send(this.options.instance, { type: 'Redis', id, cmd });
    ctx.setTimer('redis-timeout', this.options.timeout);
  }
}
