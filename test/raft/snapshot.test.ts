/**
 * raft: log compaction (§7). Servers snapshot their state machine and drop the log it covers,
 * and a leader catches a lagging follower up with InstallSnapshot in chunks. The fuzz property
 * is the main Raft fuzz with compaction on (a snapshot every 2–20 applied entries, chunks of
 * 1–64 records), so snapshots are taken and installed amid crashes, partitions, loss,
 * duplication and disk faults: no safety property or linearizability may break.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSpec } from '../../runner/index.js';
import { assertRaftFuzz, withParams } from './fuzzProperty.js';
import { raftSpec } from './support.js';

/** Runs of the fuzz property in `npm test`, as many as the main Raft fuzz (raft.test.ts). */
const FUZZ_RUNS = 15;

const compactionArb = fc.record({
  snapshotEvery: fc.constantFrom(2, 5, 10, 20),
  snapshotChunk: fc.constantFrom(1, 3, 64),
});

describe('raft: log compaction', () => {
  it('bounds the log on a healthy cluster and keeps the state linearizable', () => {
    const report = runSpec(raftSpec({ nodes: 3, params: { snapshotEvery: 10 } }));
    expect(report.failures).toEqual([]);
    expect(report.metrics['snapshots-taken']).toBeGreaterThan(10);
    expect(report.metrics['max-log-entries']).toBeLessThan(30);
    expect(report.metrics['committed-entries']).toBeGreaterThan(100);
  });

  it('catches a follower up by InstallSnapshot after a partition, in chunks', () => {
    const spec = raftSpec({ nodes: 3, params: { snapshotEvery: 5, snapshotChunk: 1 },
      faults: [
        { at: 500_000, fault: { kind: 'partition', groups: [['n3'], ['n1', 'n2']] } },
        { at: 2_000_000, fault: { kind: 'heal' } },
      ], expect: { liveness: { settle: 1_500_000 } } });
    const report = runSpec(spec);
    expect(report.failures).toEqual([]);
    expect(report.metrics['snapshots-installed']).toBeGreaterThanOrEqual(1);
    expect(runSpec(spec).result.hash).toBe(report.result.hash);
  });

  it('fuzz: snapshots and InstallSnapshot under faults keep every property', () => {
    assertRaftFuzz(withParams(compactionArb), FUZZ_RUNS, 20_261_123);
  }, 120_000);
});
