/**
 * The comparisons under scenarios/compare/, run as `faultline compare` runs them: every
 * relation of each file's `compare.expect` holds and every design runs without a problem;
 * each design's run, saved as an ordinary scenario with its roles resolved to the nodes they
 * named, replays with the same trace hash and shows each of its faults in the trace; its
 * metrics do not depend on the properties it checks.
 *
 * And the relations issue 15 asks of the CAP comparison, stated here rather than read from the
 * file, over three seeds: under a minority partition that holds the leader and then a leader
 * crash, Raft and Multi-Paxos stay linearizable and lose availability in the minority; async
 * replication stays available and is not linearizable. Relations, not numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { type ComparisonReport, loadComparison, runComparison } from
  '../../runner/compare/index.js';
import { judge, prepareRun, runSpec } from '../../runner/index.js';
import { missingEffect } from '../support/faultEffects.js';
import { comparisonFiles } from '../support/scenarioFiles.js';

/** Every protocol, checking nothing: no property, no history model. */
const unchecked: Record<string, AnyProtocol> = Object.fromEntries(Object.entries(protocols)
  .map(([name, p]) => [name, { ...p, setup: (setup: Parameters<AnyProtocol['setup']>[0]) => {
    const { model: _model, ...instance } = p.setup(setup);
    return { ...instance, properties: [], promised: [] };
  } }]));

const cap = (seed: number): ComparisonReport => runComparison(
  loadComparison(readFileSync('scenarios/compare/cap.yaml', 'utf8'), 'cap.yaml'), { seed });

describe('comparisons under scenarios/compare', () => {
  it.each(comparisonFiles())('%s holds its relations, and each design replays', (file) => {
    const report = runComparison(loadComparison(readFileSync(file, 'utf8'), file));
    expect(report.relations.filter((r) => !r.holds), file).toEqual([]);
    expect(report.relations.length, `${file} states what it shows`).toBeGreaterThan(2);
    expect(report.runs.flatMap((r) => r.problems), file).toEqual([]);
    expect(report.passed).toBe(true);
    for (const run of report.runs) {
      const replay = prepareRun(run.spec, { trace: 'memory' });
      replay.engine.run(run.spec.duration);
      const again = judge(replay);
      expect(again.result.hash, `${file}: ${run.name} from its saved scenario`)
        .toBe(run.report.result.hash);
      const records = [...replay.engine.trace.records()];
      const missing = replay.spec.faults.map((f) => missingEffect(f, records))
        .filter((why) => why !== undefined);
      expect(missing, `${file}: ${run.name}'s faults in its trace`).toEqual([]);
      const bare = runSpec({ ...run.spec, expect: run.spec.expect?.liveness === undefined ? {}
        : { liveness: run.spec.expect.liveness } }, { trace: 'off' }, unchecked);
      expect(bare.metrics, `${file}: ${run.name} with nothing checked`).toEqual(run.report.metrics);
    }
  });
});

describe('the CAP comparison (issue 15)', () => {
  it.each([1, 2, 3])('seed %i: consistency or availability in the minority', (seed) => {
    const report = cap(seed);
    const run = (name: string) => {
      const found = report.runs.find((r) => r.name === name);
      expect(found, name).toBeDefined();
      return found as NonNullable<typeof found>;
    };
    expect(report.runs.map((r) => [r.name, r.protocol])).toEqual([['raft', 'raft'],
      ['multi-paxos', 'paxos'], ['async', 'replication'], ['semi-sync', 'replication'],
      ['sync', 'replication']]);
    for (const r of report.runs) {
      // The script, as each design ran it: its leader in the minority, then its leader crashed.
      const partition = r.spec.faults.find((f) => f.fault.kind === 'partition')?.fault;
      const leader = r.resolved.find((x) => x.word === 'leader' && x.at === 1e6)?.node;
      expect(partition?.kind === 'partition' && partition.groups[0]?.includes(leader ?? '')).toBe(true);
      if (partition?.kind === 'partition') {
        const servers = (g: readonly string[]) => g.filter((id) => id.startsWith('n')).length;
        expect(servers(partition.groups[0] ?? [])).toBeLessThan(servers(partition.groups[1] ?? []));
      }
      const crashed = r.spec.faults.find((f) => f.fault.kind === 'crash' && f.at === 8e6)?.fault;
      expect(crashed?.kind === 'crash' && crashed.node).toBe(
        r.resolved.find((x) => x.word === 'leader' && x.at === 8e6)?.node);
    }
    const worst = (name: string) => run(name).report.metrics['client-availability-min'] ?? NaN;
    for (const consistent of ['raft', 'multi-paxos']) {
      expect(run(consistent).verdict).toBe('linearizable');
      expect(run(consistent).report.metrics['rpo-writes']).toBe(0);
      // It loses availability in the minority: its worst client fares worse than async's.
      expect(worst(consistent)).toBeLessThan(worst('async'));
      expect(worst(consistent)).toBeLessThan(1);
    }
    expect(run('async').verdict).toBe('not-linearizable');
    expect(run('async').report.metrics['rpo-writes']).toBeGreaterThan(0);
    expect(run('sync').verdict).toBe('linearizable');
  });
});
