/**
 * The replicated key-value state machine with client sessions (Raft thesis §6.3, which
 * Multi-Paxos needs just as much): every decided command runs here in slot order on every
 * replica. A session remembers, per client, the sequence number of its last executed command
 * and that command's answer, so a command the client retried and that was therefore decided
 * in two slots runs once, and a retry is answered with the first answer.
 *
 * Operations are the shared client's (sim/check/workload.ts): `get`, `put`, `append`, and
 * `cas` with `[from, to]`, whose mismatch is the definite failure `cas-mismatch`.
 *
 * The operations themselves are the shared protocols/kvStore.ts; the sessions are Paxos's own.
 */
import { assert, type ClientOperation, type NodeId } from '../../sim/index.js';
import { executeKv, type KvAnswer } from '../kvStore.js';

/** A decided log entry: a client's command, or a no-op that fills a gap at takeover. */
export type Command =
  | { readonly kind: 'noop' }
  | { readonly kind: 'client'; readonly client: NodeId; readonly seq: number;
      readonly op: ClientOperation };

/** The answer to a command, as the client will be told. */
export type Answer = KvAnswer;

/** What executing one command did. */
export type Execution =
  | { readonly kind: 'applied' | 'duplicate'; readonly answer: Answer }
  | { readonly kind: 'noop' | 'stale' };

/** The KV store and the sessions of one replica. */
export class KvStateMachine {
  readonly data = new Map<string, string>();
  readonly sessions = new Map<NodeId, { seq: number; answer: Answer }>();

  /** Runs a decided command. A retried command is answered from its session, not rerun. */
  execute(command: Command): Execution {
    if (command.kind === 'noop') return { kind: 'noop' };
    const session = this.sessions.get(command.client);
    if (session !== undefined && command.seq <= session.seq) {
      // Clients have one operation in flight, so an older seq was answered long ago.
      return command.seq === session.seq ? { kind: 'duplicate', answer: session.answer }
        : { kind: 'stale' };
    }
    const answer = this.apply(command.op);
    this.sessions.set(command.client, { seq: command.seq, answer });
    return { kind: 'applied', answer };
  }

  /** The answer already given to `client` for `seq`, if that command ran. */
  answered(client: NodeId, seq: number): Answer | 'stale' | undefined {
    const session = this.sessions.get(client);
    if (session === undefined || seq > session.seq) return undefined;
    return seq === session.seq ? session.answer : 'stale';
  }

  /** A key's value, for a read the leader serves without a slot (leader.ts, read rounds). */
  read(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  private apply(op: ClientOperation): Answer {
    assert(op.key !== undefined, () => `KV operation ${op.f} without a key`);
    return executeKv(this.data, op);
  }
}
