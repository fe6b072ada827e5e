/**
 * A toy protocol for testing the runner and the clients: every server is an independent
 * key-value store, so with one server the history is linearizable and with several it is not
 * (clients switch servers after a timeout). Its bug switch `forget-writes` drops every third
 * put and still answers ok. Not a protocol anyone should use; a fixture.
 */
import { z } from 'zod';
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { Client, kvOperations } from '../../sim/check/workload.js';
import type { AnyModel } from '../../sim/check/model.js';
import type { ProtocolDefinition } from '../../protocols/index.js';
import { bugList } from '../../protocols/params.js';

const params = z.object({ bugs: bugList(['forget-writes']) }).strict();
type Params = z.infer<typeof params>;

class ToyServer implements NodeProgram<ClientMessage> {
  readonly data = new Map<string, string>();
  private puts = 0;
  constructor(private readonly forget: boolean) {}
  start(): void {}
  onTimer(): void {}
  onMessage(ctx: NodeContext<ClientMessage>, from: NodeId, msg: ClientMessage): void {
    if (msg.type !== 'ClientRequest') return;
    const { f, key = '', value } = msg.op;
    const current = this.data.get(key) ?? null;
    let result: unknown = null;
    if (f === 'get') result = current;
    if (f === 'put' && !(this.forget && ++this.puts % 3 === 0)) this.data.set(key, value as string);
    if (f === 'append') this.data.set(key, (current ?? '') + (value as string));
    if (f === 'cas') {
      const [expected, next] = value as [string | null, string];
      if (expected !== current) {
        return ctx.send(from, { type: 'ClientReply', seq: msg.seq, outcome: 'fail', error: 'cas-mismatch' });
      }
      this.data.set(key, next);
    }
    ctx.send(from, { type: 'ClientReply', seq: msg.seq, outcome: 'ok', result });
  }
}

export const toyKv: ProtocolDefinition<Params> = {
  name: 'toykv',
  description: 'Independent key-value servers (a test fixture).',
  params,
  bugs: [{ name: 'forget-writes', description: 'drops every third put', caughtBy: 'linearizable',
    scenario: 'none' }],
  propertyNames: ['served-something', 'linearizable'],
  // One server (so that the correct fixture is linearizable), short runs; no phases or roles,
  // so only the nemesis rules that strike any server apply.
  fuzz: {
    phases: [],
    view: () => ({ phases: () => [], holders: () => [] }),
    timescale: () => ({ tick: 10_000, timeout: 50_000 }),
    profile: { nodes: [1, 1], duration: 2_000_000, settle: 1_000_000 },
  },
  setup({ params: p, workload }) {
    return {
      program: (id) => id.startsWith('n') ? new ToyServer(p.bugs.includes('forget-writes'))
        : new Client({ interval: workload === undefined ? 10_000 : Math.round(1e6 / workload.rate),
          timeout: workload?.timeout ?? 50_000, attempts: workload?.attempts ?? 1,
          generate: kvOperations(workload?.keys ?? 3, { get: 1, put: 1, append: 1, cas: 1 }) }),
      properties: [{ kind: 'sometimes', name: 'served-something',
        holds: (w) => w.history.some((e) => e.type === 'ok'), explain: 'no operation succeeded' }],
      liveness: [],
      model: kvModel({ failedCasIsObservation: true }) as unknown as AnyModel,
      metrics: (w) => ({ operations: w.history.filter((e) => e.type === 'invoke').length }),
    };
  },
};
