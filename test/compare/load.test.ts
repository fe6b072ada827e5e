/**
 * Loading a comparison (runner/compare/comparison.ts, roles.ts, relations.ts): designs are
 * scenarios in place, so their mistakes are reported where they are in the file; roles stand
 * where node ids do; relations name designs and figures. And the JSON Schema agrees with the
 * CLI on comparisons as it does on scenarios.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadComparison, parseRelation } from '../../runner/compare/index.js';
import { findRoleFaults } from '../../runner/compare/roles.js';
import { resolveFault } from '../../runner/compare/roles.js';
import { loadScenario, ScenarioError } from '../../runner/index.js';

const BASE = `name: two
nodes: 3
workload: { clients: 2, rate: 20/s, keys: 2, mix: { get: 0.5, put: 0.5 } }
faults:
  - { at: 1s, partition: [[leader, c1], [others, c2]] }
  - { at: 2s, heal: all }
  - { at: 3s, crash: follower2 }
duration: 4s
seed: 1
compare:
  targets:
    raft: { protocol: raft }
    async: { protocol: replication, params: { mode: async } }
  expect:
    - raft is linearizable
    - raft.rto-ms < async.rto-ms
`;

function problems(text: string): string[] {
  try {
    loadComparison(text, 'c.yaml');
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((p) => `${p.line}:${p.column}: ${p.path}: ${p.message}`);
  }
  return [];
}

describe('loading a comparison', () => {
  it('makes one scenario per design, with the roles kept aside', () => {
    const c = loadComparison(BASE, 'c.yaml');
    expect(c.designs.map((d) => [d.name, d.spec.protocol, d.spec.name]))
      .toEqual([['raft', 'raft', 'two-raft'], ['async', 'replication', 'two-async']]);
    // The heal names no role: it stays in each design's schedule.
    expect(c.designs[0]?.spec.faults.map((f) => f.fault.kind)).toEqual(['heal']);
    expect(c.roleFaults.map((f) => [f.index, f.refs.map((r) => r.word)]))
      .toEqual([[0, ['leader', 'others']], [2, ['follower2']]]);
    expect(c.expect.map((r) => r.kind)).toEqual(['verdict', 'compare']);
  });

  it('places a bad parameter of a design, and a bad design name, in the file', () => {
    expect(problems(BASE.replace('mode: async', 'mode: eventually'))).toEqual([
      '13:53: compare.targets.async.params.mode: one of async, semi-sync, sync, got "eventually"']);
    expect(problems(BASE.replace('raft: { protocol: raft }', 'Raft: { protocol: raftt }')))
      .toEqual(['12:11: compare.targets.Raft: a kebab-case design name such as raft or semi-sync, ' +
        'got "Raft"']);
  });

  it('rejects a protocol at the top, a relation on an unknown design, a role outside its place', () => {
    expect(problems(`protocol: raft\n${BASE}`)).toEqual([
      '1:1: protocol: a comparison names its protocols and parameters in compare.targets']);
    expect(problems(BASE.replace('raft.rto-ms < async', 'raft.rto-ms < sync')))
      .toEqual(['16:7: compare.expect[1]: "sync" is not a design of this comparison (raft, async)']);
    expect(problems(BASE.replace('crash: follower2', 'crash: others')))
      .toEqual(['7:22: faults[2].crash: others stands only in a partition group']);
    expect(problems(BASE.replace('crash: follower2', 'crash: leader@5s'))[0])
      .toMatch(/faults\[2\]\.crash: leader@5s: a role is resolved at or before its fault/);
    expect(problems(BASE.replace('heal: all }', 'heal: all, when: election }'))[0])
      .toMatch(/faults\[1\]\.when: "election" is not a phase of replication \(design async\): one of/);
  });

  it('tells a single-protocol run where a comparison goes', () => {
    expect(() => loadScenario(BASE, 'c.yaml')).toThrow(/compare: this file compares designs: run it with `faultline compare`/);
  });

  it('resolves others in a partition to the servers the other groups leave', () => {
    const { roleFaults } = findRoleFaults([{ at: '1s', partition: [['leader', 'c1'], ['others']] }], 5);
    const fault = resolveFault(roleFaults[0] as (typeof roleFaults)[number],
      new Map([['leader', 'n4']]), ['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(fault).toEqual({ at: 1e6, fault: { kind: 'partition',
      groups: [['n4', 'c1'], ['n1', 'n2', 'n3', 'n5']] } });
  });

  it('keeps a stepped narrative as steps: each claim names its design and is checked there', () => {
    const stepped = BASE.replace('seed: 1', 'seed: 1\nnarrative: { intro: Two designs., ' +
      'steps: [{ at: 1s, text: "[the partition] cuts the leader off." }] }');
    expect(loadComparison(stepped, 'stepped.yaml').narrative).toEqual({ intro: 'Two designs.',
      steps: [{ at: 1_000_000, text: '[the partition] cuts the leader off.' }] });
  });

  it('reads relations, or says what is wrong with one', () => {
    expect(parseRelation('raft.rpo-writes >= 2', ['raft'])).toMatchObject({ kind: 'compare',
      op: '>=', left: { target: 'raft', metric: 'rpo-writes' }, right: { value: 2 } });
    expect(parseRelation('raft is not linearizable', ['raft'])).toMatchObject({ kind: 'verdict',
      linearizable: false });
    expect(parseRelation('raft.rto-ms', ['raft'])).toMatch(/a relation such as/);
    expect(parseRelation('1 < 2', ['raft'])).toMatch(/compares two numbers/);
    expect(parseRelation('raft < 2', ['raft'])).toMatch(/DESIGN.METRIC/);
  });
});

describe('scenarios/schema.json on comparisons', () => {
  const schema = JSON.parse(readFileSync('scenarios/schema.json', 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const accepts = (text: string) => validate(parse(text)) === true;

  it('accepts a comparison the CLI accepts, roles, phases and all', () => {
    expect(accepts(BASE), JSON.stringify(validate.errors)).toBe(true);
    expect(accepts(BASE.replace('heal: all }', 'heal: all, when: [blocked] }'))).toBe(true);
  });

  it('rejects what the CLI rejects', () => {
    for (const bad of [`protocol: raft\n${BASE}`, BASE.replace('mode: async', 'mode: eventually'),
      BASE.replace('raft: { protocol: raft }', 'raft: { protocol: raftt }'),
      BASE.replace('crash: follower2', 'crash: leaderr'),
      BASE.replace('    async: { protocol: replication, params: { mode: async } }\n', '')]) {
      expect(accepts(bad), bad).toBe(false);
      expect(problems(bad), bad).not.toEqual([]);
    }
  });

  it('still refuses roles and phases in a scenario of one protocol', () => {
    const plain = readFileSync('scenarios/raft/leader-failure.yaml', 'utf8');
    expect(accepts(plain)).toBe(true);
    expect(accepts(plain.replace('crash: n1', 'crash: leader'))).toBe(false);
  });
});
