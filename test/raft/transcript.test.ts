/**
 * Raft handlers as transcripts (sim/transcript.ts): one message in, then exactly what the
 * handler asked for: its disk writes and its outbox. The trickiest one is a follower's
 * AppendEntries whose entries conflict with its log's suffix (§5.3): it must cut the
 * conflicting suffix and append the leader's entries, and acknowledge only after all of it
 * is durable.
 */
import { describe, expect, it } from 'vitest';
import { sends, Transcript } from '../../sim/index.js';
import { raftConfig, raftParams } from '../../protocols/raft/definition.js';
import type { AppendEntries, RaftMessage } from '../../protocols/raft/messages.js';
import { RaftNode } from '../../protocols/raft/node.js';

const noop = { kind: 'noop' } as const;
const entry = (term: number) => ({ term, command: noop });

function follower() {
  const program = new RaftNode(raftConfig(raftParams.parse({}), ['n1', 'n2', 'n3']),
    { messages: 0, bytes: 0, snapshotsTaken: 0, snapshotsInstalled: 0, snapshotRestores: 0 });
  const t = new Transcript<RaftMessage>({ id: 'n2', servers: ['n1', 'n2', 'n3'], program });
  t.start();
  return { t, program };
}

const append = (fields: Partial<AppendEntries>): AppendEntries => ({ type: 'AppendEntries',
  term: 1, leader: 'n1', prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, round: 1,
  ...fields });

/** A follower holding three entries of term 1 from n1, all durable. */
function withTermOneLog() {
  const f = follower();
  f.t.at(1_000).message('n1', append({ entries: [entry(1), entry(1), entry(1)] }));
  f.t.sync();
  return f;
}

describe('raft transcripts', () => {
  it('cuts a conflicting suffix, appends the new leader\'s entry, and acknowledges after sync', () => {
    const { t, program } = withTermOneLog();
    const step = t.at(2_000).message('n3', append({ term: 2, leader: 'n3', prevLogIndex: 1,
      prevLogTerm: 1, entries: [entry(2)], leaderCommit: 1, round: 4 }));
    // The new term first (it is what a restart must not forget), then the log: cut after
    // index 1, the leader's entry at index 2.
    expect(step.writes).toEqual([
      { op: 'put', key: 'hardState.a', value: { term: 2, votedFor: null } },
      { op: 'put', key: 'hardState.b', value: { term: 2, votedFor: null } },
      { op: 'truncate', log: 'log', length: 1 },
      { op: 'append', log: 'log', record: entry(2) },
    ]);
    // One answer, to the new leader, held until every write above is durable.
    expect(sends(step)).toEqual([{ to: 'n3', afterSync: true, msg: { type: 'AppendEntriesReply',
      term: 2, success: true, matchIndex: 2, conflictTerm: 0, conflictIndex: 0, round: 4,
      repairing: false } }]);
    const reply = step.effects.at(-1);
    expect(reply).toMatchObject({ kind: 'sendAfterSync', needs: t.disk.writeSequence });
    expect(t.disk.durableSequence).toBeLessThan(t.disk.writeSequence);
    // It follows n3 now, restarted its election timeout, and commits what n3 says is committed.
    expect(step.effects.map((e) => e.kind)).toEqual(['note', 'setTimer', 'note', 'sendAfterSync']);
    expect(step.effects[2]).toEqual({ kind: 'note', note: 'commit', data: { index: 1 } });
    expect(program.log.lastIndex).toBe(2);
    expect(program.log.termAt(2)).toBe(2);
  });

  it('rejects a mismatched previous entry with the first index of its term, writing no log', () => {
    const { t } = withTermOneLog();
    const step = t.at(2_000).message('n3', append({ term: 2, leader: 'n3', prevLogIndex: 3,
      prevLogTerm: 2, entries: [entry(2)], round: 9 }));
    // Only the new term is written; the log is left alone.
    expect(step.writes.map((w) => w.op)).toEqual(['put', 'put']);
    // The hint names the conflicting term (1) and its first index (1), so the leader can skip
    // the whole term in one round trip.
    expect(sends(step)).toEqual([{ to: 'n3', afterSync: true, msg: { type: 'AppendEntriesReply',
      term: 2, success: false, matchIndex: 0, conflictTerm: 1, conflictIndex: 1, round: 9,
      repairing: false } }]);
  });

  it('answers an older term at once, with round 0, and changes nothing', () => {
    const { t } = withTermOneLog();
    t.at(2_000).message('n3', append({ term: 2, leader: 'n3', prevLogIndex: 3, prevLogTerm: 1 }));
    t.sync();
    const step = t.at(3_000).message('n1', append({ term: 1, prevLogIndex: 3, prevLogTerm: 1,
      entries: [entry(1)], round: 7 }));
    expect(step.writes).toEqual([]);
    expect(step.effects).toEqual([{ kind: 'send', to: 'n1', msg: { type: 'AppendEntriesReply',
      term: 2, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 0, round: 0,
      repairing: false } }]);
  });
});
