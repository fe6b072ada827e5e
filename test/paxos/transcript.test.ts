/**
 * Multi-Paxos acceptor handlers as transcripts (sim/transcript.ts): a Prepare is promised
 * only after the promise is durable, and a Prepare or Accept below the promise is refused
 * with the promise it lost to, writing nothing (Lamport, "Paxos Made Simple", phase 1b/2b).
 */
import { describe, expect, it } from 'vitest';
import { type NodeProgram, sends, Transcript } from '../../sim/index.js';
import { paxos } from '../../protocols/paxos/definition.js';
import type { PaxosMessage } from '../../protocols/paxos/messages.js';
import type { Command } from '../../protocols/paxos/stateMachine.js';

const servers = ['n1', 'n2', 'n3'];
type Message = PaxosMessage<Command>;

function acceptor() {
  const instance = paxos.setup({ servers, clients: [], params: paxos.params.parse({}),
    workload: undefined, clientsStopAt: undefined });
  const t = new Transcript<Message>({ id: 'n2', servers,
    program: instance.program('n2') as NodeProgram<Message> });
  t.start();
  return t;
}

const high = { round: 5, node: 'n3' };
const low = { round: 3, node: 'n1' };

describe('paxos transcripts', () => {
  it('promises a higher ballot durably: both copies written, the Promise held for them', () => {
    const t = acceptor();
    const step = t.at(1_000).message('n3', { type: 'Prepare', ballot: high, fromSlot: 0 });
    expect(step.writes).toEqual([
      { op: 'put', key: 'acceptor/promised.a', value: high },
      { op: 'put', key: 'acceptor/promised.b', value: high },
    ]);
    expect(sends(step)).toEqual([{ to: 'n3', afterSync: true,
      msg: { type: 'Promise', ballot: high, accepted: [] } }]);
    expect(step.effects[0]).toMatchObject({ needs: t.disk.writeSequence });
  });

  it('refuses a Prepare after a higher promise with that promise, and writes nothing', () => {
    const t = acceptor();
    t.at(1_000).message('n3', { type: 'Prepare', ballot: high, fromSlot: 0 });
    t.sync();
    const step = t.at(2_000).message('n1', { type: 'Prepare', ballot: low, fromSlot: 0 });
    expect(step.writes).toEqual([]);
    expect(step.effects).toEqual([{ kind: 'sendAfterSync', to: 'n1',
      msg: { type: 'Nack', ballot: low, promised: high }, needs: t.disk.writeSequence }]);
    // Nothing waits to be written, so the refusal leaves at once.
    expect(t.disk.durableSequence).toBe(t.disk.writeSequence);
  });

  it('refuses an Accept below the promise without accepting it', () => {
    const t = acceptor();
    t.at(1_000).message('n3', { type: 'Prepare', ballot: high, fromSlot: 0 });
    t.sync();
    const step = t.at(2_000).message('n1', { type: 'Accept', ballot: low,
      entries: [{ slot: 0, value: { kind: 'noop' } }] });
    expect(step.writes).toEqual([]);
    expect(sends(step)).toEqual([{ to: 'n1', afterSync: true,
      msg: { type: 'Nack', ballot: low, promised: high } }]);
  });

  it('accepts a batch of slots behind one write barrier and answers them in one Accepted', () => {
    const t = acceptor();
    const put = { kind: 'client' as const, client: 'c1', seq: 1,
      op: { f: 'put' as const, key: 'k', value: 'v' } };
    const entries = [{ slot: 0, value: { kind: 'noop' as const } }, { slot: 1, value: put }];
    const step = t.at(1_000).message('n3', { type: 'Accept', ballot: high, entries });
    expect(step.writes).toEqual([
      { op: 'put', key: 'acceptor/promised.a', value: high },
      { op: 'put', key: 'acceptor/promised.b', value: high },
      { op: 'put', key: 'acceptor/accepted/0.a', value: { ballot: high, value: entries[0]!.value } },
      { op: 'put', key: 'acceptor/accepted/0.b', value: { ballot: high, value: entries[0]!.value } },
      { op: 'put', key: 'acceptor/accepted/1.a', value: { ballot: high, value: put } },
      { op: 'put', key: 'acceptor/accepted/1.b', value: { ballot: high, value: put } },
    ]);
    // One reply for the whole batch, released once every write above is durable.
    expect(sends(step)).toEqual([{ to: 'n3', afterSync: true,
      msg: { type: 'Accepted', ballot: high, entries } }]);
    expect(step.effects.find((e) => e.kind === 'sendAfterSync'))
      .toMatchObject({ needs: t.disk.writeSequence });
  });
});
