/**
 * A Redis instance, as far as a lock uses it: keys with an optional expiry, the commands `SET
 * key value NX PX ms`, `SETNX`, `PEXPIRE`, `GET`, `DEL` and `INCR`, and two Lua scripts run
 * atomically as Redis runs scripts: `ACQUIRE` (SET NX PX, and when it set the key, INCR the
 * fence counter: the fencing token) and `RELEASE` (delete the key only if it still holds the
 * caller's value: compare-and-delete). Commands run one at a time, in arrival order.
 *
 * Expiry: Redis stores absolute expiry times and compares them with its wall clock
 * (`expiryClock: wall`), so a forward step of that clock ends every lease at once: Kleppmann's
 * first objection to Redlock. `expiryClock: monotonic` measures them on the monotonic clock
 * instead, the fix antirez proposed in reply.
 *
 * Restarts: keys are kept in memory only (no fsync), and a restarted instance answers
 * `LOADING` to everything for one lock ttl: antirez's "delayed restarts", so that a lease it
 * granted before the crash has run out before it grants again. The counters `INCR` raises are
 * persisted before the answer (so a fencing token is never issued twice), and so is a boot
 * marker that tells a restart from a first boot.
 */
import { CorruptRecord, type Micros, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { Ctx } from './holder.js';
import type { AnyLockMessage, RedisCmd, RedisReply } from './messages.js';

/** Settings of an instance. */
export interface RedisOptions {
  /** How long a restarted instance answers LOADING: the lock ttl. */
  readonly ttl: Micros;
  readonly expiryClock: 'wall' | 'monotonic';
}

interface Entry {
  readonly value: string;
  expiresAt: Micros | undefined;
}

/** The key the lock uses, and the fence counter's. */
export const LOCK_KEY = 'lock';
export const FENCE_KEY = 'fence';

/** A Redis instance; see the file comment. */
export class RedisServer implements NodeProgram<AnyLockMessage> {
  readonly keys = new Map<string, Entry>();
  private loadingUntil = -Infinity;

  constructor(private readonly options: RedisOptions) {}

  start(ctx: Ctx): void {
    if (ctx.disk.get('booted') !== undefined) {
      this.loadingUntil = ctx.monotonic() + this.options.ttl;
    }
    ctx.disk.put('booted', true);
    ctx.disk.sync();
  }

  /** Whether it waits out a restart at monotonic time `now` (read by nemeses). */
  loading(now: Micros): boolean {
    return now < this.loadingUntil;
  }

  /** The time on the clock keys expire by (wall or monotonic), given both readings. */
  expiryNow(local: Micros, monotonic: Micros): Micros {
    return this.options.expiryClock === 'wall' ? local : monotonic;
  }

  /** The lock key's value at time `now` of its expiry clock, for nemeses and the inspector. */
  lockValue(local: Micros, monotonic: Micros): string | undefined {
    const entry = this.keys.get(LOCK_KEY);
    const now = this.expiryNow(local, monotonic);
    return entry === undefined || (entry.expiresAt !== undefined && now >= entry.expiresAt)
      ? undefined : entry.value;
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyLockMessage): void {
    if (msg.type !== 'Redis') return;
    // Answers wait for the disk: the boot marker and any counter the command raised.
    const reply = (value: RedisReply['value'], error?: 'LOADING') => ctx.sendAfterSync(from,
      { type: 'RedisReply', id: msg.id, value, ...(error === undefined ? {} : { error }) });
    if (this.loading(ctx.monotonic())) return reply(null, 'LOADING');
    reply(this.run(ctx, msg.cmd));
  }

  onTimer(): void {}

  private now(ctx: Ctx): Micros {
    return this.options.expiryClock === 'wall' ? ctx.now() : ctx.monotonic();
  }

  /** The live entry of `key` (an expired one is deleted first, as Redis expires lazily). */
  private get(ctx: Ctx, key: string): Entry | undefined {
    const entry = this.keys.get(key);
    if (entry?.expiresAt !== undefined && this.now(ctx) >= entry.expiresAt) {
      this.keys.delete(key);
      return undefined;
    }
    return entry;
  }

  private run(ctx: Ctx, cmd: RedisCmd): RedisReply['value'] {
    switch (cmd.op) {
      case 'SET':
        return this.setNx(ctx, cmd.key, cmd.value, cmd.px) ? 'OK' : null;
      case 'SETNX':
        return this.setNx(ctx, cmd.key, cmd.value, undefined);
      case 'PEXPIRE': {
        const entry = this.get(ctx, cmd.key);
        if (entry !== undefined) entry.expiresAt = this.now(ctx) + cmd.px;
        return entry !== undefined;
      }
      case 'GET':
        return this.get(ctx, cmd.key)?.value ?? null;
      case 'DEL':
        return this.get(ctx, cmd.key) !== undefined && this.keys.delete(cmd.key);
      case 'INCR':
        return this.incr(ctx, cmd.key);
      case 'ACQUIRE':
        return this.setNx(ctx, cmd.key, cmd.value, cmd.px) ? this.incr(ctx, FENCE_KEY) : null;
      case 'RELEASE':
        return this.get(ctx, cmd.key)?.value === cmd.value && this.keys.delete(cmd.key);
    }
  }

  private setNx(ctx: Ctx, key: string, value: string, px: Micros | undefined): boolean {
    if (this.get(ctx, key) !== undefined) return false;
    this.keys.set(key, { value, expiresAt: px === undefined ? undefined : this.now(ctx) + px });
    return true;
  }

  private incr(ctx: Ctx, key: string): number {
    const stored = ctx.disk.get(`incr/${key}`);
    // A damaged counter cannot be trusted to be the highest: skip far ahead of it.
    const value = (stored instanceof CorruptRecord ? 1_000_000 : (stored as number | undefined) ??
      0) + 1;
    ctx.disk.put(`incr/${key}`, value);
    return value;
  }

  /** The inspector's view. */
  inspect(): unknown {
    return Object.fromEntries([...this.keys].map(([k, e]) => [k, e.value]));
  }
}
