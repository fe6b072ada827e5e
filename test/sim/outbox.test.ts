/**
 * Effects as data (sim/_internal/outbox.ts): a handler's effects wait in its node's outbox
 * until it returns, and the engine then applies them in the order asked, holding a
 * sendAfterSync until the writes before it are durable. The network gives each message one
 * tagged fate. A transcript (sim/transcript.ts) lists a handler's outbox without applying it.
 */
import { describe, expect, it } from 'vitest';
import {
  Engine, type NodeContext, type NodeProgram, Network, PrngRoot, sends, Transcript,
} from '../../sim/index.js';

type Msg = { type: string; n?: number };

/** n1 runs `onStart` at boot; everyone else does nothing. */
function engineWith(onStart: (ctx: NodeContext<Msg>, engine: () => Engine<Msg>) => void) {
  let engine: Engine<Msg> | undefined;
  const program = (id: string): NodeProgram<Msg> => ({
    start: (ctx) => { if (id === 'n1') onStart(ctx, () => engine as Engine<Msg>); },
    onMessage: () => {},
    onTimer: () => {},
  });
  engine = new Engine<Msg>({ seed: 3, servers: ['n1', 'n2'], program,
    network: { latency: { dist: 'constant', value: 1_000 } },
    disk: { syncLatency: { dist: 'constant', value: 500 } } });
  return engine;
}

const lane = (engine: Engine<Msg>) => [...engine.trace.records()]
  .filter((r) => r.node === 'n1' || r.kind === 'deliver')
  .map((r) => `${r.t} ${r.kind}${r.tag === undefined ? '' : ` ${r.tag}`}`);

describe('outbox', () => {
  it('runs to the end with no bound once nothing is left to run', () => {
    const engine = engineWith((ctx) => ctx.send('n2', { type: 'a' }));
    expect(engine.run().outcome).toBe('ok');
    expect(engine.now).toBe(1_000);
  });

  it('applies nothing while the handler runs', () => {
    const seen: number[] = [];
    const engine = engineWith((ctx, world) => {
      const before = world().trace.length;
      ctx.send('n2', { type: 'a' });
      ctx.note('x');
      ctx.setTimer('t', 10);
      seen.push(world().trace.length - before, world().messagesSent, world().timers('n1').length);
    });
    engine.run(0);
    expect(seen).toEqual([0, 0, 0]);
    expect(engine.messagesSent).toBe(1);
    expect(engine.timers('n1')).toEqual([{ name: 't', at: 10 }]);
  });

  it('applies effects in the order asked, and holds a sendAfterSync until its writes are durable', () => {
    const engine = engineWith((ctx) => {
      ctx.send('n2', { type: 'before' });
      ctx.disk.put('k', 1);
      ctx.sendAfterSync('n2', { type: 'promise' });
      ctx.note('between');
      ctx.send('n2', { type: 'after' });
    });
    engine.run();
    expect(lane(engine)).toEqual([
      '0 start',
      '0 send before',
      '0 note between',
      '0 send after',
      '0 sync', // the group commit: requested last, once, for the held message
      '500 synced',
      '500 send promise',
      '1000 deliver before',
      '1000 deliver after',
      '1500 deliver promise',
    ]);
  });

  it('sends a sendAfterSync at its place when nothing it depends on is unsynced', () => {
    const engine = engineWith((ctx) => {
      ctx.send('n2', { type: 'first' });
      ctx.sendAfterSync('n2', { type: 'nothing-to-wait-for' });
      ctx.disk.put('k', 1); // written after: the message does not wait for it
      ctx.disk.sync();
    });
    engine.run();
    expect(lane(engine).slice(0, 5)).toEqual(['0 start', '0 send first',
      '0 send nothing-to-wait-for', '0 sync', '500 synced']);
  });

  it('still applies what a handler asked for before it threw, then stops the run', () => {
    const engine = engineWith((ctx) => {
      ctx.send('n2', { type: 'sent' });
      throw new Error('handler bug');
    });
    const result = engine.run();
    expect(result.outcome).toBe('error');
    expect([...engine.trace.records()].map((r) => r.kind)).toEqual(['start', 'send', 'violation']);
  });

  it('copies and freezes a message when it is handed over', () => {
    const program: NodeProgram<Msg> = {
      start: (ctx) => {
        const msg = { type: 'm', n: 1 };
        ctx.send('n2', msg);
        msg.n = 2;
      },
      onMessage: () => {}, onTimer: () => {},
    };
    const t = new Transcript<Msg>({ id: 'n1', servers: ['n1', 'n2'], program });
    const [sent] = sends(t.start());
    expect(sent?.msg).toEqual({ type: 'm', n: 1 });
    expect(Object.isFrozen(sent?.msg)).toBe(true);
  });
});

describe('transcript', () => {
  it('lists effects and writes in order, applying none', () => {
    const program: NodeProgram<Msg> = {
      start: (ctx) => {
        ctx.disk.append('log', 'e1');
        ctx.sendAfterSync('n2', { type: 'ack' });
        ctx.setTimer('retry', [10, 20]);
        ctx.cancelTimer('old');
        ctx.note('role', { role: 'x' });
        ctx.disk.sync();
      },
      onMessage: (ctx, from, msg) => ctx.send(from, { type: 'echo', n: msg.n ?? 0 }),
      onTimer: () => {},
    };
    const t = new Transcript<Msg>({ id: 'n1', servers: ['n1', 'n2'], program });
    const step = t.start();
    expect(step.writes).toEqual([{ op: 'append', log: 'log', record: 'e1' }]);
    expect(step.effects.map((e) => e.kind)).toEqual(
      ['sendAfterSync', 'setTimer', 'cancelTimer', 'note', 'sync']);
    expect(step.effects[0]).toEqual({ kind: 'sendAfterSync', to: 'n2', msg: { type: 'ack' }, needs: 1 });
    expect(step.effects[4]).toEqual({ kind: 'sync', upTo: 1 });
    const timer = step.effects[1] as { after: number; at: number };
    expect(timer.after).toBeGreaterThanOrEqual(10);
    expect(timer.at).toBe(timer.after);
    expect(t.disk.durableSequence).toBe(0); // nothing applied: the sync never ran
    expect(t.at(5).message('n2', { type: 'ping', n: 4 }).effects).toEqual(
      [{ kind: 'send', to: 'n2', msg: { type: 'echo', n: 4 } }]);
  });

  it('refuses a node that is not in the cluster, and a send to one', () => {
    const program: NodeProgram<Msg> = {
      start: (ctx) => ctx.send('n9', { type: 'x' }), onMessage: () => {}, onTimer: () => {},
    };
    expect(() => new Transcript<Msg>({ id: 'n5', servers: ['n1'], program })).toThrow(/n5/);
    const t = new Transcript<Msg>({ id: 'n1', servers: ['n1'], program });
    expect(() => t.start()).toThrow(/unknown node n9/);
  });
});

describe('network fate', () => {
  const network = (config = {}) => new Network(['a', 'b'], new PrngRoot(1), config);

  it('delivers within the latency bounds', () => {
    const fate = network({ latency: { dist: 'uniform', min: 100, max: 200 } }).fate('a', 'b', 50, {});
    expect(fate.kind).toBe('delivered');
    if (fate.kind === 'delivered') expect(fate.at).toBeGreaterThanOrEqual(150);
  });

  it('drops across a cut with cause partition, drawing nothing from the link\'s stream', () => {
    const cut = network();
    cut.cut('a', 'b');
    expect(cut.fate('a', 'b', 0, {})).toEqual({ kind: 'dropped', cause: 'partition' });
    cut.heal();
    expect(cut.fate('a', 'b', 0, {})).toEqual(network().fate('a', 'b', 0, {}));
  });

  it('drops a lost message with cause loss, and duplicates with two arrivals', () => {
    expect(network({ loss: 1 }).fate('a', 'b', 0, {})).toEqual({ kind: 'dropped', cause: 'loss' });
    const twice = network({ duplicate: 1, latency: { dist: 'constant', value: 7 } }).fate('a', 'b', 3, {});
    expect(twice).toEqual({ kind: 'duplicated', at: 10, again: 10 });
  });
});
