/**
 * What the comparison page draws of a design's run (viz/src/compare/lanes.ts), derived from
 * the trace in Node: in the CAP comparison's Raft run, the leader leads until the partition
 * cuts it off with the minority, the cut spans run from 1s to the heal at 6s on exactly the
 * servers the partition put in the minority, the leader crashed at 8s is down until 10s, and
 * the clients' strip counts every completed operation once.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadComparison, runDesign } from '../../runner/compare/index.js';
import { deriveLanes } from '../../viz/src/compare/lanes.js';

describe('comparison page: lanes from a trace', () => {
  it('marks leading, cut off, down, and the answered share, where the run had them', () => {
    const c = loadComparison(readFileSync('scenarios/compare/cap.yaml', 'utf8'), 'cap.yaml');
    const raft = c.designs.find((d) => d.name === 'raft');
    if (raft === undefined) throw new Error('no raft design');
    const run = runDesign(c, raft, { trace: 'memory' });
    const lanes = deriveLanes(run.engine.trace.records(), run.engine.servers,
      run.report.result.time);
    const at = (word: string, t: number) => run.resolved.find((r) => r.word === word &&
      r.at === t)?.node;
    const minority = [at('leader', 1e6), at('follower', 1e6)].sort();
    const cut = lanes.spans.filter((s) => s.kind === 'cut');
    expect(cut.map((s) => s.lane).sort()).toEqual(minority);
    for (const s of cut) expect([s.from, s.to]).toEqual([1e6, 6e6]);
    const down = lanes.spans.filter((s) => s.kind === 'down');
    expect(down).toEqual([{ lane: at('leader', 8e6), kind: 'down', from: 8e6, to: 10e6 }]);
    expect(lanes.spans.some((s) => s.kind === 'lead' && s.lane === at('leader', 1e6) &&
      s.from < 1e6)).toBe(true);
    const completed = run.report.history.filter((e) => e.type !== 'invoke').length;
    expect(lanes.bins.reduce((n, b) => n + b.total, 0)).toBe(completed);
    expect(lanes.faults.map((f) => f.at)).toEqual(expect.arrayContaining([1e6, 6e6, 8e6, 10e6]));
  });
});
