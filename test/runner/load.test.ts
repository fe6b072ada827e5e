/**
 * The scenario loader: a good file becomes the RunSpec it describes, and each kind of bad
 * input gets its own message at its own `file:line:column`, all problems at once.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, type Problem, ScenarioError } from '../../runner/index.js';
import { toyKv } from '../support/toyKv.js';

const registry = { toykv: toyKv };
const GOOD = `name: toy-one
description: One toy server.
protocol: toykv
params: { bugs: [forget-writes] }
nodes: 2
network:
  latency: { dist: lognormal, median: 2ms, p99: 20ms, max: 200ms }
  loss: 0.01
  links:
    - { from: n1, to: n2, loss: 0.5 }
clocks:
  n2: { offset: -20ms, drift: 200 }
disk:
  syncLatency: { dist: uniform, min: 200us, max: 1ms }
workload: { clients: 2, rate: 150/s, keys: 4, mix: { get: 0.5, put: 0.5 }, timeout: 300ms }
faults:
  - { at: 1.5s, crash: n1, tear: true }
  - { at: 2s, restart: n1 }
  - { at: 1s, partition: [[n1], [n2, c1]] }
  - { at: 1s, cut: { from: n1, to: n2 } }
  - { at: 1s, bridge: all }
  - { at: 1s, ring: [n1, n2] }
  - { at: 1s, link: { from: n1, to: n2, loss: 0.5, latency: { dist: constant, value: 50ms } } }
  - { at: 1s, clock: { node: n1, jump: -50ms } }
  - { at: 1s, disk: { node: n1, fault: corrupt } }
  - { at: 2500ms, heal: all }
  - { at: 2500ms, pause: c2 }
  - { at: 2600ms, resume: c2 }
duration: 3s
seed: 42
ties: shuffle
expect:
  hold: [linearizable]
  liveness: { after: 2.5s, settle: 500ms }
  metrics: { operations: { min: 1 } }
`;

function problems(text: string): Problem[] {
  try {
    loadScenario(text, 'x.yaml', registry);
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

const one = (text: string): string => {
  const found = problems(text);
  expect(found.length, JSON.stringify(found)).toBe(1);
  const p = found[0] as Problem;
  return `${p.line}:${p.column} ${p.path}: ${p.message}`;
};

const edit = (from: string, to: string): string => {
  expect(GOOD.includes(from)).toBe(true);
  return GOOD.replace(from, to);
};

describe('loadScenario', () => {
  it('turns a good file into engine units', () => {
    const { spec, description } = loadScenario(GOOD, 'x.yaml', registry);
    expect(description).toBe('One toy server.');
    expect(spec.duration).toBe(3_000_000);
    expect(spec.params).toEqual({ bugs: ['forget-writes'] });
    expect(spec.network?.latency)
      .toEqual({ dist: 'lognormal', median: 2_000, p99: 20_000, max: 200_000 });
    expect(spec.clocks).toEqual({ n2: { offset: -20_000, driftPpm: 200 } });
    expect(spec.workload).toEqual({ clients: 2, rate: 150, keys: 4, mix: { get: 0.5, put: 0.5 },
      timeout: 300_000, attempts: 3 });
    expect(spec.faults[0])
      .toEqual({ at: 1_500_000, fault: { kind: 'crash', node: 'n1', tear: true } });
    expect(spec.faults[7])
      .toEqual({ at: 1_000_000, fault: { kind: 'clock', node: 'n1', jump: -50_000 } });
    expect(spec.faults[9]).toEqual({ at: 2_500_000, fault: { kind: 'heal' } });
    expect(spec.expect?.liveness).toEqual({ after: 2_500_000, settle: 500_000 });
  });

  it('reads a drop fault (one message lost) and rejects a message id that is not one', () => {
    const withDrop = (id: string) => edit('  - { at: 2600ms, resume: c2 }',
      `  - { at: 2600ms, resume: c2 }\n  - { at: 1s, drop: { message: ${id} } }`);
    const { spec } = loadScenario(withDrop('12'), 'x.yaml', registry);
    expect(spec.faults.at(-1)).toEqual({ at: 1_000_000, fault: { kind: 'drop', message: 12 } });
    expect(one(withDrop('-1'))).toMatch(/^29:32 faults\[12\]\.drop\.message: an integer/);
  });

  it('names unknown fields at their key', () => {
    expect(one(edit('nodes: 2', 'nodes: 2\nnodez: 3'))).toBe('6:1 nodez: unknown field "nodez"');
    expect(one(edit('loss: 0.01', 'loss: 0.01\n  lossy: 1')))
      .toBe('9:3 network.lossy: unknown field "lossy"');
  });

  it('names unknown nodes in faults, clocks and links', () => {
    expect(one(edit('restart: n1', 'restart: n7'))).toBe(
      '18:24 faults[1].restart: n7 is not a node of this scenario (n1..n2, c1..c2)');
    expect(one(edit('partition: [[n1], [n2, c1]]', 'partition: [[n1], [n2, c3]]')))
      .toMatch(/^19:38 faults\[2\]\.partition\[1\]\[1\]: c3 is not a node/);
    expect(one(edit('n2: { offset', 'n9: { offset'))).toMatch(/^12:3 clocks.n9: n9 is not a node/);
    expect(one(edit('{ from: n1, to: n2, loss: 0.5 }', '{ from: n1, to: n4, loss: 0.5 }')))
      .toMatch(/^10:23 network.links\[0\].to: n4 is not a node/);
  });

  it('rejects negative, absurd, non-finite and out-of-run times', () => {
    expect(one(edit('at: 2s, restart', 'at: -2s, restart'))).toBe(
      '18:11 faults[1].at: a non-negative duration, got "-2s"');
    expect(one(edit('duration: 3s', 'duration: 400d')))
      .toMatch(/^29:11 duration: a duration such as/);
    expect(one(edit('duration: 3s', 'duration: 99999999999999'))).toBe(
      '29:11 duration: a duration of at most 365 days, got 99999999999999');
    expect(one(edit('duration: 3s', 'duration: .inf')))
      .toBe('29:11 duration: a finite duration, got Infinity');
    expect(one(edit('duration: 3s', 'duration: .nan')))
      .toBe('29:11 duration: a finite duration, got NaN');
    expect(one(edit('at: 2s, restart', 'at: 20s, restart'))).toBe(
      '18:11 faults[1].at: a time within the run (duration 3s), got 20s');
    expect(one(edit('settle: 500ms', 'settle: 5s')))
      .toMatch(/^34:36 expect.liveness.settle: after \+ settle/);
  });

  it('rejects probabilities outside [0, 1] and wrong types', () => {
    expect(one(edit('loss: 0.01', 'loss: 1.5')))
      .toBe('8:9 network.loss: a probability in [0, 1], got 1.5');
    expect(one(edit('loss: 0.01', 'loss: high')))
      .toBe('8:9 network.loss: a probability in [0, 1], got "high"');
    expect(one(edit('nodes: 2', 'nodes: two')))
      .toBe('5:8 nodes: an integer from 1 to 100, got "two"');
    expect(one(edit('seed: 42', 'seed: [1]'))).toBe('30:7 seed: an integer or a string');
    expect(one(edit('dist: lognormal', 'dist: weird'))).toMatch(
      /^7:20 network.latency.dist: a latency distribution: dist is one of constant/);
    expect(one(edit('rate: 150/s', 'rate: fast')))
      .toMatch(/^15:31 workload.rate: a rate such as "200\/s"/);
  });

  it('reports duplicate keys, fault entries with no or two kinds, and hold with violate', () => {
    expect(one(edit('seed: 42', 'seed: 42\nseed: 43')))
      .toBe('31:1 : duplicate key "seed": each field at most once');
    expect(one(edit('{ at: 2s, restart: n1 }', '{ at: 2s }')))
      .toMatch(/^18:5 faults\[1\]: one fault: crash/);
    expect(one(edit('{ at: 2s, restart: n1 }', '{ at: 2s, restart: n1, pause: n2 }'))).toBe(
      '18:5 faults[1]: exactly one fault per entry, got restart and pause');
    expect(one(edit('hold: [linearizable]', 'hold: [linearizable]\n  violate: linearizable')))
      .toMatch(/^33:3 expect: expect.hold and expect.violate exclude each other/);
  });

  it('checks the protocol, its parameters and property names', () => {
    expect(one(edit('protocol: toykv', 'protocol: raf')))
      .toBe('3:11 protocol: one of toykv, got "raf"');
    expect(one(edit('bugs: [forget-writes]', 'bugs: [forget]'))).toBe(
      '4:18 params.bugs[0]: one of forget-writes, got "forget"');
    expect(one(edit('hold: [linearizable]', 'hold: [linearisable]'))).toMatch(
      /^33:10 expect.hold\[0\]: a property of toykv \(linearizable, served-something\)/);
  });

  it('reports every problem, in file order', () => {
    const found = problems(edit('nodes: 2', 'nodes: 2\nnodez: 1').replace('loss: 0.01', 'loss: 2')
      .replace('seed: 42', 'seed: 4.5'));
    expect(found.map((p) => p.path)).toEqual(['nodez', 'network.loss', 'seed']);
  });

  it('reports unknown nodes and late faults even when the schema found other problems', () => {
    const found = problems(edit('restart: n1', 'restart: n7').replace('loss: 0.01', 'loss: 2')
      .replace('at: 1s, pause', 'at: 1s, pause'));
    expect(found.map((p) => p.path)).toEqual(['network.loss', 'faults[1].restart']);
  });

  it('finds protocols by own key only, so prototype names are no protocol', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(one(edit('protocol: toykv', `protocol: ${name}`)))
        .toBe(`3:11 protocol: one of toykv, got "${name}"`);
    }
  });

  it('rejects faults that would do nothing, or nothing meant', () => {
    expect(one(edit('{ at: 2s, restart: n1 }', '{ at: 2s, restart: c1 }'))).toBe(
      '18:24 faults[1].restart: c1 is a client: restart takes a server (n1, n2, …); a client ' +
      'can be paused, its clock changed and its links cut');
    expect(one(edit('{ node: n1, fault: corrupt }', '{ node: c2, fault: corrupt }')))
      .toMatch(/^25:29 faults\[8\]\.disk\.node: c2 is a client: disk takes a server/);
    expect(one(edit('cut: { from: n1, to: n2 }', 'cut: { from: n2, to: n2 }'))).toBe(
      '20:36 faults[3].cut.to: a link joins two nodes, got n2 to itself');
    expect(one(edit('heal: all', 'heal: { from: c1, to: c1 }'))).toBe(
      '26:41 faults[9].heal.to: a link joins two nodes, got c1 to itself');
    expect(one(edit('{ at: 2500ms, pause: c2 }', '{ at: 2700ms, pause: c2 }'))).toBe(
      '28:27 faults[11].resume: c2 is not paused: no pause of c2 comes before this resume');
  });

  it('reads YAML merge keys', () => {
    const merged = edit('    - { from: n1, to: n2, loss: 0.5 }',
      '    - &l { from: n1, to: n2, loss: 0.5 }\n    - { <<: *l, from: n2, to: n1 }');
    const links = loadScenario(merged, 'x.yaml', registry).spec.network?.links;
    expect(links).toEqual([{ from: 'n1', to: 'n2', loss: 0.5 },
      { from: 'n2', to: 'n1', loss: 0.5 }]);
  });

  it('caps the length of a string seed', () => {
    expect(loadScenario(edit('seed: 42', `seed: ${'s'.repeat(256)}`), 'x.yaml', registry).spec
      .seed).toHaveLength(256);
    expect(one(edit('seed: 42', `seed: ${'s'.repeat(257)}`)))
      .toBe('30:7 seed: a seed of at most 256 characters');
  });

  it('gives clear errors for files that are not scenarios', () => {
    expect(one('')).toMatch(/^1:1 : a scenario is a mapping/);
    expect(one('- a\n- b\n')).toMatch(/^1:1 : a scenario is a mapping/);
    expect(one('name: [unclosed\n')).toMatch(/^\d+:\d+ : YAML syntax/);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${
        String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`;
    expect(one(bomb)).toMatch(/cannot expand the file: Excessive alias count/);
  });
});
