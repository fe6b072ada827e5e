/**
 * The shared client: retries at the hinted leader, Jepsen's outcomes, and replies that answer
 * an earlier attempt (duplicated by the network) never turning a write that happened into a
 * definite failure.
 */
import { describe, expect, it } from 'vitest';
import { Engine, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { ClientMessage, ClientRequest } from '../../sim/check/clientProtocol.js';
import { Client } from '../../sim/check/workload.js';

/** n1 redirects to n2, answering each request twice (a duplicated reply); n2 applies slowly. */
class Server implements NodeProgram<ClientMessage> {
  applied = 0;
  private pending: ClientRequest | undefined;
  start(): void {}
  onMessage(ctx: NodeContext<ClientMessage>, _from: NodeId, msg: ClientMessage): void {
    if (msg.type !== 'ClientRequest') return;
    if (ctx.id === 'n1') {
      const reply = { type: 'ClientReply', seq: msg.seq, outcome: 'fail', error: 'not-leader',
        leaderHint: 'n2' } as const;
      ctx.send(msg.client, reply);
      this.pending = msg;
      ctx.setTimer('duplicate', 5_000);
      return;
    }
    this.applied++;
    this.pending = msg;
    ctx.setTimer('reply', 20_000);
  }
  onTimer(ctx: NodeContext<ClientMessage>, name: string): void {
    const msg = this.pending as ClientRequest;
    if (name === 'duplicate') {
      ctx.send(msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'not-leader', leaderHint: 'n2' });
    } else {
      ctx.send(msg.client, { type: 'ClientReply', seq: msg.seq, outcome: 'ok', result: null });
    }
  }
}

function run(attempts: number) {
  const engine = new Engine<ClientMessage>({
    seed: 1, servers: ['n1', 'n2'], clients: ['c1'],
    network: { latency: { dist: 'constant', value: 1_000 } },
    program: (id) => id === 'c1'
      ? new Client({ interval: 1, timeout: 100_000, attempts, stopAt: 1_000,
        generate: () => ({ f: 'put', key: 'k', value: 'v' }) })
      : new Server(),
  });
  engine.run(500_000);
  return engine;
}

describe('client', () => {
  it('ignores a duplicated rejection from an earlier attempt and records the write as ok', () => {
    const engine = run(2);
    expect((engine.program('n2') as Server).applied).toBe(1);
    expect(engine.history.map((e) => e.type)).toEqual(['invoke', 'ok']);
  });

  it('records a definite fail with its error when every attempt was rejected', () => {
    const engine = run(1);
    expect(engine.history.map((e) => [e.type, e.error])).toEqual([
      ['invoke', undefined], ['fail', 'not-leader']]);
  });
});
