/**
 * replication: a slave's answer to a Replicate from an older epoch (the fenced reply) carries
 * no heartbeat round. The sender's rounds count from 1 again each time it becomes master, so
 * if it later leads the slave's epoch, an echoed round would confirm one of its new rounds
 * that no majority answered (the defect Raft had: scenarios/raft/read-round-across-terms.yaml).
 */
import { describe, expect, it } from 'vitest';
import { Prng, SimDisk, snapshot, type NodeContext, type NodeId } from '../../sim/index.js';
import { replication } from '../../protocols/replication/definition.js';
import type { ReplicationMessage } from '../../protocols/replication/messages.js';

function slave() {
  const sent: { to: NodeId; msg: ReplicationMessage }[] = [];
  const disk = new SimDisk();
  const ctx: NodeContext<ReplicationMessage> = {
    id: 'n2', servers: ['n1', 'n2', 'n3'], disk, prng: new Prng('test', 'n2'),
    now: () => 0, monotonic: () => 0,
    send: (to, msg) => sent.push({ to, msg }),
    sendAfterSync: (to, msg) => {
      disk.completeSync(disk.writeSequence);
      sent.push({ to, msg });
    },
    setTimer: () => {}, cancelTimer: () => {}, drawDelay: () => 1, note: () => {}, record: () => {},
  };
  const instance = replication.setup({ servers: ['n1', 'n2', 'n3'],
    clients: [], params: replication.params.parse({}), workload: undefined, clientsStopAt: undefined });
  const node = instance.program('n2');
  node.start(ctx);
  const deliver = (msg: ReplicationMessage) => node.onMessage(ctx, 'n1', snapshot(msg));
  return { deliver, last: () => sent[sent.length - 1]?.msg };
}

const replicate = (epoch: number, round: number): ReplicationMessage => ({ type: 'Replicate',
  epoch, prevIndex: 0, prevEpoch: 0, entries: [], commit: 0, round });

describe('replication: the fenced reply', () => {
  it('echoes the round of its own epoch\'s master, and answers an older epoch with round 0', () => {
    const s = slave();
    s.deliver(replicate(5, 3));
    expect(s.last()).toMatchObject({ type: 'ReplicateReply', epoch: 5, success: true, round: 3 });
    s.deliver(replicate(2, 70));
    expect(s.last()).toMatchObject({ type: 'ReplicateReply', epoch: 5, success: false, round: 0 });
  });
});
