/**
 * Ballots ("proposal numbers" in Paxos Made Simple §2.2): a pair (round, node). Rounds order
 * ballots; the proposer's node id breaks ties, so two proposers can never use the same ballot
 * and an acceptor can never accept two different values at one ballot. That uniqueness is
 * what the `non-unique-ballots` bug switch takes away: it numbers ballots with a plain
 * counter, so two proposers that time out together both run round r.
 *
 * Pure helpers only, property-tested in test/paxos/ballot.test.ts.
 */
import type { NodeId } from '../../sim/index.js';

/** A ballot: a round and the node that owns it (`''` under `non-unique-ballots`). */
export interface Ballot {
  readonly round: number;
  readonly node: NodeId;
}

/** The ballot below every real one: what a fresh acceptor has promised. */
export const ZERO_BALLOT: Ballot = Object.freeze({ round: 0, node: '' });

/** Negative, zero or positive as `a` is below, equal to or above `b` (round, then node id). */
export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round - b.round;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

/** The larger of two ballots (the first on a tie). */
export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return compareBallots(a, b) >= 0 ? a : b;
}

/**
 * The next ballot node `self` may use: one round above everything it has seen, owned by
 * `self` so that no other proposer can pick it. With `unique` false (the bug) the owner is
 * left blank and two proposers may pick the same ballot.
 */
export function nextBallot(seen: Ballot, self: NodeId, unique = true): Ballot {
  // Frozen, so that the many messages and records that carry it share it (sim/snapshot.ts).
  return Object.freeze({ round: seen.round + 1, node: unique ? self : '' });
}

/** A ballot as people write it: `(3,n2)`. */
export function formatBallot(b: Ballot): string {
  return `(${b.round},${b.node})`;
}

/** Whether `value` has the shape of a ballot (disk and network gateway check). */
export function isBallot(value: unknown): value is Ballot {
  if (typeof value !== 'object' || value === null) return false;
  const { round, node } = value as { round?: unknown; node?: unknown };
  return typeof round === 'number' && Number.isInteger(round) && round >= 0 &&
    typeof node === 'string';
}
