/**
 * raft: log compaction at the level of one server (protocols/raft/compaction.ts and
 * persistence.ts), driven through a recording context: InstallSnapshot chunks arriving in
 * order, out of order and after a restart of the transfer; the log kept or discarded on
 * install; and recovery from every crash point of a snapshot write (torn copy, compaction not
 * yet durable) and from damage to both copies.
 */
import { describe, expect, it } from 'vitest';
import { Prng, SimDisk, snapshot, type NodeId } from '../../sim/index.js';
import { raftConfig, raftParams } from '../../protocols/raft/definition.js';
import type { Entry, InstallSnapshot, RaftMessage, Snapshot } from '../../protocols/raft/messages.js';
import type { Ctx } from '../../protocols/raft/node.js';
import { RaftNode } from '../../protocols/raft/node.js';
import { appendToDisk, LOG, recover, saveHardState, saveSnapshot } from
  '../../protocols/raft/persistence.js';

const noop = (term: number): Entry => ({ term, command: { kind: 'noop' } });
const put = (key: string, value: string) => ({ kind: 'data' as const, key, value });

/** A server on `disk` with a context that records what it sends; syncs complete at once. */
function server(disk = new SimDisk(), params: Record<string, unknown> = { snapshotEvery: 3 }) {
  const sent: { to: NodeId; msg: RaftMessage }[] = [];
  const ctx: Ctx = {
    id: 'n2', servers: ['n1', 'n2', 'n3'], disk, prng: new Prng('test', 'n2'),
    now: () => 0, monotonic: () => 0,
    send: (to, msg) => sent.push({ to, msg }),
    sendAfterSync: (to, msg) => {
      disk.completeSync(disk.writeSequence);
      sent.push({ to, msg });
    },
    setTimer: () => {}, cancelTimer: () => {}, drawDelay: () => 1, note: () => {}, record: () => {},
  };
  const node = new RaftNode(raftConfig(raftParams.parse(params), ['n1', 'n2', 'n3']),
    { messages: 0, bytes: 0, snapshotsTaken: 0, snapshotsInstalled: 0, snapshotRestores: 0 });
  node.start(ctx);
  const deliver = (msg: RaftMessage) => node.onMessage(ctx, 'n1', snapshot(msg));
  const lastReply = () => sent[sent.length - 1]?.msg;
  return { node, ctx, disk, sent, deliver, lastReply };
}

const chunk = (offset: number, records: Snapshot['records'], done: boolean, index = 6):
  InstallSnapshot => ({ type: 'InstallSnapshot', term: 2, leader: 'n1', lastIncludedIndex: index,
  lastIncludedTerm: 2, offset, records, done, round: 0 });

describe('raft: InstallSnapshot at a follower', () => {
  it('collects chunks in order, answers an out-of-order one with its offset, then installs', () => {
    const s = server();
    s.deliver(chunk(0, [put('a', '1')], false));
    expect(s.lastReply()).toMatchObject({ type: 'InstallSnapshotReply', received: 1, installed: false });
    s.deliver(chunk(2, [put('c', '3')], false)); // chunk 1 was lost
    expect(s.lastReply()).toMatchObject({ received: 1, installed: false });
    s.deliver(chunk(1, [put('b', '2')], false));
    s.deliver(chunk(2, [put('c', '3')], true));
    expect(s.lastReply()).toMatchObject({ received: 3, installed: true, lastIncludedIndex: 6 });
    expect(Object.fromEntries(s.node.kv.data)).toEqual({ a: '1', b: '2', c: '3' });
    expect([s.node.lastApplied, s.node.commitIndex, s.node.log.snapshotIndex]).toEqual([6, 6, 6]);
    // Durable: a restart starts from the snapshot.
    s.disk.crash(false);
    const again = server(s.disk);
    expect(again.node.kv.data.get('c')).toBe('3');
    expect(again.node.lastApplied).toBe(6);
  });

  it('starts the transfer over at offset 0, so a newer snapshot replaces a partial one', () => {
    const s = server();
    s.deliver(chunk(0, [put('a', 'old')], false, 4));
    s.deliver(chunk(0, [put('a', 'new')], true, 6));
    expect(s.node.kv.data.get('a')).toBe('new');
    expect(s.node.log.snapshotIndex).toBe(6);
  });

  it('keeps the log after the snapshot only when it holds the snapshot\'s last entry', () => {
    // Seven entries, then a snapshot to index 6 of term 2: [log, disk] start and end after it.
    const install = (terms: number[]) => {
      const s = server();
      s.node.log.append(terms.map(noop));
      appendToDisk(s.disk, s.node.log.entries);
      s.deliver(chunk(0, [], true, 6));
      return [s.node.log.snapshotIndex, s.node.log.lastIndex, s.disk.start(LOG), s.disk.length(LOG)];
    };
    expect(install([1, 2, 2, 2, 2, 2, 2])).toEqual([6, 7, 6, 7]);
    expect(install([1, 1, 1, 1, 1, 1, 1])).toEqual([6, 6, 6, 6]);
  });

  it('answers installed at once for a snapshot it has already applied past', () => {
    const s = server();
    s.deliver(chunk(0, [put('a', '1')], true, 6));
    s.deliver(chunk(0, [put('a', 'older')], false, 4));
    expect(s.lastReply()).toMatchObject({ installed: true, lastIncludedIndex: 4 });
    expect(s.node.kv.data.get('a')).toBe('1');
  });
});

describe('raft: snapshot recovery', () => {
  const snap = (index: number, value: string): Snapshot =>
    ({ index, term: 1, records: [put('k', value)] });
  const written = () => {
    const disk = new SimDisk();
    saveHardState(disk, 1, null);
    appendToDisk(disk, [noop(1), noop(1), noop(1), noop(1)]);
    saveSnapshot(disk, snap(2, 'two'), true);
    disk.completeSync(disk.writeSequence);
    return disk;
  };

  it('drops the records a snapshot covers when the crash came before the compaction was durable', () => {
    const disk = new SimDisk();
    saveHardState(disk, 1, null);
    appendToDisk(disk, [noop(1), noop(1), noop(1)]);
    for (const key of ['snapshot.a', 'snapshot.b']) disk.put(key, snap(2, 'two'));
    disk.completeSync(disk.writeSequence); // the snapshot, not yet the compaction
    disk.crash(false);
    const state = recover(disk);
    expect([state.log.snapshotIndex, state.log.lastIndex, state.disabled]).toEqual([2, 3, undefined]);
    expect(disk.start(LOG)).toBe(2);
  });

  it('falls back to the older copy when the new snapshot was torn, with the log intact', () => {
    const disk = written();
    saveSnapshot(disk, snap(4, 'four'), true);
    disk.crash(true); // tears snapshot.a, the first write in progress
    const state = recover(disk);
    expect(state.snapshot?.index).toBe(2);
    expect([state.log.snapshotIndex, state.log.lastIndex, state.disabled]).toEqual([2, 4, undefined]);
  });

  it('disables the server when both copies are damaged, or the log outran its snapshot', () => {
    const both = written();
    both.corrupt(() => 2); // keys sorted: hardState.a, hardState.b, snapshot.a, snapshot.b, …
    both.corrupt(() => 3);
    expect(recover(both).disabled).toMatch(/snapshot unreadable/);
    const outran = written();
    outran.delete('snapshot.a');
    outran.delete('snapshot.b');
    outran.completeSync(outran.writeSequence);
    expect(recover(outran).disabled).toMatch(/log compacted to 2 past the readable snapshot/);
  });
});

describe('raft: answers to an older term carry no read round', () => {
  // Round numbers start again at each leadership: echoing a term-2 round in a term-5 answer
  // would let its sender, leading term 5, count it as an answer to its own round 70
  // (scenarios/raft/read-round-across-terms.yaml).
  const append = (term: number, round: number): RaftMessage => ({ type: 'AppendEntries', term,
    leader: 'n1', prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, round });

  it('rejects a stale AppendEntries or snapshot chunk with round 0, and echoes its own term\'s', () => {
    const s = server();
    s.deliver(append(5, 3));
    expect(s.lastReply()).toMatchObject({ type: 'AppendEntriesReply', term: 5, success: true, round: 3 });
    s.deliver(append(2, 70));
    expect(s.lastReply()).toMatchObject({ type: 'AppendEntriesReply', term: 5, success: false, round: 0 });
    s.deliver({ ...chunk(0, [], true), term: 2, round: 70 });
    expect(s.lastReply()).toMatchObject({ type: 'InstallSnapshotReply', term: 5, round: 0 });
  });
});
