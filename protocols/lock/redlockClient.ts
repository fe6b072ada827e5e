/**
 * A Redlock client (the Redis documentation's "Distributed locks with Redis", N independent
 * instances). To acquire, it notes its monotonic time, sends `SET lock <value> NX PX ttl` (the
 * `ACQUIRE` script, which also raises each instance's fence counter) to every instance, and
 * waits for the answers, at most `timeout` (small next to the ttl, so a dead instance does not
 * eat the lease). It holds the lock when a majority set the key and time is left: the validity
 * is the ttl, minus the time acquiring took, minus a drift allowance of 1% of the ttl plus
 * 2ms. Otherwise it releases every instance at once and rests. Release is compare-and-delete
 * on every instance.
 *
 * Fencing: Redlock has no counter that grows with every grant (Kleppmann's second objection).
 * The token here is the highest of the fence counters the majority returned: it grows with
 * grants that share an instance with the previous one, which every two majorities do, but an
 * instance outside the new majority can have counted higher. So the storage's fencing keeps
 * writes in token order, and may refuse a holder whose token came out low.
 *
 * Its safety rests on the instances' clocks (`expiryClock: wall` is Redis: a step forward on
 * one instance expires its key early, and a second client can win a majority) and on bounded
 * pauses: the scenarios of scenarios/lock/ show both breaking it.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import { type Ctx, type CycleOptions, LockCycle } from './holder.js';
import type { AnyLockMessage } from './messages.js';
import { LOCK_KEY } from './redis.js';

/** Settings of a Redlock client. */
export interface RedlockOptions extends CycleOptions {
  readonly instances: readonly NodeId[];
  readonly ttl: Micros;
  /** How long it waits for the instances' answers. */
  readonly timeout: Micros;
}

/** Redlock's clock drift allowance for a ttl: 1% of it plus 2ms (the reference clients'). */
export function driftAllowance(ttl: Micros): Micros {
  return Math.floor(ttl * 0.01) + 2_000;
}

/** A Redlock client; see the file comment. */
export class RedlockClient extends LockCycle {
  private attempt = 0;
  private commands = 0;
  private value = '';
  private startedAt = 0;
  /** The acquisition in progress: command id → instance, and the tokens answered. */
  private round: { ids: Map<number, NodeId>; tokens: Map<NodeId, number>; answers: number } |
    undefined;

  constructor(private readonly options: RedlockOptions) {
    super(options);
  }

  protected acquire(ctx: Ctx): void {
    this.attempt++;
    this.value = `${ctx.id}/${this.attempt}`;
    this.startedAt = ctx.monotonic();
    const ids = new Map<number, NodeId>();
    for (const instance of this.options.instances) {
      const id = ++this.commands;
      ids.set(id, instance);
      ctx.send(instance, { type: 'Redis', id, cmd: { op: 'ACQUIRE', key: LOCK_KEY,
        value: this.value, px: this.options.ttl } });
    }
    this.round = { ids, tokens: new Map(), answers: 0 };
    ctx.setTimer('redlock-round', this.options.timeout);
  }

  protected release(ctx: Ctx, _token: number): void {
    this.releaseAll(ctx);
    this.rest(ctx);
  }

  protected onOwnTimer(ctx: Ctx, name: string): void {
    if (name === 'redlock-round') this.decide(ctx);
  }

  onMessage(ctx: Ctx, _from: NodeId, msg: AnyLockMessage): void {
    const round = this.round;
    if (msg.type !== 'RedisReply' || round === undefined) return;
    const instance = round.ids.get(msg.id);
    if (instance === undefined) return; // an answer to an earlier round, or a copy
    round.ids.delete(msg.id);
    round.answers++;
    if (typeof msg.value === 'number') round.tokens.set(instance, msg.value);
    if (round.answers === this.options.instances.length) this.decide(ctx);
  }

  /** With every answer in, or at the round's end: hold the lock, or give the attempt up. */
  private decide(ctx: Ctx): void {
    const round = this.round;
    if (round === undefined) return;
    this.round = undefined;
    ctx.cancelTimer('redlock-round');
    const o = this.options;
    const validity = o.ttl - (ctx.monotonic() - this.startedAt) - driftAllowance(o.ttl);
    const quorum = Math.floor(o.instances.length / 2) + 1;
    if (round.tokens.size >= quorum && validity > 0) {
      return this.acquired(ctx, Math.max(...round.tokens.values()),
        this.startedAt + o.ttl - driftAllowance(o.ttl));
    }
    this.releaseAll(ctx);
    this.rest(ctx);
  }

  private releaseAll(ctx: Ctx): void {
    for (const instance of this.options.instances) {
      ctx.send(instance, { type: 'Redis', id: ++this.commands,
        cmd: { op: 'RELEASE', key: LOCK_KEY, value: this.value } });
    }
  }
}
