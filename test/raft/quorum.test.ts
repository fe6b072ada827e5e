/** raft: quorum arithmetic against brute force. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isQuorum, majority, quorumMatchIndex } from '../../protocols/raft/quorum.js';

describe('raft: quorum', () => {
  it('a majority is the smallest count more than half', () => {
    for (let n = 1; n <= 9; n++) {
      expect(isQuorum(majority(n), n)).toBe(true);
      expect(isQuorum(majority(n) - 1, n)).toBe(false);
      expect(2 * majority(n)).toBeGreaterThan(n);
    }
  });

  it('quorumMatchIndex is the largest N a majority has reached', () => {
    fc.assert(fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 9 }), (matches) => {
      let best = 0;
      for (let n = 0; n <= 20; n++) {
        if (isQuorum(matches.filter((m) => m >= n).length, matches.length)) best = n;
      }
      expect(quorumMatchIndex(matches)).toBe(best);
    }));
  });
});
