/**
 * Ballots (Paxos Made Simple §2.2): a total order in which every proposer's next ballot is
 * above everything it has seen and no two proposers share one, checked against a naive
 * reference; and the value rule of the merge at takeover (highest ballot per slot).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Ballot, compareBallots, formatBallot, isBallot, maxBallot, nextBallot, ZERO_BALLOT,
} from '../../protocols/paxos/ballot.js';
import { mergePromises } from '../../protocols/paxos/leader.js';
import type { AcceptedEntry } from '../../protocols/paxos/messages.js';
import type { Command } from '../../protocols/paxos/stateMachine.js';

const nodeArb = fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5');
const ballotArb: fc.Arbitrary<Ballot> = fc.record({ round: fc.nat(50), node: nodeArb });

/** Naive reference: ballots as strings `round` zero-padded then node id. */
const reference = (b: Ballot): string => `${String(b.round).padStart(4, '0')}:${b.node}`;

describe('paxos: ballots', () => {
  it('orders ballots by round, then by node id, as the reference does', () => {
    fc.assert(fc.property(ballotArb, ballotArb, (a, b) => {
      const expected = reference(a) < reference(b) ? -1 : reference(a) > reference(b) ? 1 : 0;
      expect(Math.sign(compareBallots(a, b))).toBe(expected);
      expect(Math.sign(compareBallots(b, a))).toBe(expected === 0 ? 0 : -expected);
    }));
  });

  it('is transitive, and maxBallot picks an upper bound', () => {
    fc.assert(fc.property(ballotArb, ballotArb, ballotArb, (a, b, c) => {
      if (compareBallots(a, b) <= 0 && compareBallots(b, c) <= 0) {
        expect(compareBallots(a, c)).toBeLessThanOrEqual(0);
      }
      const m = maxBallot(a, b);
      expect(compareBallots(m, a)).toBeGreaterThanOrEqual(0);
      expect(compareBallots(m, b)).toBeGreaterThanOrEqual(0);
    }));
  });

  it('gives each proposer a next ballot above what it saw, unique across proposers', () => {
    fc.assert(fc.property(ballotArb, nodeArb, nodeArb, (seen, p, q) => {
      const mine = nextBallot(seen, p);
      expect(compareBallots(mine, seen)).toBeGreaterThan(0);
      if (p !== q) expect(compareBallots(mine, nextBallot(seen, q))).not.toBe(0);
    }));
  });

  it('lets two proposers pick the same ballot under non-unique-ballots', () => {
    const seen = { round: 4, node: 'n2' };
    expect(compareBallots(nextBallot(seen, 'n1', false), nextBallot(seen, 'n3', false))).toBe(0);
  });

  it('starts every acceptor below any real ballot and validates shapes', () => {
    expect(compareBallots(ZERO_BALLOT, nextBallot(ZERO_BALLOT, 'n1'))).toBeLessThan(0);
    expect(formatBallot({ round: 3, node: 'n2' })).toBe('(3,n2)');
    expect(isBallot({ round: 1, node: 'n1' })).toBe(true);
    expect(isBallot({ round: -1, node: 'n1' })).toBe(false);
    expect(isBallot({ round: 1 })).toBe(false);
    expect(isBallot(null)).toBe(false);
  });
});

describe('paxos: takeover merge', () => {
  const put = (v: string): Command =>
    ({ kind: 'client', client: 'c1', seq: 1, op: { f: 'put', key: 'k', value: v } });
  const entryArb: fc.Arbitrary<AcceptedEntry<Command>> = fc.record({
    slot: fc.nat(5), ballot: ballotArb, value: fc.string({ maxLength: 3 }).map(put) });

  it('keeps, per slot, the proposal with the highest ballot any promise reported', () => {
    fc.assert(fc.property(fc.array(fc.array(entryArb, { maxLength: 6 }), { maxLength: 5 }),
      (promises) => {
        const merged = mergePromises(promises);
        const all = promises.flat();
        for (const slot of new Set(all.map((e) => e.slot))) {
          const best = merged.get(slot);
          expect(best).toBeDefined();
          for (const e of all.filter((x) => x.slot === slot)) {
            expect(compareBallots(e.ballot, (best as AcceptedEntry<Command>).ballot))
              .toBeLessThanOrEqual(0);
          }
        }
        expect(merged.size).toBe(new Set(all.map((e) => e.slot)).size);
      }));
  });
});
