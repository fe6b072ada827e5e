/**
 * raft: whole runs through the runner: a healthy cluster elects one leader and serves a
 * linearizable workload; a crashed leader is replaced; one seed gives one trace; and the
 * fuzz property: random clusters (3–7 servers), networks (loss up to 30 %, duplication,
 * jitter), fault schedules (crash/restart, partitions and one-way cuts, pauses, clock drift
 * and jumps, disk faults) and workloads never break a safety property or linearizability,
 * and, up to 20 % loss, recover within the settle time once the faults heal (fuzzProperty.ts;
 * a run the linearizability checker cannot decide in its budget counts as inconclusive).
 */
import { describe, expect, it } from 'vitest';
import { prepareRun, runSpec } from '../../runner/index.js';
import { raftLiveness } from '../../protocols/raft/liveness.js';
import { assertRaftFuzz } from './fuzzProperty.js';
import { raftRunArb, raftSpec } from './support.js';

/** Runs of the fuzz property in `npm test` (each is up to ~9 simulated seconds). */
export const FUZZ_RUNS = 15;

describe('raft: runs', () => {
  it('elects one leader and serves a linearizable workload on a healthy cluster', () => {
    const report = runSpec(raftSpec({ nodes: 5 }));
    expect(report.failures).toEqual([]);
    expect(report.linearizability?.verdict).toBe('linearizable');
    expect(report.metrics['leaders-elected']).toBe(1);
    expect(report.metrics['ops-ok']).toBeGreaterThan(300);
  });

  it('replaces a crashed leader and completes pending operations after it returns', () => {
    const report = runSpec(raftSpec({ seed: 7, faults: [
      { at: 1_000_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 1_000_000, fault: { kind: 'crash', node: 'n2' } },
      { at: 1_400_000, fault: { kind: 'restart', node: 'n1' } },
      { at: 1_500_000, fault: { kind: 'restart', node: 'n2' } },
    ], expect: { liveness: { settle: 2_000_000 } } }));
    expect(report.failures).toEqual([]);
    expect(report.metrics['leaders-elected']).toBeGreaterThanOrEqual(2);
  });

  it('names what keeps a liveness check from holding: the server behind, the clients waiting',
    () => {
      // n3 is cut off for good: it stays up and falls behind what the others commit.
      const spec = raftSpec({ nodes: 3, faults: [
        { at: 500_000, fault: { kind: 'partition', groups: [['n3'], ['n1', 'n2']] } }] });
      const { engine } = prepareRun(spec);
      engine.run(2_000_000);
      const [, caughtUp, pendingOps] = raftLiveness();
      expect(caughtUp?.holds(engine)).toBe(false);
      expect(caughtUp?.detail?.(engine)).toMatch(/(^|, )n3 applied \d+ of \d+$/);
      const holds = pendingOps?.holds(engine);
      const detail = pendingOps?.detail?.(engine);
      expect(detail === undefined).toBe(holds);
      if (detail !== undefined) {
        expect(detail).toMatch(/^(still pending: c\d(, c\d)*)?(; )?(no operation served since: c\d(, c\d)*)?$/);
      }
      // Once the clients are served after the first look, it holds and says nothing.
      engine.run(2_500_000);
      expect(pendingOps?.holds(engine)).toBe(true);
      expect(pendingOps?.detail?.(engine)).toBeUndefined();
    });

  it('gives one trace hash for one seed, and another for another seed', () => {
    const spec = raftSpec({ nodes: 5, faults: [
      { at: 500_000, fault: { kind: 'partition', groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] } },
      { at: 1_500_000, fault: { kind: 'heal' } }], network: { loss: 0.1, duplicate: 0.1 } });
    const a = runSpec(spec).result.hash;
    expect(runSpec(spec).result.hash).toBe(a);
    expect(runSpec({ ...spec, seed: 2 }).result.hash).not.toBe(a);
  });

  it('fuzz: no safety or linearizability violation, and liveness after the heal', () => {
    assertRaftFuzz(raftRunArb(), FUZZ_RUNS, 20_261_122);
  }, 120_000);
});
