/**
 * The end of a campaign: failures ordered safety first, then by run; the coverage matrix
 * counts the cells hit against the protocol's phases times the fault kinds.
 */
import { describe, expect, it } from 'vitest';
import { checkedLines, coverageMatrix, type Failure, ordered } from '../../cli/fuzzSummary.js';
import { addOutcome, Campaign, emptyStats } from '../../runner/fuzz/index.js';
import { protocols } from '../../protocols/index.js';

const failure = (index: number, kind?: string): Failure => ({
  index, runSeed: index, seed: String(index), violated: `p${index}`,
  ...(kind === undefined ? {} : { kind }), reason: '', shrinks: 0, faultsBefore: 1,
  faultsAfter: 1, minimal: true, repeats: [], file: `f${index}.yaml`, hash: 'h', fileHash: 'h',
  reproduced: true,
});

describe('fuzz summary', () => {
  it('lists safety failures first, then errors, then sometimes and liveness, each by run', () => {
    const list = [failure(1, 'liveness'), failure(2, 'safety'), failure(3, 'sometimes'),
      failure(4, 'safety'), failure(5), failure(6, 'error')];
    expect(ordered(list).map((f) => f.index)).toEqual([2, 4, 6, 3, 1, 5]);
  });

  it('counts the cells hit of the matrix and marks the empty ones', () => {
    const stats = emptyStats();
    stats.coverage = { idle: { crash: 2 }, election: { clock: 1, crash: 0 } };
    const text = coverageMatrix(stats, ['election', 'commit']);
    expect(text).toMatch(/\(2 of 27 cells\)/);
    expect(text).toMatch(/^election +\. +\. .* 1 +\.$/m);
    expect(text).toMatch(/^commit( +\.)+$/m);
  });

  it('says what the runs checked, and what they did not and why', () => {
    // Reads from slaves by round robin: linearizability is not the design's promise.
    const replication = protocols.replication;
    if (replication === undefined) throw new Error('replication is not registered');
    const campaign = new Campaign({ protocol: replication, registry: protocols, seed: 3,
      params: { reads: 'round-robin' }, duration: 2_000_000 });
    const stats = emptyStats();
    for (let i = 0; i < 3; i++) addOutcome(stats, campaign.run(i));
    expect(stats.checked['one-master-per-epoch']).toBe(3);
    expect(stats.checked.linearizable).toBeUndefined();
    const lines = checkedLines(stats);
    expect(lines[0]).toMatch(/^checked in every run: .*one-master-per-epoch/);
    expect(lines).toContain('not checked:');
    expect(lines.find((l) => l.startsWith('    linearizable, in every run: '))).toBeDefined();
    // A property that is both an invariant and a liveness check counts once per run.
    const raft = protocols.raft;
    if (raft === undefined) throw new Error('raft is not registered');
    const raftStats = emptyStats();
    const raftCampaign = new Campaign({ protocol: raft, registry: protocols, seed: 3,
      duration: 2_000_000 });
    for (let i = 0; i < 2; i++) addOutcome(raftStats, raftCampaign.run(i));
    expect(raftStats.checked['leader-elected']).toBe(2);
    expect(checkedLines(raftStats)[0]).toMatch(/leader-elected/);
    // A property some runs checked shows how many.
    const partial = emptyStats();
    partial.runs = 4;
    partial.checked = { a: 4, b: 1 };
    expect(checkedLines(partial).slice(0, 2))
      .toEqual(['checked in every run: a', 'checked in some runs: b (1 of 4 runs)']);
  });
});
