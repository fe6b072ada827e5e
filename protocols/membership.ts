/**
 * Cluster membership changes, the pieces Raft and master-slave replication share (Ongaro's
 * thesis, chapter 4: single-server changes).
 *
 * - A configuration is the set of servers that vote. It is a log entry: every server uses the
 *   latest configuration in its log, committed or not, and falls back to the one before when
 *   a new leader's log cuts that entry off (§4.1). A snapshot records the configuration at
 *   its index.
 * - One server is added or removed at a time, so any majority of the old configuration meets
 *   any majority of the new one: two leaders cannot be elected in one term by disjoint
 *   majorities (§4.1, Figure 4.3). test/protocols/membership.test.ts checks that claim by
 *   brute force, and shows two changes at once break it.
 * - A new server catches up as a non-voting learner before it is added, in rounds: each round
 *   sends it what the leader held when the round began; once a round takes less than an
 *   election timeout, the server is added; after `rounds` rounds without that, the change is
 *   given up (§4.2.1). `CatchUp` keeps that account.
 *
 * Pure, so each piece is tested alone (test/protocols/membership.test.ts).
 */
import type { Micros, NodeId } from '../sim/index.js';

/** Servers that make a majority of `n`. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Server ids in their natural order (n2 before n10), so a configuration has one spelling. */
export function sortIds(ids: Iterable<NodeId>): NodeId[] {
  const number = (id: NodeId): number => Number(id.slice(1));
  return [...new Set(ids)].sort((a, b) => number(a) - number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A configuration and where it entered the log (0: the first one, or a snapshot's base). */
export class Configuration {
  readonly voters: ReadonlySet<NodeId>;

  constructor(
    /** The log index of the entry that made it (the snapshot's index for a base). */
    readonly index: number,
    /** The voters, in natural order. */
    readonly list: readonly NodeId[],
  ) {
    this.voters = new Set(list);
  }

  /** Whether `id` votes in this configuration. */
  has(id: NodeId): boolean {
    return this.voters.has(id);
  }

  /** Voters that make a majority. */
  get quorum(): number {
    return majorityOf(this.list.length);
  }

  /** Whether the ids (votes, acknowledgements) include a majority of the voters. */
  isQuorum(ids: Iterable<NodeId>): boolean {
    let count = 0;
    for (const id of ids) if (this.voters.has(id)) count++;
    return count >= this.quorum;
  }

}

/** The voters after adding or removing `node` (the rest stay as they are). */
export function changed(voters: readonly NodeId[], op: 'add' | 'remove', node: NodeId): NodeId[] {
  return op === 'add' ? sortIds([...voters, node]) : voters.filter((id) => id !== node);
}

/** What the catch-up of a new server says after it acknowledged more of the log. */
export type CatchUpStep = 'waiting' | 'next-round' | 'caught-up' | 'too-slow';

/**
 * The catch-up of one new server in rounds (§4.2.1). Round 1 ends when the server holds what
 * the leader held when the catch-up began; each next round ends when it holds what the leader
 * held when that round began. A round shorter than `roundLimit` (an election timeout) ends
 * the catch-up: the server is close enough that adding it makes the cluster wait at most that
 * long. After `rounds` rounds the change is given up ("too-slow"), as a server that is
 * unreachable or too slow would otherwise keep the change, and every later one, waiting.
 */
export class CatchUp {
  round = 1;
  private roundStart: Micros;
  private roundEnd: number;

  constructor(now: Micros, leaderLast: number, readonly rounds: number,
    readonly roundLimit: Micros) {
    this.roundStart = now;
    this.roundEnd = leaderLast;
  }

  /**
   * The server's log matches the leader's up to `match` at local time `now`, when the leader's
   * log ends at `leaderLast`: the step this leaves the catch-up in.
   */
  progress(match: number, now: Micros, leaderLast: number): CatchUpStep {
    if (match < this.roundEnd) return 'waiting';
    if (now - this.roundStart < this.roundLimit) return 'caught-up';
    if (this.round >= this.rounds) return 'too-slow';
    this.round++;
    this.roundStart = now;
    this.roundEnd = leaderLast;
    return 'next-round';
  }
}
