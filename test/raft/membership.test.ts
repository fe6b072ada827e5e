/**
 * raft: membership changes, one server at a time (thesis chapter 4; protocols/raft/
 * membership.ts). A new server catches up as a learner before it votes, one change waits for
 * the previous one to commit, a removed leader steps down once the configuration without it
 * commits, a spare takes no part, a snapshot carries its configuration, and a removed server
 * that missed its removal does not disrupt the cluster. The fuzz property draws operator
 * requests among crashes, pauses and partitions: every property must hold.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NodeId, ScheduledFault } from '../../sim/index.js';
import { loadScenario, prepareRun, runSpec, type RunSpec } from '../../runner/index.js';
import { toScenarioYaml } from '../../runner/scenarioYaml.js';
import { runJson, runText } from '../../cli/report.js';
import { raftNode } from '../../protocols/raft/invariants.js';
import type { RaftNode } from '../../protocols/raft/node.js';
import { assertRaftFuzz } from './fuzzProperty.js';
import { raftRunArb, raftSpec } from './support.js';

/** Runs a spec to its end and returns its notes of `tags` and each server's final node. */
function run(spec: RunSpec, tags: readonly string[] = ['config', 'admin']) {
  const prepared = prepareRun(spec, { trace: 'memory' });
  prepared.engine.run(spec.duration);
  const trace = prepared.engine.trace;
  const notes: { node: string; tag: string; data: Record<string, unknown> }[] = [];
  for (let i = 0; i < trace.storedLength; i++) {
    const r = trace.record(i);
    if (r.kind === 'note' && tags.includes(r.tag ?? '')) {
      notes.push({ node: r.node ?? '', tag: r.tag ?? '', data: r.data as Record<string, unknown> });
    }
  }
  const node = (id: NodeId): RaftNode => raftNode(prepared.engine.program(id)) as RaftNode;
  return { notes, node, hash: prepared.engine.trace.hash };
}

const admin = (at: number, op: 'add' | 'remove', node: NodeId): ScheduledFault =>
  ({ at, fault: { kind: 'admin', op, node } });
const events = (notes: { data: Record<string, unknown> }[]) =>
  notes.map((n) => [n.data.event ?? n.data.outcome, n.data.node].join(' '));

describe('raft: membership changes', () => {
  it('adds a server only after it caught up as a learner, one change at a time (§4.2.1)', () => {
    const spec = raftSpec({ nodes: 5, params: { members: 3 },
      faults: [admin(1_000_000, 'add', 'n4'), admin(1_000_000, 'add', 'n5')] });
    const { notes, node } = run(spec);
    const leader = events(notes.filter((n) => n.tag === 'config'));
    // n4 is a learner, then caught up, then voter; n5's change waits for n4's.
    expect(leader.indexOf('learner n4')).toBeLessThan(leader.indexOf('caught-up n4'));
    expect(leader.indexOf('caught-up n4')).toBeLessThan(leader.indexOf('append n4'));
    expect(leader.indexOf('append n4')).toBeLessThan(leader.indexOf('learner n5'));
    expect(events(notes.filter((n) => n.tag === 'admin'))).toContain('ok n5');
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      expect(node(id).configuration.list).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    }
    expect(runSpec(spec).passed).toBe(true);
  });

  it('keeps spares out: they never campaign nor receive entries until added', () => {
    const spec = raftSpec({ nodes: 5, params: { members: 3 }, faults: [
      { at: 500_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 900_000, fault: { kind: 'restart', node: 'n1' } }] });
    const { notes, node } = run(spec, ['role']);
    expect(notes.filter((n) => ['n4', 'n5'].includes(n.node) && n.data.role !== 'follower'))
      .toEqual([]);
    expect(node('n4').log.lastIndex).toBe(0);
    expect(node('n1').commitIndex).toBeGreaterThan(10);
  });

  it('removes the leader: it steps down once the configuration without it commits (§4.2.2)',
    () => {
      const spec = raftSpec({ nodes: 5, faults: [admin(1_000_000, 'remove', 'n1')],
        expect: { liveness: { after: 2_000_000, settle: 2_000_000 } } });
      const { notes, node } = run(spec, ['config', 'admin', 'role']);
      const of = (id: string) => notes.filter((n) => n.node === id).map((n) =>
        n.tag === 'role' ? `${String(n.data.role)} ${String(n.data.term)}` : String(n.data.event));
      const n1 = of('n1');
      expect(n1.slice(n1.indexOf('append'))).toEqual(['append', 'step-down', 'follower 1',
        'follower 2']);
      expect(node('n1').configuration.has('n1')).toBe(false);
      expect(['n2', 'n3', 'n4', 'n5'].some((id) => node(id).role === 'leader')).toBe(true);
      expect(runSpec(spec).passed).toBe(true);
    });

  it('refuses to remove the last voter, and answers a change already done at once', () => {
    const spec = raftSpec({ nodes: 2, params: { members: 1 }, faults: [
      admin(500_000, 'remove', 'n1'), admin(600_000, 'add', 'n1'),
      admin(700_000, 'remove', 'n2')] });
    const outcomes = events(run(spec).notes.filter((n) => n.tag === 'admin' &&
      n.data.outcome !== 'invoke'));
    expect(outcomes).toEqual(['refused n1', 'ok n1', 'ok n2']);
    // The report carries the same outcomes, and the run's summary shows the refusal and why.
    const report = runSpec(spec);
    expect(report.admin?.map((a) => `${a.outcome} ${a.op} ${a.node}`))
      .toEqual(['refused remove n1', 'ok add n1', 'ok remove n2']);
    expect(report.admin?.[0]?.error).toMatch(/last voter/);
    expect(runText(runJson(report))).toMatch(
      /operator: remove n1 at 500ms refused after [\d.]+ms \(.*last voter.*\); add n1 at 600ms ok/);
  });

  it('records the configuration in snapshots, and recovers it from them (thesis §5.1)', () => {
    const spec = raftSpec({ nodes: 4, params: { members: 3, snapshotEvery: 5, snapshotChunk: 2 },
      faults: [admin(1_000_000, 'add', 'n4'),
        { at: 2_500_000, fault: { kind: 'crash', node: 'n2' } },
        { at: 2_600_000, fault: { kind: 'restart', node: 'n2' } }],
      expect: { liveness: { after: 3_000_000, settle: 1_000_000 } } });
    const { node } = run(spec);
    const n2 = node('n2');
    // n2 restarted from a snapshot taken after n4 was added, with no configuration entry left.
    expect(n2.snapshot?.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(n2.configuration.list).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(node('n4').configuration.has('n4')).toBe(true);
    expect(runSpec(spec).passed).toBe(true);
  });

  it('moves the leadership with TimeoutNow in a round trip, and refuses a non-voter (§3.10)',
    () => {
      const spec = raftSpec({ nodes: 4, params: { members: 3 }, faults: [
        { at: 1_000_000, fault: { kind: 'admin', op: 'transfer', node: 'n4' } },
        { at: 1_100_000, fault: { kind: 'admin', op: 'transfer', node: 'n2' } }] });
      const { notes, node } = run(spec, ['config', 'admin', 'role']);
      const outcomes = events(notes.filter((n) => n.tag === 'admin' &&
        n.data.outcome !== 'invoke'));
      expect(outcomes).toEqual(['refused n4', 'ok n2']);
      const at = (tag: string, what: (d: Record<string, unknown>) => boolean) =>
        notes.findIndex((n) => n.tag === tag && what(n.data));
      expect(at('config', (d) => d.event === 'timeout-now'))
        .toBeLessThan(at('role', (d) => d.role === 'leader' && d.term === 2));
      expect(node('n2').role).toBe('leader');
      expect(node('n2').currentTerm).toBe(2);
    });

  it('gives a transfer up when the target cannot take over, and serves clients again', () => {
    // n3 is cut off; with PreVote it cannot disrupt the others meanwhile.
    const spec = raftSpec({ nodes: 3, params: { preVote: true }, faults: [
      { at: 990_000, fault: { kind: 'partition', groups: [['n3'], ['n1', 'n2']] } },
      { at: 1_000_000, fault: { kind: 'admin', op: 'transfer', node: 'n3' } }],
      duration: 2_000_000 });
    const { notes, node } = run(spec);
    expect(events(notes.filter((n) => n.tag === 'config')).slice(0, 2))
      .toEqual(['transfer n3', 'transfer-failed n3']);
    expect(node('n1').role).toBe('leader');
    const commitAtFailure = node('n1').commitIndex;
    expect(commitAtFailure).toBeGreaterThan(0);
    // Between attempts the leader serves clients: the run commits and stays linearizable.
    const report = runSpec(spec);
    expect(report.failures).toEqual([]);
    expect(report.metrics['ops-ok']).toBeGreaterThan(40);
  });

  it('keeps the trace of a run whose configuration is every server', () => {
    const spec = raftSpec({ nodes: 3 });
    expect(runSpec({ ...spec, params: { members: 3 } }).result.hash)
      .toBe(runSpec(spec).result.hash);
  });

  it('fuzz: operator requests amid crashes, pauses and partitions keep every property', () => {
    const arb = raftRunArb({ minNodes: 4, maxNodes: 6, maxLoss: 0.1, maxFaults: 12,
      kinds: ['crash', 'restart', 'pause', 'resume', 'partition', 'heal', 'admin'] })
      .map((spec): RunSpec => ({ ...spec,
        params: { ...(spec.params as object), members: spec.nodes - 1 },
        // No torn writes: the configuration may shrink until one server is a majority of it.
        faults: spec.faults.map((f) => (f.fault.kind === 'crash'
          ? { at: f.at, fault: { kind: 'crash', node: f.fault.node } } : f)) }));
    assertRaftFuzz(arb, 12, 20_261_207);
  }, 120_000);
});

describe('raft: membership in scenario files', () => {
  const load = (text: string) => () => loadScenario(text, 'x.yaml');
  const base = 'name: x\nprotocol: PROTOCOL\nnodes: 3\nduration: 1s\nseed: 1\n';

  it('names the file, line and field of a bad request', () => {
    expect(load(`${base.replace('PROTOCOL', 'twopc')}faults:\n  - { at: 0s, add: n2 }\n`))
      .toThrow(/x\.yaml:7:\d+: faults\[0\]\.add: an operation twopc supports; it has no membership/);
    expect(load(`${base.replace('PROTOCOL', 'raft')}workload: { clients: 1 }\n` +
      'faults:\n  - { at: 0s, remove: c1 }\n')).toThrow(/x\.yaml:8:\d+:.*c1 is a client: remove takes a server/);
    expect(load(`${base.replace('PROTOCOL', 'raft')}params: { members: 4 }\n`))
      .toThrow(/x\.yaml:6:\d+: params\.members: at most the 3 servers of the cluster, got 4/);
    // The list offered names servers only: a client is never the target of a request.
    expect(load(`${base.replace('PROTOCOL', 'raft')}workload: { clients: 2 }\n` +
      'faults:\n  - { at: 0s, add: n9 }\n'))
      .toThrow(/x\.yaml:8:\d+: faults\[0\]\.add: n9 is not a server of this scenario \(n1\.\.n3\)$/m);
  });

  it('writes a request back as it was read', () => {
    const text = readFileSync('scenarios/raft/membership-grow.yaml', 'utf8');
    const { spec } = loadScenario(text, 'membership-grow.yaml');
    expect(spec.faults.filter((f) => f.fault.kind === 'admin').map((f) => f.fault))
      .toEqual([{ kind: 'admin', op: 'add', node: 'n4' }, { kind: 'admin', op: 'add', node: 'n5' }]);
    // As a fuzz counterexample is written: the same faults read back.
    const again = loadScenario(toScenarioYaml(spec), 'again.yaml').spec;
    expect(again.faults).toEqual(spec.faults);
  });
});
