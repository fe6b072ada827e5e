/**
 * Simulated client processes (Jepsen's clients, Maelstrom's workloads). Each client runs one
 * operation at a time: it records an `invoke`, sends a `ClientRequest` to the server it
 * believes leads, and waits. A definite `fail` with a leader hint is retried at the hinted
 * server; a timeout or an `unknown` reply is retried at the next server with the same
 * sequence number, so a server with client sessions applies it once. When the attempts run
 * out the operation completes as `fail` if every attempt was definitely rejected, and as
 * `info` (outcome unknown) if any attempt may have taken effect. Jepsen's rule: a timeout is
 * always indefinite.
 *
 * The network duplicates messages, so a reply may answer an earlier attempt. A client accepts a
 * reply only from the server of the current attempt, and when that server already had an
 * earlier attempt of the same operation, a rejection could be the earlier one's: it then
 * counts as indefinite, so a write that did happen is never recorded as a definite `fail`.
 *
 * What operations a client issues is the generator's business: a key-value mix here
 * (`kvOperations`), bank transfers or lock calls elsewhere. Operations start at a rate drawn
 * from the client's own stream, so clients do not shift each other's randomness.
 */
import type { ClientOperation, NodeContext, NodeProgram } from '../node.js';
import type { Prng } from '../prng.js';
import type { Micros, NodeId } from '../types.js';
import type { ClientMessage, ClientReply } from './clientProtocol.js';

/** Chooses a client's next operation. */
export type OperationGenerator = (prng: Prng, client: ClientMemory) => ClientOperation;

/** What a client remembers between operations, for generators that want it (CAS expectations). */
export interface ClientMemory {
  readonly id: NodeId;
  /** Operations this client has invoked so far. */
  readonly issued: number;
  /** The last value this client saw or wrote per key. */
  readonly lastSeen: Map<string, unknown>;
}

/** How a client behaves. Times are on the client's local clock. */
export interface ClientOptions {
  /** Mean gap between one operation's completion and the next invocation. */
  readonly interval: Micros;
  /** How long one attempt waits for a reply. */
  readonly timeout: Micros;
  /** Attempts per operation (1 means no retry). */
  readonly attempts: number;
  /** No operation is invoked at or after this local time; undefined for no end. */
  readonly stopAt?: Micros;
  /**
   * Where an attempt goes, given where the client would send it (its leader guess or the next
   * server): read/write splitting sends reads elsewhere. Default: where proposed.
   */
  readonly route?: (ctx: NodeContext<ClientMessage>, op: ClientOperation, proposed: NodeId) => NodeId;
  /**
   * Whether an operation may be sent again after an attempt that may have taken effect (a
   * timeout, an `unknown` answer). Default: always, for servers that keep client sessions and
   * apply a retried request once. A non-idempotent operation at a service without sessions
   * must not be: it then completes as `info`. Definite refusals are retried either way.
   */
  readonly retryable?: (op: ClientOperation) => boolean;
  readonly generate: OperationGenerator;
}

interface InFlight {
  readonly seq: number;
  readonly op: ClientOperation;
  attempt: number;
  /** The server of the current attempt. */
  target: NodeId;
  /** Servers that received an attempt of this operation. */
  readonly tried: Set<NodeId>;
  /** The current attempt went to a server that had an earlier one. */
  repeated: boolean;
  /** Some attempt may have taken effect: the outcome can no longer be a definite fail. */
  uncertain: boolean;
  lastError: string;
}

/** One client process. */
export class Client implements NodeProgram<ClientMessage> {
  private seq = 0;
  private issued = 0;
  private leader: NodeId | undefined;
  private next = 0;
  private current: InFlight | undefined;
  private readonly lastSeen = new Map<string, unknown>();

  constructor(private readonly options: ClientOptions) {}

  start(ctx: NodeContext<ClientMessage>): void {
    ctx.setTimer('invoke', [0, this.options.interval]);
  }

  onTimer(ctx: NodeContext<ClientMessage>, name: string): void {
    if (name === 'invoke') return this.invoke(ctx);
    if (name === 'timeout' && this.current !== undefined) {
      this.current.uncertain = true;
      this.current.lastError = 'timeout';
      this.leader = undefined;
      if (this.options.retryable?.(this.current.op) === false) return this.complete(ctx, 'info');
      this.retry(ctx);
    }
  }

  onMessage(ctx: NodeContext<ClientMessage>, from: NodeId, msg: ClientMessage): void {
    if (msg.type !== 'ClientReply') return; // clients serve nothing
    const current = this.current;
    if (current === undefined || msg.seq !== current.seq) return; // a late or duplicate reply
    if (from !== current.target) return; // it answers an earlier attempt at another server
    ctx.cancelTimer('timeout');
    if (msg.outcome === 'ok') return this.complete(ctx, 'ok', msg.result);
    this.onRejected(ctx, current, msg);
  }

  private onRejected(
    ctx: NodeContext<ClientMessage>,
    current: InFlight,
    msg: Extract<ClientReply, { outcome: 'fail' | 'unknown' }>,
  ): void {
    current.lastError = msg.error;
    if (msg.outcome === 'unknown' || current.repeated) current.uncertain = true;
    this.leader = msg.leaderHint;
    if (msg.outcome === 'unknown' && this.options.retryable?.(current.op) === false) {
      return this.complete(ctx, 'info');
    }
    // A definite failure that is an answer, not a redirection, ends the operation at once.
    if (msg.outcome === 'fail' && msg.leaderHint === undefined && msg.error !== 'not-leader' &&
      msg.error !== 'unavailable') {
      return this.complete(ctx, current.uncertain ? 'info' : 'fail');
    }
    this.retry(ctx);
  }

  private invoke(ctx: NodeContext<ClientMessage>): void {
    if (this.options.stopAt !== undefined && ctx.now() >= this.options.stopAt) return;
    const memory: ClientMemory = { id: ctx.id, issued: this.issued, lastSeen: this.lastSeen };
    const op = this.options.generate(ctx.prng, memory);
    this.issued++;
    this.current = { seq: ++this.seq, op, attempt: 0, target: '', tried: new Set(),
      repeated: false, uncertain: false, lastError: '' };
    ctx.record('invoke', op);
    this.send(ctx);
  }

  private retry(ctx: NodeContext<ClientMessage>): void {
    const current = this.current as InFlight;
    if (current.attempt >= this.options.attempts) {
      return this.complete(ctx, current.uncertain ? 'info' : 'fail');
    }
    this.send(ctx);
  }

  private send(ctx: NodeContext<ClientMessage>): void {
    const current = this.current as InFlight;
    current.attempt++;
    const proposed = this.leader ?? ctx.servers[this.next++ % ctx.servers.length] as NodeId;
    const to = this.options.route?.(ctx, current.op, proposed) ?? proposed;
    current.target = to;
    current.repeated = current.tried.has(to);
    current.tried.add(to);
    ctx.send(to, { type: 'ClientRequest', client: ctx.id, seq: current.seq, op: current.op });
    ctx.setTimer('timeout', this.options.timeout);
  }

  /** Records the operation's completion: its result on `ok`, the operation itself otherwise. */
  private complete(
    ctx: NodeContext<ClientMessage>, outcome: 'ok' | 'fail' | 'info', result?: unknown,
  ): void {
    const current = this.current as InFlight;
    this.current = undefined;
    const op = current.op;
    if (outcome === 'ok') {
      ctx.record('ok', { ...op, value: result });
      if (op.key !== undefined) this.remember(op, result);
    } else {
      ctx.record(outcome, { ...op, error: current.lastError });
    }
    const gap = this.options.interval;
    ctx.setTimer('invoke', [Math.floor(gap / 2), Math.floor((gap * 3) / 2)]);
  }

  private remember(op: ClientOperation, result: unknown): void {
    const key = op.key as string;
    if (op.f === 'get') this.lastSeen.set(key, result);
    else if (op.f === 'put') this.lastSeen.set(key, op.value);
    else if (op.f === 'cas') this.lastSeen.set(key, (op.value as unknown[])[1]);
    else if (op.f === 'append') this.lastSeen.delete(key);
  }
}

/** Weights of the key-value operations; they need not sum to 1. */
export interface KvMix {
  readonly get: number;
  readonly put: number;
  readonly append: number;
  readonly cas: number;
}

/**
 * A key-value operation generator for our store's model (sim/check/models/kv.ts): get, put of a
 * unique value, append of a unique token, and compare-and-set from the value last seen.
 * Unique values make a history much easier to check and a violation easier to read. With
 * `valueBytes`, every written value is its token padded with dots to that length (a
 * bandwidth or message-size workload, such as the Raft lab's TestRPCBytes3B).
 */
export function kvOperations(keys: number, mix: KvMix, valueBytes?: number): OperationGenerator {
  const names = ['get', 'put', 'append', 'cas'] as const;
  const total = names.reduce((sum, n) => sum + mix[n], 0);
  const pad = (text: string) => valueBytes === undefined ? text : text.padEnd(valueBytes, '.');
  return (prng, client) => {
    const key = `k${prng.int(1, keys)}`;
    const token = pad(`${client.id}.${client.issued + 1}`);
    let draw = prng.float() * total;
    let f: (typeof names)[number] = 'get';
    for (const name of names) {
      if (draw < mix[name]) {
        f = name;
        break;
      }
      draw -= mix[name];
    }
    switch (f) {
      case 'get':
        return { f, key, value: null };
      case 'put':
        return { f, key, value: token };
      case 'append':
        return { f, key, value: ` ${token}` };
      case 'cas': {
        const seen = client.lastSeen.get(key);
        return { f, key, value: [typeof seen === 'string' ? seen : null, token] };
      }
    }
  };
}
