/**
 * A client of the balanced service: the shared client (sim/check/workload.ts), for operations,
 * timeouts, retries and the history, sending every attempt to the virtual address. The
 * address is modelled as the client's ARP cache: the balancer that last announced it (an
 * `Announce`, a gratuitous ARP, with the highest epoch), or that a refusal named. An attempt
 * that times out, or that a balancer refuses without naming another, makes the client try the
 * other balancer of a pair (its cached entry expired with the failed connection).
 *
 * Operations: `get` of a key (idempotent, retried freely) and `order` (it books something: a
 * client that cannot tell whether it ran never sends it again, and records it `info`).
 */
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import { Client, type OperationGenerator } from '../../sim/check/workload.js';
import type { ClientOperation, Micros, NodeContext, NodeId, NodeProgram } from
  '../../sim/index.js';
import type { AnyBalancerMessage } from './messages.js';

type Ctx = NodeContext<AnyBalancerMessage>;

/** Settings of a client. */
export interface BalancerClientOptions {
  readonly balancers: readonly NodeId[];
  readonly interval: Micros;
  readonly timeout: Micros;
  readonly attempts: number;
  readonly stopAt?: Micros;
  readonly keys: number;
  /** Share of operations that are orders, in [0, 1]. */
  readonly orders: number;
}

/** Gets and orders over `keys` keys; an order's value is unique (`c1.7`). */
export function balancerOperations(keys: number, orders: number): OperationGenerator {
  return (prng, client): ClientOperation => {
    const key = `k${prng.int(1, Math.max(1, keys))}`;
    if (prng.chance(orders)) return { f: 'order', key, value: `${client.id}.${client.issued + 1}` };
    return { f: 'get', key, value: null };
  };
}

/** A client behind the virtual address; see the file comment. */
export class BalancerClient implements NodeProgram<AnyBalancerMessage> {
  private readonly inner: Client;
  private vip: NodeId;
  private vipEpoch = 0;
  /** The balancer of the attempt in flight. */
  private target: NodeId | undefined;

  constructor(private readonly options: BalancerClientOptions) {
    this.vip = options.balancers[0] as NodeId;
    this.inner = new Client({
      interval: options.interval, timeout: options.timeout, attempts: options.attempts,
      ...(options.stopAt === undefined ? {} : { stopAt: options.stopAt }),
      generate: balancerOperations(options.keys, options.orders),
      route: (_ctx, _op, proposed) => {
        this.target = options.balancers.includes(proposed) ? proposed : this.vip;
        return this.target;
      },
      retryable: (op) => op.f !== 'order',
    });
  }

  /** The balancer this client sends to now. */
  get address(): NodeId {
    return this.vip;
  }

  start(ctx: Ctx): void {
    this.inner.start(ctx as NodeContext<ClientMessage>);
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'timeout') this.failed(this.target);
    this.inner.onTimer(ctx as NodeContext<ClientMessage>, name);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyBalancerMessage): void {
    if (msg.type === 'Announce') {
      if (msg.epoch >= this.vipEpoch) {
        this.vip = from;
        this.vipEpoch = msg.epoch;
      }
      return;
    }
    if (msg.type !== 'ClientReply' && msg.type !== 'ClientRequest') return;
    if (msg.type === 'ClientReply' && msg.outcome === 'fail' && msg.error === 'not-leader') {
      if (msg.leaderHint === undefined) this.failed(from);
      else this.vip = msg.leaderHint;
    }
    this.inner.onMessage(ctx as NodeContext<ClientMessage>, from, msg);
  }

  /**
   * An attempt at `balancer` failed: if the cache still names it, the entry expired with the
   * connection, and the client tries the other balancer of a pair. (An announcement that came
   * meanwhile already moved the address.)
   */
  private failed(balancer: NodeId | undefined): void {
    const list = this.options.balancers;
    if (list.length < 2 || balancer !== this.vip) return;
    this.vip = list[(list.indexOf(this.vip) + 1) % list.length] as NodeId;
  }
}
