/**
 * World.changed: the properties of twopc, replication, lock, balancer, heartbeat and Paxos look
 * after each event only at the nodes it may have changed. Sound only if a node that did not
 * change can break nothing new: so every bundled scenario of those protocols is run twice, as
 * users run it and with every node listed as changed after every event (what the observers did
 * before they read World.changed), and the two reports (trace hash, verdicts, evidence,
 * metrics) must be the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../sim/index.js';
import { loadScenario, runSpec } from '../../runner/index.js';
import { scenarioFiles } from '../support/scenarioFiles.js';
import { PingEcho, type PingMessage } from '../support/pingEcho.js';

const PROTOCOLS = ['twopc', 'replication', 'lock', 'balancer', 'heartbeat', 'paxos'];

/**
 * Runs `fn` with World.changed listing, after every event, the nodes it changed and then every
 * other node that has started (been changed once): what an observer that looked at every node
 * after every event saw. (A node not yet started is left out, as a look at every node finds
 * nothing there; listed, it would count as a crash for the disruption metrics.)
 */
function everyNodeChanged<T>(fn: () => T): T {
  const own = Object.getOwnPropertyDescriptor(Engine.prototype, 'changed');
  const real = own?.get;
  if (own === undefined || real === undefined) {
    throw new Error('Engine has no `changed` getter to stand in for');
  }
  const started = new WeakMap<object, Set<string>>();
  Object.defineProperty(Engine.prototype, 'changed', {
    configurable: true,
    get(this: Engine<unknown>) {
      const changed = real.call(this) as readonly string[];
      let seen = started.get(this);
      if (seen === undefined) started.set(this, (seen = new Set()));
      for (const id of changed) seen.add(id);
      return [...changed, ...[...seen].filter((id) => !changed.includes(id))];
    },
  });
  try {
    return fn();
  } finally {
    Object.defineProperty(Engine.prototype, 'changed', own);
  }
}

describe('World.changed: looking at the changed nodes judges as looking at all', () => {
  const files = scenarioFiles().filter((f) => PROTOCOLS.some((p) => f.includes(`/${p}/`)));

  it('covers the scenarios of every protocol named', () => {
    for (const p of PROTOCOLS) expect(files.some((f) => f.includes(`/${p}/`)), p).toBe(true);
  });

  it.each(files)('%s', (file) => {
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const changedOnly = runSpec(spec, { trace: 'off' });
    const everyNode = everyNodeChanged(() => runSpec(spec, { trace: 'off' }));
    expect(JSON.stringify(changedOnly)).toBe(JSON.stringify(everyNode));
  });

  it('lists every started node while the stand-in runs, and is undone after', () => {
    const run = () => {
      const looks: string[][] = [];
      const engine = new Engine<PingMessage>({ seed: 7, servers: ['n1', 'n2', 'n3'],
        program: (id) => new PingEcho(id), network: { latency: { dist: 'constant', value: 1_000 } },
        observers: [(w) => looks.push([...w.changed])] });
      engine.run(50_000);
      return looks;
    };
    const real = run();
    const all = everyNodeChanged(run);
    expect(all.length).toBe(real.length);
    // A delivery changes one node; the stand-in adds the others once they have started.
    expect(real.some((look) => look.length === 1)).toBe(true);
    expect(all.at(-1)?.slice().sort()).toEqual(['n1', 'n2', 'n3']);
    all.forEach((look, i) => expect(look.slice(0, real[i]?.length)).toEqual(real[i]));
    expect(run()).toEqual(real);
  });
});
