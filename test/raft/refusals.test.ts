/**
 * raft: redirected writes at the level of one server (clientRequests.ts with
 * protocols/refusals.ts), driven through a recording context. A follower that never led
 * refuses a write definitely, on disk before the reply, and refuses it again once it leads,
 * even after a crash. A server that appended the write as leader answers `unknown` until a
 * committed entry of a later term has applied here, then refuses definitely; after a crash it
 * still knows from its durable horizon that it may have appended it.
 */
import { describe, expect, it } from 'vitest';
import { Prng, SimDisk, snapshot, type NodeId } from '../../sim/index.js';
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import { raftConfig, raftParams } from '../../protocols/raft/definition.js';
import type { AppendEntries, RaftMessage } from '../../protocols/raft/messages.js';
import type { Ctx } from '../../protocols/raft/node.js';
import { RaftNode } from '../../protocols/raft/node.js';

/** Server n2 on `disk`; a sync completes when a message waits for it, as soon as asked. */
function server(disk = new SimDisk()) {
  const sent: { to: NodeId; msg: RaftMessage; afterSync: boolean }[] = [];
  let now = 0;
  const ctx: Ctx = {
    id: 'n2', servers: ['n1', 'n2', 'n3'], disk, prng: new Prng('test', 'n2'),
    now: () => now, monotonic: () => now,
    send: (to, msg) => sent.push({ to, msg, afterSync: false }),
    sendAfterSync: (to, msg) => {
      disk.completeSync(disk.writeSequence);
      sent.push({ to, msg, afterSync: true });
    },
    setTimer: () => {}, cancelTimer: () => {}, drawDelay: () => 1_000, note: () => {},
    record: () => {},
  };
  const node = new RaftNode(raftConfig(raftParams.parse({}), ['n1', 'n2', 'n3']),
    { messages: 0, bytes: 0, snapshotsTaken: 0, snapshotsInstalled: 0, snapshotRestores: 0 });
  node.start(ctx);
  const deliver = (from: NodeId, msg: RaftMessage) => node.onMessage(ctx, from, snapshot(msg));
  const replyTo = (client: NodeId) => sent.filter((s) => s.to === client).at(-1);
  /** Times out and wins the election with n1's vote. */
  const lead = () => {
    now += 2_000;
    node.onTimer(ctx, 'election');
    deliver('n1', { type: 'RequestVoteReply', term: node.currentTerm, granted: true,
      preVote: false });
    deliver('n2', { type: 'RequestVoteReply', term: node.currentTerm, granted: true,
      preVote: false });
    expect(node.role).toBe('leader');
  };
  return { node, ctx, disk, sent, deliver, replyTo, lead };
}

const put = (client: NodeId, seq: number): ClientRequest =>
  ({ type: 'ClientRequest', client, seq, op: { f: 'put', key: 'k', value: `${client}.${seq}` } });

const appendEntries = (fields: Partial<AppendEntries>): AppendEntries => ({ type: 'AppendEntries',
  term: 2, leader: 'n3', prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0,
  round: 0, ...fields });

describe('raft: redirected writes', () => {
  it('are refused definitely by a server that never led, and again once it leads', () => {
    const s = server();
    s.deliver('c1', put('c1', 1));
    expect(s.replyTo('c1')).toMatchObject({ afterSync: true,
      msg: { type: 'ClientReply', seq: 1, outcome: 'fail', error: 'not-leader' } });
    expect(s.disk.unsyncedWrites).toBe(0);
    // A crash, a restart and an election later, a duplicate of the request is refused again.
    s.disk.crash(false);
    const again = server(s.disk);
    again.lead();
    again.deliver('c1', put('c1', 1));
    expect(again.replyTo('c1')?.msg).toMatchObject({ outcome: 'fail', error: 'refused-earlier' });
    expect(again.node.log.lastIndex).toBe(1); // the no-op only: the write was not appended
  });

  it('are unknown at an ex-leader that appended them until a later term commits here', () => {
    const s = server();
    s.lead();
    s.deliver('c1', put('c1', 1));
    expect(s.node.log.lastIndex).toBe(2);
    // n3 leads term 2; its AppendEntries makes n2 a follower.
    s.deliver('n3', appendEntries({ prevLogIndex: 1, prevLogTerm: 1 }));
    expect(s.node.role).toBe('follower');
    s.deliver('c1', put('c1', 1));
    expect(s.replyTo('c1')?.msg).toMatchObject({ outcome: 'unknown', error: 'not-leader',
      leaderHint: 'n3' });
    // n3's no-op of term 2 replaces the write at index 2 and commits: its fate is known.
    s.deliver('n3', appendEntries({ prevLogIndex: 1, prevLogTerm: 1,
      entries: [{ term: 2, command: { kind: 'noop' } }], leaderCommit: 2 }));
    expect(s.node.lastApplied).toBe(2);
    s.deliver('c1', put('c1', 1));
    expect(s.replyTo('c1')?.msg).toMatchObject({ outcome: 'fail', error: 'not-leader' });
  });

  it('answer what the state machine answered once the write applied', () => {
    const s = server();
    s.deliver('n3', appendEntries({ term: 1, entries: [{ term: 1, command: { kind: 'client',
      client: 'c1', seq: 1, op: put('c1', 1).op } }], leaderCommit: 1 }));
    s.deliver('c1', put('c1', 1));
    expect(s.replyTo('c1')?.msg).toEqual({ type: 'ClientReply', seq: 1, outcome: 'ok',
      result: null });
  });

  it('stay in doubt after a crash of a leader that may have appended them', () => {
    const s = server();
    s.lead();
    s.deliver('c1', put('c1', 1)); // appended, not yet durable
    s.disk.crash(false);
    const again = server(s.disk);
    expect(again.node.refusals.bootHorizon).toBe(1);
    again.deliver('c1', put('c1', 1));
    expect(again.replyTo('c1')?.msg).toMatchObject({ outcome: 'unknown' });
    again.deliver('n3', appendEntries({ prevLogIndex: 0, prevLogTerm: 0,
      entries: [{ term: 1, command: { kind: 'noop' } }, { term: 2, command: { kind: 'noop' } }],
      leaderCommit: 2 }));
    again.deliver('c1', put('c1', 1));
    expect(again.replyTo('c1')?.msg).toMatchObject({ outcome: 'fail', error: 'not-leader' });
  });
});
