/**
 * membership: the pieces Raft's membership changes rest on (protocols/membership.ts), against
 * brute force. The claim of thesis §4.1 (Figure 4.3): a configuration and the one that adds
 * or removes one server have no disjoint majorities, so two leaders cannot be elected in one
 * term; two changes at once can (the `two-changes-at-once` bug). And the catch-up in rounds of
 * §4.2.1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CatchUp, changed, Configuration, majorityOf, sortIds } from
  '../../protocols/membership.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** Whether some majority of `a` and some majority of `b` share no server (brute force). */
function disjointMajorities(a: Configuration, b: Configuration): boolean {
  const all = sortIds([...a.list, ...b.list]);
  // Each server goes to side A, side B or neither.
  for (let code = 0; code < 3 ** all.length; code++) {
    const sideA: string[] = [];
    const sideB: string[] = [];
    all.forEach((id, k) => {
      const side = Math.floor(code / 3 ** k) % 3;
      if (side === 1) sideA.push(id);
      if (side === 2) sideB.push(id);
    });
    if (a.isQuorum(sideA) && b.isQuorum(sideB)) return true;
  }
  return false;
}

/** A configuration of 1–5 voters among n1..n6. */
const configArb = fc.subarray(ids(6), { minLength: 1, maxLength: 5 })
  .map((list) => new Configuration(0, sortIds(list)));

describe('membership: configurations', () => {
  it('counts a majority of the voters only, whoever else answers', () => {
    const config = new Configuration(7, ['n1', 'n2', 'n3']);
    expect(config.quorum).toBe(2);
    expect(config.isQuorum(['n1', 'n4', 'n5'])).toBe(false);
    expect(config.isQuorum(['n1', 'n3'])).toBe(true);
    expect(majorityOf(4)).toBe(3);
  });

  it('spells ids in natural order, n2 before n10', () => {
    expect(sortIds(['n10', 'n2', 'n1', 'n2'])).toEqual(['n1', 'n2', 'n10']);
  });

  it('adds or removes one server and keeps the rest', () => {
    expect(changed(['n1', 'n3'], 'add', 'n2')).toEqual(['n1', 'n2', 'n3']);
    expect(changed(['n1', 'n2', 'n3'], 'remove', 'n2')).toEqual(['n1', 'n3']);
  });

  it('leaves no disjoint majorities after one change (thesis §4.1)', () => {
    fc.assert(fc.property(configArb, fc.constantFrom(...ids(6)), (config, id) => {
      const op = config.has(id) ? 'remove' : 'add';
      if (op === 'remove' && config.list.length === 1) return;
      const next = new Configuration(1, changed(config.list, op, id));
      expect(disjointMajorities(config, next)).toBe(false);
    }));
  });

  it('can leave disjoint majorities after two changes at once (the bug\'s premise)', () => {
    const first = new Configuration(0, ids(5));
    const twice = new Configuration(2, changed(changed(first.list, 'remove', 'n5'), 'remove',
      'n4'));
    expect(disjointMajorities(first, twice)).toBe(true);
    // From any odd size, two removals, or two additions, do (an even size keeps an overlap).
    fc.assert(fc.property(fc.constantFrom(3, 5), fc.boolean(), (n, grow) => {
      const small = new Configuration(0, ids(n));
      const large = new Configuration(2, ids(n + 2));
      expect(grow ? disjointMajorities(small, large) : disjointMajorities(large, small))
        .toBe(true);
    }));
  });
});

describe('membership: catch-up in rounds (thesis §4.2.1)', () => {
  it('ends when a round is shorter than the limit', () => {
    const catchUp = new CatchUp(0, 100, 10, 150);
    expect(catchUp.progress(50, 40, 120)).toBe('waiting');
    // The round began at 0 and took 200: too long; the next round aims at 120.
    expect(catchUp.progress(100, 200, 120)).toBe('next-round');
    expect(catchUp.round).toBe(2);
    expect(catchUp.progress(110, 250, 130)).toBe('waiting');
    expect(catchUp.progress(120, 300, 130)).toBe('caught-up');
  });

  it('gives up after its rounds, each too long', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), (rounds) => {
      const catchUp = new CatchUp(0, 10, rounds, 100);
      let now = 0;
      let step = '';
      for (let r = 1; r <= rounds; r++) {
        now += 500;
        step = catchUp.progress(10 * r, now, 10 * (r + 1));
      }
      expect(step).toBe('too-slow');
      expect(catchUp.round).toBe(rounds);
    }));
  });
});
