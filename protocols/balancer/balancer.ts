/**
 * The load balancer (a layer-7 proxy such as nginx, HAProxy or Envoy), sans-IO. Clients send
 * it requests at the virtual address; it admits each one, picks a backend in rotation with its
 * policy (policies.ts) and forwards one attempt at a time, each with a timeout.
 *
 * - Success: the answer goes back to the client, and the backend's error run ends.
 * - A refusal for overload: the backend did not run it, so it is retried on another backend
 *   whatever the operation (an HTTP 503 before processing).
 * - A timeout: the backend may have run it. A read (`get`) is retried on another backend; an
 *   `order` is not idempotent and is answered `unknown`, never retried (nginx's
 *   `proxy_next_upstream` without `non_idempotent`): two attempts could both book it.
 * Retries go to backends not yet tried, at most `retries` per request, within a retry budget
 * (retryBudget.ts). Failed attempts feed outlier ejection (health.ts); probes feed the active
 * health checks; each probe answer feeds the `feedback` policy's weights (feedback.ts).
 *
 * The pool is the configured backends, changed at set times by `resize` (a backend added or
 * removed on purpose). With a standby, two balancers share the virtual address and only the
 * one holding a lease from a majority of backends is active (pair.ts); the other answers
 * `not-leader` and names the active one when it knows it.
 *
 * Bugs: `retry-storm` retries without a budget; `retry-non-idempotent` retries orders after a
 * timeout; `ring-ignores-health` picks hashed keys' owners from the whole pool, in rotation or
 * not; `hash-mod-n` maps keys with `hash mod n` (policies.ts); the health bugs are health.ts's,
 * `unfenced-takeover` is pair.ts's.
 */
import { CorruptRecord, type Micros, type NodeContext, type NodeId, type NodeProgram } from
  '../../sim/index.js';
import type { ClientMessage, ClientRequest } from '../../sim/check/clientProtocol.js';
import { FeedbackWeights, type FeedbackSettings } from './feedback.js';
import type { HashSettings } from './hashing.js';
import { type HealthChange, type HealthSettings, HealthTable } from './health.js';
import type { AnyBalancerMessage, Refused, Served } from './messages.js';
import { Pair, type PairOptions } from './pair.js';
import { HASH_POLICIES, makePolicy, type Policy, type PolicyName } from './policies.js';
import { RetryBudget } from './retryBudget.js';

export type Ctx = NodeContext<AnyBalancerMessage>;

/** A change of the configured pool at a local time. */
export interface Resize {
  readonly at: Micros;
  readonly add?: NodeId;
  readonly remove?: NodeId;
}

/** Settings of a balancer. */
export interface BalancerOptions {
  readonly backends: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly resize: readonly Resize[];
  readonly policy: PolicyName;
  readonly hash: HashSettings;
  readonly weights: Readonly<Record<NodeId, number>>;
  readonly feedback: FeedbackSettings;
  readonly health: HealthSettings;
  readonly requestTimeout: Micros;
  readonly retries: number;
  readonly retryBudget: number;
  readonly retryReserve: number;
  /** Present for a balancer pair. */
  readonly pair?: PairOptions;
  readonly bugs: ReadonlySet<string>;
}

/** Backends a resize adds before any removes them: they start outside the pool. */
export function addedLater(resize: readonly Resize[]): Set<NodeId> {
  const added = new Set<NodeId>();
  const touched = new Set<NodeId>();
  for (const r of [...resize].sort((a, b) => a.at - b.at)) {
    const id = (r.add ?? r.remove) as NodeId;
    if (r.add !== undefined && !touched.has(id)) added.add(id);
    touched.add(id);
  }
  return added;
}

/** One forwarded attempt, as the observer reads it. */
export interface ForwardRecord {
  readonly backend: NodeId;
  readonly request: string;
  readonly attempt: string;
  /** 0 for the first attempt of a request. */
  readonly retry: number;
  readonly key: string | undefined;
  readonly f: string;
}

/** An admitted request. */
interface Request {
  readonly id: string;
  readonly client: NodeId;
  readonly seq: number;
  readonly msg: ClientRequest;
  readonly tried: NodeId[];
  /** The attempt in flight: its id and backend. */
  attempt: { id: string; backend: NodeId } | undefined;
}

/** A balancer; see the file comment. */
export class Balancer implements NodeProgram<AnyBalancerMessage> {
  /** The configured pool, sorted. */
  pool: NodeId[];
  readonly health: HealthTable;
  readonly feedback: FeedbackWeights;
  readonly policy: Policy;
  readonly pair: Pair | undefined;
  /** Every attempt this incarnation forwarded, in order (read by the observer). */
  readonly forwards: ForwardRecord[] = [];
  /** Requests admitted and retries sent by this incarnation. */
  admitted = 0;
  retried = 0;
  private readonly budget: RetryBudget;
  private readonly inflight = new Map<NodeId, number>();
  private readonly reported = new Map<NodeId, number>();
  private readonly requests = new Map<string, Request>();
  private readonly attempts = new Map<string, string>();
  /** The highest order sequence number admitted per client (copies of an order are dropped). */
  private readonly lastOrder = new Map<NodeId, number>();
  private boot = 0;
  private counter = 0;

  constructor(readonly options: BalancerOptions) {
    this.pool = [...options.backends].sort();
    this.health = new HealthTable(options.health);
    this.feedback = new FeedbackWeights(options.feedback);
    this.policy = makePolicy(options.policy, options.hash, options.bugs.has('hash-mod-n'));
    this.budget = new RetryBudget(options.retryBudget, options.retryReserve);
    this.pair = options.pair === undefined ? undefined : new Pair(options.pair, this);
  }

  start(ctx: Ctx): void {
    const stored = ctx.disk.get('boot');
    this.boot = (typeof stored === 'number' ? stored : 0) + 1;
    if (stored instanceof CorruptRecord) this.boot = 1_000_000;
    ctx.disk.put('boot', this.boot);
    ctx.disk.sync();
    for (const [i, change] of this.options.resize.entries()) {
      ctx.setTimer(`resize.${i}`, Math.max(0, change.at - ctx.now()));
    }
    if (!this.options.health.disabled) ctx.setTimer('probe', [0, this.options.health.interval]);
    this.pair?.start(ctx);
  }

  /** Whether this balancer serves requests now (always, without a standby). */
  active(ctx: Ctx): boolean {
    return this.pair === undefined || this.pair.active(ctx.monotonic());
  }

  /** Backends a request may go to now, not yet tried (the policy's candidates). */
  candidates(tried: readonly NodeId[]): NodeId[] {
    const ignoreHealth = this.options.bugs.has('ring-ignores-health') &&
      HASH_POLICIES.has(this.options.policy);
    return this.pool.filter((id) => !tried.includes(id) &&
      (ignoreHealth || this.health.inRotation(id)));
  }

  /** Attempts open at `backend` now. */
  openAt(backend: NodeId): number {
    return this.inflight.get(backend) ?? 0;
  }

  /** The configured backends in rotation now. */
  rotation(): NodeId[] {
    return this.pool.filter((id) => this.health.inRotation(id));
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AnyBalancerMessage | ClientMessage): void {
    switch (msg.type) {
      case 'ClientRequest':
        return this.onClientRequest(ctx, msg);
      case 'Served':
        return this.onServed(ctx, from, msg);
      case 'Refused':
        return this.onRefused(ctx, from, msg);
      case 'ProbeAnswer':
        this.reported.set(from, msg.outstanding);
        if (this.options.policy === 'feedback') this.feedback.report(from, msg.load, this.pool);
        return this.apply(ctx, this.health.onAnswer(from, msg.round));
      case 'LeaseGrant':
      case 'Beat':
        return this.pair?.onMessage(ctx, from, msg);
      default:
        return; // client replies, probes and forwards are not for a balancer
    }
  }

  onTimer(ctx: Ctx, name: string): void {
    if (name === 'probe') return this.onProbeTimer(ctx);
    if (name === 'round-end') {
      for (const change of this.health.endRound(this.pool)) this.apply(ctx, change);
      return;
    }
    const [kind, rest] = splitName(name);
    if (kind === 'attempt') return this.onAttemptTimeout(ctx, rest);
    if (kind === 'readmit') return this.apply(ctx, this.health.readmit(rest, ctx.monotonic()));
    if (kind === 'resize') return this.onResize(ctx, Number(rest));
    this.pair?.onTimer(ctx, name);
  }

  private onProbeTimer(ctx: Ctx): void {
    const h = this.options.health;
    this.health.round++;
    for (const id of this.pool) ctx.send(id, { type: 'Probe', round: this.health.round });
    ctx.setTimer('round-end', h.checkTimeout);
    ctx.setTimer('probe', h.interval);
  }

  private onResize(ctx: Ctx, index: number): void {
    const change = this.options.resize[index];
    if (change === undefined) return;
    if (change.add !== undefined && !this.pool.includes(change.add)) {
      this.pool = [...this.pool, change.add].sort();
    }
    if (change.remove !== undefined) this.pool = this.pool.filter((id) => id !== change.remove);
    ctx.note('pool', { backends: this.pool });
  }

  /** Records a health change: the trace note, and the readmission timer of an ejection. */
  apply(ctx: Ctx, change: HealthChange | undefined): void {
    if (change === undefined) return;
    ctx.note('health', { ...change });
    if (change.why === 'ejected') ctx.setTimer(`readmit.${change.backend}`, change.length ?? 0);
  }

  private onClientRequest(ctx: Ctx, msg: ClientRequest): void {
    if (!this.active(ctx)) {
      const hint = this.pair?.activePeer();
      return ctx.send(msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'not-leader', ...(hint === undefined ? {} : { leaderHint: hint }) });
    }
    if (msg.op.f === 'order') {
      // A copy of an order the network duplicated: clients never resend an order (it is not
      // idempotent), so a sequence number seen before is a copy, and running it is a second
      // booking.
      if ((this.lastOrder.get(msg.client) ?? 0) >= msg.seq) return;
      this.lastOrder.set(msg.client, msg.seq);
    }
    const id = `${ctx.id}.${this.boot}.r${++this.counter}`;
    const request: Request = { id, client: msg.client, seq: msg.seq, msg, tried: [],
      attempt: undefined };
    this.requests.set(id, request);
    this.admitted++;
    this.budget.deposit();
    this.forward(ctx, request);
  }

  /** Sends the next attempt of `request`, or answers the client when there is no backend. */
  private forward(ctx: Ctx, request: Request): void {
    const candidates = this.candidates(request.tried);
    const backend = this.policy.pick({ pool: candidates, key: request.msg.op.key,
      prng: ctx.prng, inflight: (id) => this.inflight.get(id) ?? 0,
      outstanding: (id) => this.reported.get(id) ?? 0,
      weight: (id) => this.weight(id) });
    if (backend === undefined) {
      return this.finish(ctx, request, { outcome: 'fail', error: 'unavailable' });
    }
    const attempt = `${ctx.id}.${this.boot}.a${++this.counter}`;
    const retry = request.tried.length;
    request.tried.push(backend);
    request.attempt = { id: attempt, backend };
    this.attempts.set(attempt, request.id);
    this.inflight.set(backend, (this.inflight.get(backend) ?? 0) + 1);
    this.reported.set(backend, (this.reported.get(backend) ?? 0) + 1);
    this.forwards.push({ backend, request: request.id, attempt, retry,
      key: request.msg.op.key, f: request.msg.op.f });
    ctx.send(backend, { type: 'Forward', id: attempt, request: request.id,
      epoch: this.pair?.epoch ?? 0, client: request.client, seq: request.seq, op: request.msg.op });
    ctx.setTimer(`attempt.${attempt}`, this.options.requestTimeout);
  }

  /** The weight the policy gives `id` now (feedback's measured weight, or the configured). */
  weight(id: NodeId): number {
    if (this.options.policy === 'feedback') return this.feedback.weight(id);
    return this.options.weights[id] ?? 1;
  }

  /** The request of a current attempt, closing the attempt; undefined for a stale one. */
  private close(ctx: Ctx, attempt: string, backend: NodeId): Request | undefined {
    const id = this.attempts.get(attempt);
    if (id === undefined) return undefined;
    this.attempts.delete(attempt);
    ctx.cancelTimer(`attempt.${attempt}`);
    this.inflight.set(backend, Math.max(0, (this.inflight.get(backend) ?? 0) - 1));
    const request = this.requests.get(id);
    if (request?.attempt?.id !== attempt) return undefined;
    request.attempt = undefined;
    return request;
  }

  private onServed(ctx: Ctx, from: NodeId, msg: Served): void {
    this.reported.set(from, msg.outstanding);
    const request = this.close(ctx, msg.id, from);
    if (request === undefined) return; // an answer after the attempt timed out
    this.health.onSuccess(from);
    this.finish(ctx, request, { outcome: 'ok', result: msg.result });
  }

  private onRefused(ctx: Ctx, from: NodeId, msg: Refused): void {
    this.reported.set(from, msg.outstanding);
    const request = this.close(ctx, msg.id, from);
    if (request === undefined) return;
    if (msg.reason === 'stale-epoch') {
      this.pair?.superseded(ctx);
      return this.finish(ctx, request, { outcome: 'fail', error: 'not-leader' });
    }
    this.apply(ctx, this.health.onError(from, ctx.monotonic(), this.pool));
    // It did not run: a retry cannot run it twice, whatever the operation.
    this.retryOr(ctx, request, { outcome: 'fail', error: 'overloaded' });
  }

  private onAttemptTimeout(ctx: Ctx, attempt: string): void {
    const id = this.attempts.get(attempt);
    const request = id === undefined ? undefined : this.requests.get(id);
    const backend = request?.attempt?.backend;
    if (request === undefined || backend === undefined) return;
    this.close(ctx, attempt, backend);
    this.apply(ctx, this.health.onError(backend, ctx.monotonic(), this.pool));
    const idempotent = request.msg.op.f === 'get';
    const outcome = { outcome: 'unknown' as const, error: 'timeout' };
    if (idempotent || this.options.bugs.has('retry-non-idempotent')) {
      return this.retryOr(ctx, request, outcome);
    }
    this.finish(ctx, request, outcome);
  }

  /** Retries `request` if its retries and the budget allow, else answers with `otherwise`. */
  private retryOr(ctx: Ctx, request: Request, otherwise: Answer): void {
    const more = request.tried.length <= this.options.retries && this.active(ctx) &&
      this.candidates(request.tried).length > 0;
    // The budget is asked last: a token is spent only on a retry that is sent.
    if (!more || !(this.options.bugs.has('retry-storm') || this.budget.withdraw())) {
      return this.finish(ctx, request, otherwise);
    }
    this.retried++;
    this.forward(ctx, request);
  }

  private finish(ctx: Ctx, request: Request, answer: Answer): void {
    this.requests.delete(request.id);
    if (answer.outcome === 'ok') {
      ctx.send(request.client, { type: 'ClientReply', seq: request.seq, outcome: 'ok',
        result: answer.result });
    } else {
      ctx.send(request.client, { type: 'ClientReply', seq: request.seq, outcome: answer.outcome,
        error: answer.error });
    }
  }

  /** Retry tokens in the budget now. */
  get retryTokens(): number {
    return this.budget.tokens;
  }

  /** Requests admitted and not yet answered. */
  get openRequests(): number {
    return this.requests.size;
  }

  /** The inspector's view. */
  inspect(): unknown {
    return {
      role: this.pair === undefined ? 'active' : this.pair.role,
      epoch: this.pair?.epoch ?? 0,
      pool: this.pool,
      rotation: this.rotation(),
      inflight: Object.fromEntries(this.pool.map((id) => [id, this.inflight.get(id) ?? 0])),
      weights: Object.fromEntries(this.pool.map((id) => [id, Math.round(this.weight(id))])),
      ejected: this.pool.filter((id) => this.health.view(id).ejected),
      down: this.pool.filter((id) => !this.health.view(id).up),
      retryTokens: this.budget.tokens,
      open: this.requests.size,
      leaseEnd: this.pair === undefined || !Number.isFinite(this.pair.leaseEnd) ? null
        : this.pair.leaseEnd,
    };
  }
}

type Answer =
  | { readonly outcome: 'ok'; readonly result: unknown }
  | { readonly outcome: 'fail' | 'unknown'; readonly error: string };

/** `attempt.n1.1.a4` → [`attempt`, `n1.1.a4`]. */
function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}
