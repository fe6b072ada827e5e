/**
 * The serializability check over committed transactions. Every account lives at one
 * participant, which applies committed transactions to it one at a time; the order in which
 * it applies them is that account's version order. A committed transaction must have read the
 * version the previous committed writer left (otherwise an update was lost or a read was
 * stale), and it follows that writer and every reader of that version in the precedence graph
 * (write-read and read-write edges; write-write edges follow). Committed transactions are
 * conflict-serializable iff the graph, over all accounts and participants, has no cycle
 * (Bernstein, Hadzilacos & Goodman 1987, theorem 2.1); a serial order is any topological order,
 * and replaying the transfers in it gives the balances the participants hold.
 */
import type { Write } from './resource.js';

interface Version {
  value: number;
  writer: string | undefined;
  readers: string[];
}

/** Builds the precedence graph as participants apply commits; reports the first problem. */
export class SerialGraph {
  private readonly versions = new Map<string, Version>();
  private readonly edges = new Map<string, Set<string>>();

  constructor(accounts: readonly string[], initialBalance: number) {
    for (const a of accounts) {
      this.versions.set(a, { value: initialBalance, writer: undefined, readers: [] });
    }
  }

  /** Transactions in the graph. */
  get size(): number {
    return this.edges.size;
  }

  /**
   * Records that `tx` committed at a participant with these reads and writes; returns an
   * explanation when that breaks serializability.
   */
  apply(tx: string, writes: readonly Write[], reads: Readonly<Record<string, number>>):
    string | undefined {
    if (!this.edges.has(tx)) this.edges.set(tx, new Set());
    for (const [account, value] of Object.entries(reads)) {
      const version = this.versions.get(account);
      if (version === undefined) continue;
      if (value !== version.value) return this.stale(tx, account, value, version);
      const problem = this.edge(version.writer, tx, account);
      if (problem !== undefined) return problem;
      version.readers.push(tx);
    }
    for (const w of writes) {
      const version = this.versions.get(w.account);
      if (version === undefined) continue;
      if (w.before !== version.value) return this.stale(tx, w.account, w.before, version);
      for (const from of [version.writer, ...version.readers]) {
        const problem = this.edge(from, tx, w.account);
        if (problem !== undefined) return problem;
      }
      this.versions.set(w.account, { value: w.after, writer: tx, readers: [] });
    }
    return undefined;
  }

  private stale(tx: string, account: string, read: number, version: Version): string {
    return `${tx} committed having read ${account} = ${read}, but the last committed value of ` +
      `${account} was ${version.value} ` +
      `(written by ${version.writer ?? 'nobody: the opening balance'})`;
  }

  /** Adds from -> to unless it closes a cycle, which it reports. */
  private edge(from: string | undefined, to: string, account: string): string | undefined {
    if (from === undefined || from === to) return undefined;
    const path = this.path(to, from);
    if (path !== undefined) {
      return `committed transactions are not serializable: ${from} precedes ${to} on ${account}, ` +
        `but ${[...path].join(' -> ')} already orders them the other way`;
    }
    let out = this.edges.get(from);
    if (out === undefined) this.edges.set(from, (out = new Set()));
    out.add(to);
    return undefined;
  }

  /** A path from `source` to `target`, if any (depth-first, over fixed insertion orders). */
  private path(source: string, target: string): string[] | undefined {
    const parent = new Map<string, string>([[source, source]]);
    const stack = [source];
    while (stack.length > 0) {
      const node = stack.pop() as string;
      if (node === target) {
        const path = [node];
        for (let at = node; at !== source; ) path.unshift((at = parent.get(at) as string));
        return path;
      }
      for (const next of this.edges.get(node) ?? []) {
        if (!parent.has(next)) {
          parent.set(next, node);
          stack.push(next);
        }
      }
    }
    return undefined;
  }
}
