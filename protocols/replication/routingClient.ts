/**
 * A client with read/write splitting. It reuses the shared `Client` (sim/check/workload.ts)
 * whole, for operations, retries, leader hints and the history, and only routes reads: the
 * inner client's `route` option sends a `get` to the server the read policy picks. Writes go
 * where the inner client sends them (its master guess, or round robin).
 *
 * Policies, the load balancer's own (protocols/balancer/policies.ts):
 * - `master`: reads go with writes, to the master (linearizable reads);
 * - `round-robin`: reads rotate over the servers other than the master this client knows;
 * - `random`: a uniformly random such server, from the client's prng;
 * - `weighted`: smooth weighted round robin (nginx's algorithm) over those servers, with
 *   per-server weights (a bigger machine takes more reads).
 * The client learns the master from replies: a write answered `ok` came from the master, and a
 * redirection names it.
 */
import { assertNever, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import { Client, type ClientOptions } from '../../sim/check/workload.js';
import { RoundRobin, SmoothWeighted, UniformRandom } from '../balancer/policies.js';

/** How reads are routed. */
export type ReadPolicy = 'master' | 'round-robin' | 'random' | 'weighted';

type Ctx = NodeContext<ClientMessage>;

/** A shared client whose reads are routed by a policy. */
export class RoutingClient implements NodeProgram<ClientMessage> {
  private readonly inner: Client;
  private proxied: { from: Ctx; to: Ctx } | undefined;
  private masterGuess: NodeId | undefined;
  private readonly roundRobin = new RoundRobin();
  private readonly random = new UniformRandom();
  private readonly smooth = new SmoothWeighted();
  private readonly writes = new Set<number>();

  constructor(options: ClientOptions, private readonly policy: ReadPolicy,
    private readonly weights: Readonly<Record<NodeId, number>> = {}) {
    this.inner = new Client({ ...options, route: (ctx, op, proposed) =>
      op.f === 'get' && this.policy !== 'master' ? this.pickReader(ctx) : proposed });
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
    }
    this.inner.onMessage(this.proxy(ctx), from, msg);
  }

  /** The context the inner client sees: the same, but it remembers which requests write. */
  private proxy(ctx: Ctx): Ctx {
    if (this.proxied?.from === ctx) return this.proxied.to;
    const send = (to: NodeId, msg: ClientMessage): void => {
      if (msg.type === 'ClientRequest' && msg.op.f !== 'get') this.writes.add(msg.seq);
      ctx.send(to, msg);
    };
    const to: Ctx = { ...ctx, send };
    this.proxied = { from: ctx, to };
    return to;
  }

  private pickReader(ctx: Ctx): NodeId {
    const slaves = ctx.servers.filter((s) => s !== this.masterGuess);
    const pool = slaves.length > 0 ? slaves : ctx.servers;
    switch (this.policy) {
      case 'master':
      case 'round-robin':
        return this.roundRobin.pick({ pool }) as NodeId;
      case 'random':
        return this.random.pick({ pool, prng: ctx.prng }) as NodeId;
      case 'weighted':
        return this.smooth.pick({ pool, weight: (id) => this.weights[id] ?? 1 }) as NodeId;
      default:
        return assertNever(this.policy, 'read policy');
    }
  }
}
