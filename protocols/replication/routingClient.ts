/**
 * A client with read/write splitting. It reuses the shared `Client` (sim/check/workload.ts)
 * whole, for operations, retries, leader hints and the history, and only routes reads: the
 * inner client's `route` option sends a `get` to the server the read policy picks. Writes go
 * where the inner client sends them (its master guess, or round robin).
 *
 * `master` sends reads with the writes, to the master (linearizable reads). Every other
 * policy is the load balancer's own (protocols/balancer/policies.ts), over the servers other
 * than the master this client knows:
 * - `round-robin`, `weighted-round-robin` (nginx's smooth algorithm), `random`,
 *   `weighted-random`, with per-server `weights` (a bigger machine takes more reads);
 * - `least-connections` and `power-of-two`, on this client's own count of reads a server has
 *   not answered: a client has one operation open at a time, so these steer a retry away from
 *   the server that did not answer, and otherwise behave as round robin and random;
 * - `ring` and `maglev`: the replica that owns the key (consistent hashing with virtual nodes,
 *   or Maglev's table), so each key's reads go to one replica while the pool stands.
 * The balancer's `least-outstanding-requests` and `feedback` need load reports from the
 * servers, which replicas do not send; they are not offered here.
 * The client learns the master from replies: a write answered `ok` came from the master, and a
 * redirection names it.
 */
import type { ClientOperation, NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import { Client, type ClientOptions } from '../../sim/check/workload.js';
import { DEFAULT_HASH_SETTINGS } from '../balancer/hashing.js';
import { makePolicy, type Policy } from '../balancer/policies.js';

/** How reads are routed: at the master, or by one of the balancer's policies. */
export const READ_POLICIES = ['master', 'round-robin', 'weighted-round-robin', 'random',
  'weighted-random', 'least-connections', 'power-of-two', 'ring', 'maglev'] as const;
export type ReadPolicy = (typeof READ_POLICIES)[number];

type Ctx = NodeContext<ClientMessage>;

/** A shared client whose reads are routed by a policy. */
export class RoutingClient implements NodeProgram<ClientMessage> {
  private readonly inner: Client;
  private proxied: { from: Ctx; to: Ctx } | undefined;
  private masterGuess: NodeId | undefined;
  private readonly writes = new Set<number>();
  /** The server each read not yet answered was last sent to, by sequence number. */
  private readonly openReads = new Map<number, NodeId>();

  constructor(options: ClientOptions, reads: ReadPolicy,
    private readonly weights: Readonly<Record<NodeId, number>> = {}) {
    // `master` has no policy: its reads go where the writes go.
    const policy = reads === 'master' ? undefined : makePolicy(reads, DEFAULT_HASH_SETTINGS);
    this.inner = new Client({ ...options, route: (ctx, op, proposed) =>
      op.f === 'get' && policy !== undefined ? this.pickReader(ctx, op, policy) : proposed });
  }

  start(ctx: Ctx): void {
    this.inner.start(this.proxy(ctx));
  }

  onTimer(ctx: Ctx, name: string): void {
    this.inner.onTimer(this.proxy(ctx), name);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: ClientMessage): void {
    if (msg.type === 'ClientReply') {
      if (msg.outcome === 'ok' && this.writes.has(msg.seq)) this.masterGuess = from;
      if (msg.outcome !== 'ok' && msg.leaderHint !== undefined) this.masterGuess = msg.leaderHint;
      this.openReads.delete(msg.seq);
    }
    this.inner.onMessage(this.proxy(ctx), from, msg);
  }

  /** The context the inner client sees: the same, but it remembers what each request is. */
  private proxy(ctx: Ctx): Ctx {
    if (this.proxied?.from === ctx) return this.proxied.to;
    const send = (to: NodeId, msg: ClientMessage): void => {
      if (msg.type === 'ClientRequest') {
        if (msg.op.f !== 'get') this.writes.add(msg.seq);
        else this.openReads.set(msg.seq, to);
      }
      ctx.send(to, msg);
    };
    const to: Ctx = { ...ctx, send };
    this.proxied = { from: ctx, to };
    return to;
  }

  private pickReader(ctx: Ctx, op: ClientOperation, policy: Policy): NodeId {
    const slaves = ctx.servers.filter((s) => s !== this.masterGuess);
    const pool = slaves.length > 0 ? slaves : ctx.servers;
    const open = (id: NodeId): number => {
      let count = 0;
      for (const server of this.openReads.values()) if (server === id) count++;
      return count;
    };
    return policy.pick({ pool, key: op.key, prng: ctx.prng, inflight: open,
      outstanding: open, weight: (id) => this.weights[id] ?? 1 }) as NodeId;
  }
}
