/**
 * raft: a message's byte count (messages.ts, `messageBytes`) is the length of its JSON, the
 * size the network's bandwidth model gives it, also for an AppendEntries whose entries are
 * measured once and shared with other messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../sim/index.js';
import { type Entry, messageBytes, type RaftMessage } from '../../protocols/raft/messages.js';

const entryArb: fc.Arbitrary<Entry> = fc.oneof(
  fc.record({ term: fc.nat(9), command: fc.constant({ kind: 'noop' as const }) }),
  fc.record({ term: fc.nat(9), command: fc.record({ kind: fc.constant('client' as const),
    client: fc.constantFrom('c1', 'c2'), seq: fc.nat(99),
    op: fc.record({ f: fc.constantFrom('put', 'append'), key: fc.string(), value: fc.string() }) }) }));

describe('raft: message bytes', () => {
  it('are the JSON length of every message, entries measured once (property)', () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 6 }), fc.nat(20), (raw, commit) => {
      const entries = raw.map((e) => snapshot(e));
      const append = (from: number): RaftMessage => ({ type: 'AppendEntries', term: 3,
        leader: 'n1', prevLogIndex: from, prevLogTerm: 2, entries: entries.slice(from),
        leaderCommit: commit, round: 1 });
      // Twice: the second time the entries' sizes come from the cache.
      for (const msg of [append(0), append(1), append(0)]) {
        expect(messageBytes(msg)).toBe(JSON.stringify(msg).length);
      }
    }));
  });

  it('counts other messages by their JSON too', () => {
    const vote: RaftMessage = { type: 'RequestVote', term: 2, candidate: 'n2', lastLogIndex: 4,
      lastLogTerm: 1, preVote: false };
    expect(messageBytes(vote)).toBe(JSON.stringify(vote).length);
  });
});
