/**
 * The replicated state of the coordination service (a small ZooKeeper, Hunt et al., USENIX ATC
 * 2010): sessions and a tree of nodes under `/lock`, as a state machine that Raft replicates
 * (protocols/raft, reused whole: this class replaces the key-value store Raft applies entries
 * to). Every operation is a client request committed through the log, so each one is
 * linearizable, and Raft's client sessions apply a retried request once.
 *
 * Operations (the client's `op.f`):
 * - `createSession` (key: the session id; value: the client) opens a session, or fails
 *   `no-session` for one that expired: a session id is never used twice, so a late retry of a
 *   client's `createSession` cannot bring an expired session, and its nodes' owner, back;
 * - `create` (key: the parent, value: { session, guid }) makes an ephemeral sequential child
 *   `lock-0000000007` owned by the session and answers its path, or fails `no-session` when
 *   the session is gone (expired). It is idempotent per guid (Curator's "protected" mode): a
 *   create whose outcome the client could not learn is sent again with the same guid, and
 *   answers the node the first one made, so a retry never leaves an orphan node of the
 *   client's own session in front of it;
 * - `delete` (key: a path) removes a node, answering whether it existed;
 * - `getChildren` (key: the parent) answers the children's names in order;
 * - `exists` (key: a path) answers whether the node exists;
 * - `expire` (key: a session id) ends a session and deletes its ephemeral nodes. The leader
 *   proposes it when the session has not pinged for its timeout (zkServer.ts).
 * The sequence counter of a parent only grows, so a child's number is a fencing token: a later
 * holder of the lock always has a higher one.
 *
 * Everything lives in the store's `data` map, as the key-value store keeps it, so Raft's
 * snapshots carry it unchanged: `s/<session>` → its client; `n/<path>` → the owning session;
 * `c/<parent>` → the last sequence number; `g/<session>/<guid>` → the path a create made;
 * `x/<session>` → an expired session. `expired` lists the sessions ended by `expire`, in
 * order, for the observer (derived, rebuilt by replaying the log).
 */
import type { ClientOperation, NodeId } from '../../sim/index.js';
import { KvStore } from '../raft/stateMachine.js';
import type { KvAnswer } from '../kvStore.js';

const OPERATIONS: ReadonlySet<string> = new Set(['createSession', 'create', 'delete',
  'getChildren', 'exists', 'expire']);

/** The lock's parent node. */
export const LOCK_PATH = '/lock';

/** The sequence number of a child's name (`lock-0000000007` → 7). */
export function sequenceOf(path: string): number {
  const m = /-(\d+)$/.exec(path);
  return m === null ? NaN : Number(m[1]);
}

/** A session ended by `expire`, with the client that owned it. */
export interface Expiry {
  readonly session: string;
  readonly client: NodeId;
}

/** The coordination service's state machine; see the file comment. */
export class ZkTree extends KvStore {
  readonly expired: Expiry[] = [];

  override supports(f: string): boolean {
    return OPERATIONS.has(f);
  }

  hasSession(session: string): boolean {
    return this.data.has(`s/${session}`);
  }

  /** Every open session. */
  openSessions(): string[] {
    return [...this.data.keys()].filter((k) => k.startsWith('s/')).map((k) => k.slice(2));
  }

  exists(path: string): boolean {
    return this.data.has(`n/${path}`);
  }

  /** The client whose session owns the lowest child of `parent` (the lock's holder). */
  firstOwner(parent: string): NodeId | undefined {
    const first = this.children(parent)[0];
    const session = first === undefined ? undefined : this.data.get(`n/${parent}/${first}`);
    return session === undefined ? undefined : this.data.get(`s/${session}`);
  }

  /** The children of `parent` in sequence order, each with the client of its session. */
  owners(parent: string): { name: string; owner: NodeId | undefined }[] {
    return this.children(parent).map((name) => {
      const session = this.data.get(`n/${parent}/${name}`);
      return { name, owner: session === undefined ? undefined : this.data.get(`s/${session}`) };
    });
  }

  /** The children of `parent`, by name, in sequence order. */
  children(parent: string): string[] {
    const prefix = `n/${parent}/`;
    return [...this.data.keys()].filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length)).sort();
  }

  protected override execute(op: ClientOperation): KvAnswer {
    const key = op.key ?? '';
    switch (op.f) {
      case 'createSession':
        if (this.data.has(`x/${key}`)) return { outcome: 'fail', error: 'no-session' };
        this.data.set(`s/${key}`, String(op.value));
        return { outcome: 'ok', result: true };
      case 'create': {
        const { session, guid } = op.value as { session: string; guid: string };
        return this.create(key, session, guid);
      }
      case 'delete':
        return { outcome: 'ok', result: this.data.delete(`n/${key}`) };
      case 'getChildren':
        return { outcome: 'ok', result: this.children(key) };
      case 'exists':
        return { outcome: 'ok', result: this.exists(key) };
      case 'expire':
        return { outcome: 'ok', result: this.expire(key) };
      default:
        return { outcome: 'fail', error: `unsupported operation ${op.f}` };
    }
  }

  private create(parent: string, session: string, guid: string): KvAnswer {
    if (!this.hasSession(session)) return { outcome: 'fail', error: 'no-session' };
    const made = this.data.get(`g/${session}/${guid}`);
    if (made !== undefined) return { outcome: 'ok', result: made };
    const seq = Number(this.data.get(`c/${parent}`) ?? '0') + 1;
    this.data.set(`c/${parent}`, String(seq));
    const path = `${parent}/lock-${String(seq).padStart(10, '0')}`;
    this.data.set(`n/${path}`, session);
    this.data.set(`g/${session}/${guid}`, path);
    return { outcome: 'ok', result: path };
  }

  private expire(session: string): boolean {
    const client = this.data.get(`s/${session}`);
    if (client === undefined) return false;
    this.data.delete(`s/${session}`);
    this.data.set(`x/${session}`, client);
    for (const [k, owner] of [...this.data.entries()]) {
      if ((k.startsWith('n/') && owner === session) || k.startsWith(`g/${session}/`)) {
        this.data.delete(k);
      }
    }
    this.expired.push({ session, client });
    return true;
  }
}
