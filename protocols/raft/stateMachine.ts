/**
 * The replicated state machine: a key-value store of strings with get, put, append and
 * compare-and-set, and client sessions (thesis §6.3). Each client numbers its requests; the
 * session remembers the last sequence number applied for each client and its result, so a
 * retried request that is committed twice applies once and gets its first answer again.
 *
 * It is deterministic and applies entries strictly in log order, so every server that applies
 * the same prefix holds the same data and the same sessions.
 */
import type { ClientOperation, NodeId } from '../../sim/index.js';
import type { Command, SnapshotRecord } from './messages.js';
import { executeKv, type KvAnswer } from '../kvStore.js';

/** The answer an applied command gives its client. */
export type ApplyResult = KvAnswer;

const KV_OPERATIONS: ReadonlySet<string> = new Set(['get', 'put', 'append', 'cas']);

interface Session {
  readonly seq: number;
  readonly result: ApplyResult;
}

/** A key-value store with client sessions. */
export class KvStore {
  /** The data. */
  readonly data = new Map<string, string>();
  /** Last applied sequence number and its result, per client. */
  readonly sessions = new Map<NodeId, Session>();

  /**
   * Applies a command. A client command whose sequence number the session already saw is not
   * applied again: the cached result answers it (undefined for one older than the last).
   */
  apply(command: Command): ApplyResult | undefined {
    // A configuration takes effect when it enters the log (thesis §4.1), not here.
    if (command.kind !== 'client') return undefined;
    const session = this.sessions.get(command.client);
    if (session !== undefined && command.seq <= session.seq) {
      return command.seq === session.seq ? session.result : undefined;
    }
    const result = this.execute(command.op);
    this.sessions.set(command.client, { seq: command.seq, result });
    return result;
  }

  /** A get served outside the log (ReadIndex): the current value, no session involved. */
  read(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  /** The session's answer to (`client`, `seq`) if it has one. */
  cached(client: NodeId, seq: number): ApplyResult | undefined {
    const session = this.sessions.get(client);
    return session !== undefined && session.seq === seq ? session.result : undefined;
  }

  /** Whether (`client`, `seq`) is at or below the last applied request of that client. */
  seen(client: NodeId, seq: number): boolean {
    const session = this.sessions.get(client);
    return session !== undefined && seq <= session.seq;
  }

  /**
   * The state as snapshot records: the data, then the sessions, each in key order so that
   * two servers with the same state produce the same snapshot.
   */
  records(): SnapshotRecord[] {
    const out: SnapshotRecord[] = [];
    for (const key of [...this.data.keys()].sort()) {
      out.push({ kind: 'data', key, value: this.data.get(key) as string });
    }
    for (const client of [...this.sessions.keys()].sort()) {
      const { seq, result } = this.sessions.get(client) as Session;
      out.push({ kind: 'session', client, seq, result });
    }
    return out;
  }

  /** Replaces the whole state with a snapshot's. */
  restore(records: readonly SnapshotRecord[]): void {
    this.data.clear();
    this.sessions.clear();
    for (const r of records) {
      if (r.kind === 'data') this.data.set(r.key, r.value);
      else this.sessions.set(r.client, { seq: r.seq, result: r.result });
    }
  }

  /** Whether clients may ask for operation `f` (the leader refuses others definitely). */
  supports(f: string): boolean {
    return KV_OPERATIONS.has(f);
  }

  /** Executes one client operation on the data (a machine of another service overrides it). */
  protected execute(op: ClientOperation): ApplyResult {
    return executeKv(this.data, op);
  }
}
