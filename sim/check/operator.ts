/**
 * The operator process: an administrator's tool, simulated. A scenario's schedule asks it to
 * add or remove a server or to move the leadership (`admin` entries); the engine
 * hands it each request as a message from itself, and it carries the request to the cluster
 * as `etcdctl member add` or a script calling the thesis's AddServer RPC would: it sends an
 * `AdminRequest` to the server it believes leads (else to the server it tried last, moving to
 * the next one only when that one fails it: a timeout, or a refusal without a hint), follows
 * leader hints, retries what the cluster says to retry after a short pause, and gives up after
 * `MAX_ATTEMPTS`. Requests run independently, as separate invocations of a tool do: two
 * changes asked at once are both sent, and the protocol must order them.
 *
 * What happened is noted in the trace (`admin` notes: `invoke`, then `ok`, `refused` or
 * `gave-up`), not in the client history: a membership change is not an operation of the
 * replicated store, and the linearizability checker must not see it.
 */
import type { AdminOp } from '../faults.js';
import type { NodeContext, NodeProgram } from '../node.js';
import type { Micros, NodeId } from '../types.js';
import { type AdminMessage, type AdminReply, NOT_LEADER } from './adminProtocol.js';

/** The operator's node id (a lane of its own in the trace, beside the clients). */
export const OPERATOR: NodeId = 'admin';

/** How long one attempt waits for an answer (a change may wait for a catch-up). */
export const ATTEMPT_TIMEOUT: Micros = 1_000_000;
/** The pause before asking again after `retry` or `unknown`. */
export const RETRY_PAUSE: Micros = 50_000;
/** Attempts per request before the operator gives up. */
export const MAX_ATTEMPTS = 60;

type Ctx = NodeContext<AdminMessage>;

/** One request the schedule made of the operator, and what became of it. */
export interface AdminOutcome {
  readonly op: AdminOp;
  readonly node: NodeId;
  /** When the schedule asked. */
  readonly asked: Micros;
  /** When it ended; absent while it is still under way. */
  readonly ended?: Micros;
  readonly outcome: 'ok' | 'refused' | 'gave-up' | 'pending';
  readonly attempts: number;
  /** Why it was refused or given up (the server's or the last attempt's error). */
  readonly error?: string;
}

interface Pending {
  readonly seq: number;
  readonly op: AdminOp;
  readonly node: NodeId;
  attempt: number;
  target: NodeId;
  lastError: string;
  readonly asked: Micros;
}

/** The operator process; see the file comment. */
export class Operator implements NodeProgram<AdminMessage> {
  private seq = 0;
  private leader: NodeId | undefined;
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly ended: AdminOutcome[] = [];

  start(): void {}

  /** Every request so far, in the order asked: those that ended, then those under way. */
  outcomes(): AdminOutcome[] {
    const open = [...this.pending.values()].map((r): AdminOutcome => ({ op: r.op, node: r.node,
      asked: r.asked, outcome: 'pending', attempts: r.attempt,
      ...(r.lastError === '' ? {} : { error: r.lastError }) }));
    return [...this.ended, ...open].sort((a, b) => a.asked - b.asked);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: AdminMessage): void {
    if (msg.type === 'AdminCommand') {
      if (from !== ctx.id) return; // only the engine, through itself, gives orders
      const request: Pending = { seq: ++this.seq, op: msg.op, node: msg.node, attempt: 0,
        target: '', lastError: '', asked: ctx.now() };
      this.pending.set(request.seq, request);
      ctx.note('admin', { seq: request.seq, op: msg.op, node: msg.node, outcome: 'invoke' });
      return this.send(ctx, request);
    }
    if (msg.type !== 'AdminReply') return;
    const request = this.pending.get(msg.seq);
    if (request === undefined || from !== request.target) return; // late, or another attempt's
    ctx.cancelTimer(`attempt/${request.seq}`);
    this.onReply(ctx, request, msg);
  }

  onTimer(ctx: Ctx, name: string): void {
    const [kind, seq] = name.split('/');
    const request = this.pending.get(Number(seq));
    if (request === undefined) return;
    if (kind === 'attempt') {
      request.lastError = 'timeout';
      if (this.leader === undefined) this.next++;
      this.leader = undefined;
    }
    this.send(ctx, request);
  }

  private onReply(ctx: Ctx, request: Pending, msg: AdminReply): void {
    if (msg.outcome === 'ok' || msg.outcome === 'refused') {
      this.leader = request.target;
      return this.finish(ctx, request, msg.outcome, msg.outcome === 'ok' ? undefined : msg.error);
    }
    request.lastError = msg.error;
    if (msg.error === NOT_LEADER) {
      // Go where it points; without a hint, to the next server.
      if (msg.leaderHint === undefined) this.next++;
      this.leader = msg.leaderHint;
    } else {
      // The leader itself asks to wait (a change under way), or lost the leadership.
      this.leader = msg.outcome === 'retry' ? request.target : undefined;
    }
    ctx.setTimer(`retry/${request.seq}`, RETRY_PAUSE);
  }

  private send(ctx: Ctx, request: Pending): void {
    if (request.attempt >= MAX_ATTEMPTS) {
      return this.finish(ctx, request, 'gave-up', request.lastError);
    }
    request.attempt++;
    const to = this.leader ?? ctx.servers[this.next % ctx.servers.length] as NodeId;
    request.target = to;
    ctx.send(to, { type: 'AdminRequest', seq: request.seq, op: request.op, node: request.node });
    ctx.setTimer(`attempt/${request.seq}`, ATTEMPT_TIMEOUT);
  }

  private finish(ctx: Ctx, request: Pending, outcome: 'ok' | 'refused' | 'gave-up',
    error: string | undefined): void {
    this.pending.delete(request.seq);
    ctx.cancelTimer(`attempt/${request.seq}`);
    this.ended.push({ op: request.op, node: request.node, asked: request.asked, ended: ctx.now(),
      outcome, attempts: request.attempt, ...(error === undefined ? {} : { error }) });
    ctx.note('admin', { seq: request.seq, op: request.op, node: request.node, outcome,
      attempts: request.attempt, ...(error === undefined ? {} : { error }) });
  }
}
