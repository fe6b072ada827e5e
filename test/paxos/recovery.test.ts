/**
 * Recovery from the disk (persistence.ts): a restarted server replays its decisions into the
 * state machine before it hears from anyone; a learned single-decree value survives a
 * restart; an acceptor that finds a corrupt record stays silent until it has rebuilt its
 * state from a majority of the others.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, prepareRun } from '../../runner/index.js';
import { MultiPaxosNode } from '../../protocols/paxos/node.js';
import { SinglePaxosNode } from '../../protocols/paxos/singleNode.js';
import { multiSpec, singleSpec } from './support/specs.js';

describe('paxos: recovery', () => {
  it('replays persisted decisions into the state machine at restart', () => {
    const spec = multiSpec({ faults: [{ at: 1_000_000, fault: { kind: 'crash', node: 'n2' } }] });
    const run = prepareRun(spec);
    run.engine.run(999_000);
    const before = run.engine.program('n2') as MultiPaxosNode;
    const executed = before.replica.executed;
    const data = [...before.replica.machine.data.entries()];
    expect(executed).toBeGreaterThan(20);
    run.engine.run(1_100_000);
    expect(run.engine.isUp('n2')).toBe(false);
    run.engine.inject({ kind: 'restart', node: 'n2' });
    run.engine.step();
    const after = run.engine.program('n2') as MultiPaxosNode;
    expect(after).not.toBe(before);
    expect(after.replica.executed).toBeGreaterThanOrEqual(executed - 5);
    if (after.replica.executed === executed) expect([...after.replica.machine.data]).toEqual(data);
    expect(after.acceptor.promised.round).toBeGreaterThan(0);
  });

  it('keeps a learned single-decree value across a restart', () => {
    const spec = singleSpec({ faults: [
      { at: 500_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 600_000, fault: { kind: 'restart', node: 'n1' } },
    ] });
    const run = prepareRun(spec);
    run.engine.run(400_000);
    const learned = (run.engine.program('n1') as SinglePaxosNode).learned;
    expect(learned).toMatch(/^value-n[123]$/);
    run.engine.run(600_000);
    expect((run.engine.program('n1') as SinglePaxosNode).learned).toBe(learned);
    for (const id of ['n2', 'n3']) {
      expect((run.engine.program(id) as SinglePaxosNode).learned).toBe(learned);
    }
  });

  it('repairs a torn or corrupted acceptor record from its twin copy', () => {
    const file = 'scenarios/paxos/acceptor-crash-restart.yaml';
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const run = prepareRun(spec);
    run.engine.run(spec.duration);
    const notes = [...run.engine.trace.records()]
      .filter((r) => r.kind === 'note' && String(r.tag).startsWith('acceptor-'))
      .map((r) => `${r.node} ${r.tag}`);
    expect(notes).toEqual(['n2 acceptor-repaired', 'n3 acceptor-repaired']);
  });

  it('rebuilds an acceptor that lost both copies from a majority, voting only afterwards', () => {
    const run = prepareRun(multiSpec({ nodes: 5, faults: [
      { at: 1_000_000, fault: { kind: 'crash', node: 'n3' } }] }));
    run.engine.run(1_100_000);
    const disk = run.engine.disk('n3');
    for (const copy of ['acceptor/promised.a', 'acceptor/promised.b']) {
      disk.corrupt(() => disk.keys().indexOf(copy));
    }
    run.engine.inject({ kind: 'restart', node: 'n3' });
    run.engine.run(2_000_000);
    let rejoining = false;
    const seen: string[] = [];
    for (const record of run.engine.trace.records()) {
      if (record.node !== 'n3') continue;
      if (record.kind === 'note' && String(record.tag).startsWith('acceptor-')) {
        seen.push(String(record.tag));
        rejoining = record.tag === 'acceptor-corrupt';
      }
      if (record.kind === 'send' && rejoining) {
        expect(['Promise', 'Accepted', 'Nack']).not.toContain(record.tag);
      }
    }
    expect(seen).toEqual(['acceptor-corrupt', 'acceptor-rejoined']);
    const n3 = run.engine.program('n3') as MultiPaxosNode;
    expect(n3.acceptor.rebuilt).toBe(true);
    expect(n3.acceptor.promised.round).toBeGreaterThan(0);
    expect(run.engine.end().outcome).toBe('ok');
  });
});
