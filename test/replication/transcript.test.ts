/**
 * Master-slave replication handlers as transcripts (sim/transcript.ts). A slave that learns a
 * newer epoch writes it before it acknowledges anything; a Replicate from an older epoch's
 * master (the fenced reply) is answered at once with the slave's epoch and round 0, writes
 * nothing, and does not count as hearing from a master: no timer is touched.
 */
import { describe, expect, it } from 'vitest';
import { type NodeProgram, sends, Transcript } from '../../sim/index.js';
import { replication } from '../../protocols/replication/definition.js';
import type { ReplicationMessage } from '../../protocols/replication/messages.js';

const servers = ['n1', 'n2', 'n3'];

function slave() {
  const instance = replication.setup({ servers, clients: [], params: replication.params.parse({}),
    workload: undefined, clientsStopAt: undefined });
  const t = new Transcript<ReplicationMessage>({ id: 'n2', servers,
    program: instance.program('n2') as NodeProgram<ReplicationMessage> });
  t.start();
  return t;
}

const replicate = (epoch: number, round: number): ReplicationMessage => ({ type: 'Replicate',
  epoch, prevIndex: 0, prevEpoch: 0, entries: [], commit: 0, round });

describe('replication transcripts', () => {
  it('writes a newer epoch before acknowledging its master', () => {
    const t = slave();
    const step = t.at(1_000).message('n1', replicate(5, 3));
    expect(step.writes).toEqual([{ op: 'put', key: 'meta', value: { epoch: 5 } }]);
    expect(sends(step).filter((s) => s.to === 'n1')).toEqual([{ to: 'n1', afterSync: true,
      msg: { type: 'ReplicateReply', epoch: 5, success: true, matchIndex: 0, round: 3 } }]);
  });

  it('fences an older epoch\'s master: round 0, nothing written, no timer touched', () => {
    const t = slave();
    t.at(1_000).message('n1', replicate(5, 3));
    t.sync();
    const step = t.at(2_000).message('n3', replicate(2, 70));
    expect(step.writes).toEqual([]);
    expect(step.effects).toEqual([
      { kind: 'note', note: 'fenced', data: { from: 'n3', epoch: 2 } },
      { kind: 'send', to: 'n3', msg: { type: 'ReplicateReply', epoch: 5, success: false,
        matchIndex: 0, round: 0 } },
    ]);
  });
});
