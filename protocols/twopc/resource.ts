/**
 * A participant's resource manager state: balances of the accounts it holds, locks, and what
 * it knows of each transaction. It is rebuilt from the write-ahead log at every start, by the
 * node itself and by checkers reading a crashed node's disk, so it is a pure function of the
 * log's records (`ResourceState.replay`).
 *
 * Log records:
 * - `prepared`: the participant's yes vote, with its writes as absolute values (`before` read
 *   and `after` to write, computed under the locks) and its reads. Applying a commit puts the
 *   `after` values, so replaying a decision twice does no harm.
 * - `decided`: the participant's decision. A decision for a transaction never prepared here
 *   (a unilateral abort) stands alone.
 *
 * Invariants (checked by `prepare` and `decide`): (1) an account is locked by at most one
 * prepared transaction; (2) a transaction is decided at most once here; (3) only a prepared
 * transaction's locks are held.
 */
import { assert } from '../../sim/index.js';
import type { NodeId } from '../../sim/index.js';
import type { Decision } from './messages.js';

/** One account write: the value read and the value to write. */
export interface Write {
  readonly account: string;
  readonly before: number;
  readonly after: number;
}

/** A participant's log record. */
export type ResourceRecord =
  | { readonly type: 'prepared'; readonly tx: string; readonly participants: readonly NodeId[];
      readonly writes: readonly Write[]; readonly reads: Readonly<Record<string, number>> }
  | { readonly type: 'decided'; readonly tx: string; readonly decision: Decision };

/** What the participant knows of one transaction. */
export interface TxEntry {
  state: 'prepared' | 'committed' | 'aborted';
  readonly participants: readonly NodeId[];
  readonly writes: readonly Write[];
  readonly reads: Readonly<Record<string, number>>;
}

/** A decision as checkers observe it: with what it changed here. */
export interface DecisionEntry {
  readonly tx: string;
  readonly decision: Decision;
  readonly participants: readonly NodeId[];
  readonly writes: readonly Write[];
  readonly reads: Readonly<Record<string, number>>;
}

/** Whether a value read from the log is a `ResourceRecord`. */
export function isResourceRecord(value: unknown): value is ResourceRecord {
  const r = value as { type?: unknown; tx?: unknown } | null;
  return typeof r === 'object' && r !== null && typeof r.tx === 'string' &&
    (r.type === 'prepared' || r.type === 'decided');
}

/** Balances, locks and transactions of one participant. */
export class ResourceState {
  readonly balances = new Map<string, number>();
  readonly txs = new Map<string, TxEntry>();
  readonly locks = new Map<string, string>();
  /** Prepared, undecided transactions. */
  readonly prepared = new Set<string>();
  /** Decisions in the order taken (replayed ones first), for checkers. */
  readonly decisions: DecisionEntry[] = [];

  constructor(accounts: readonly string[], initialBalance: number) {
    for (const account of accounts) this.balances.set(account, initialBalance);
  }

  /** The state a log's records leave. */
  static replay(
    records: readonly ResourceRecord[], accounts: readonly string[], initialBalance: number,
  ): ResourceState {
    const state = new ResourceState(accounts, initialBalance);
    for (const record of records) {
      if (record.type === 'prepared') state.prepare(record);
      else if ((state.txs.get(record.tx)?.state ?? 'prepared') === 'prepared') {
        state.decide(record.tx, record.decision);
      }
    }
    return state;
  }

  /** Whether every account is unlocked or locked by `tx`. */
  canLock(tx: string, accounts: readonly string[]): boolean {
    return accounts.every((a) => (this.locks.get(a) ?? tx) === tx);
  }

  /** Records a yes vote: takes the locks. */
  prepare(record: Extract<ResourceRecord, { type: 'prepared' }>): void {
    assert(!this.txs.has(record.tx), `${record.tx} prepared twice`);
    const accounts = [...record.writes.map((w) => w.account), ...Object.keys(record.reads)];
    assert(this.canLock(record.tx, accounts), `${record.tx} prepared over a held lock`);
    for (const account of accounts) this.locks.set(account, record.tx);
    this.txs.set(record.tx, { state: 'prepared', participants: record.participants,
      writes: record.writes, reads: record.reads });
    this.prepared.add(record.tx);
  }

  /** Decides `tx`: a commit applies its writes; either way its locks are released. */
  decide(tx: string, decision: Decision): DecisionEntry {
    const entry = this.txs.get(tx);
    assert(entry === undefined || entry.state === 'prepared', `${tx} decided twice`);
    const known = entry ?? { state: 'prepared' as const, participants: [], writes: [], reads: {} };
    if (decision === 'commit') {
      for (const w of known.writes) this.balances.set(w.account, w.after);
    }
    for (const [account, holder] of [...this.locks]) if (holder === tx) this.locks.delete(account);
    this.prepared.delete(tx);
    this.txs.set(tx, { ...known, state: decision === 'commit' ? 'committed' : 'aborted' });
    const decided: DecisionEntry = { tx, decision, participants: known.participants,
      writes: known.writes, reads: known.reads };
    this.decisions.push(decided);
    return decided;
  }
}
