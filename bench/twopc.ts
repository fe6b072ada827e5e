/**
 * twopc benchmarks: transactions decided per wall-clock second of simulation, for 2PC and
 * Paxos Commit on the same failure-free workload (every property checked after every event,
 * as in a scenario run), and the blocked time of the blocking comparison. Bug detection is the
 * hunt suite's (bench/hunt.ts).
 */
import { readFileSync } from 'node:fs';
import { loadScenario, type RunSpec, runSpec } from '../runner/index.js';
import type { BenchRow, BenchSuite } from './row.js';

/** A twopc run: n1 coordinator, n2..n4 participants, a busy bank. */
function twoPcSpec(patch: Partial<RunSpec>, params: Record<string, unknown>): RunSpec {
  return {
    name: 'twopc-bench', protocol: 'twopc', nodes: 4, seed: 1, duration: 2_000_000, faults: [],
    network: { latency: { dist: 'lognormal', median: 1_000, p99: 5_000, max: 20_000 } },
    workload: { clients: 3, rate: 100, keys: 8, mix: { transfer: 9, 'read-all': 1 },
      timeout: 500_000, attempts: 3 },
    ...patch, params,
  };
}

/** Decided transactions per wall second over a 10 s simulated run of `variant`. */
function throughput(variant: '2pc' | 'paxos-commit'): number {
  const spec = twoPcSpec({ duration: 10_000_000, seed: 3, workload: { clients: 6, rate: 200,
    keys: 8, mix: { transfer: 9, 'read-all': 1 }, timeout: 500_000, attempts: 3 } }, { variant });
  const start = process.hrtime.bigint();
  const report = runSpec(spec, { trace: 'off' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (report.failures.length > 0) throw new Error(`twopc bench run failed: ${report.failures[0]}`);
  return ((report.metrics.committed ?? 0) + (report.metrics.aborted ?? 0)) / seconds;
}

function blockedMax(file: string): number {
  const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
  return runSpec(spec, { trace: 'off' }).metrics['blocked-time-max-ms'] ?? NaN;
}

/**
 * Mean over ten seeds of the longest blocked time when n1 crashes at a seed-dependent instant
 * near 1 s and restarts at 3 s: the blocking comparison beyond one hand-picked instant.
 */
function meanBlockedMax(variant: '2pc' | 'paxos-commit'): number {
  let sum = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const at = 1_000_000 + seed * 7_919;
    const spec = twoPcSpec({ seed, duration: 4_000_000, faults: [
      { at, fault: { kind: 'crash', node: 'n1' } },
      { at: 3_000_000, fault: { kind: 'restart', node: 'n1' } }] }, { variant });
    sum += runSpec(spec, { trace: 'off' }).metrics['blocked-time-max-ms'] ?? NaN;
  }
  return sum / 10;
}

export const twoPcBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  const classic = throughput('2pc');
  const paxos = throughput('paxos-commit');
  const base = 'twopc 2pc: transactions decided per wall second';
  rows.push({ name: base, value: classic, unit: 'tx/s' });
  rows.push({ name: 'twopc paxos-commit: transactions decided per wall second', value: paxos,
    unit: 'tx/s', baseline: base, ratio: paxos / classic });
  const blocking = blockedMax('scenarios/twopc/blocking-2pc.yaml');
  const nonBlocking = blockedMax('scenarios/twopc/blocking-paxos-commit.yaml');
  rows.push({ name: 'twopc blocking-2pc: blocked time max', value: blocking, unit: 'ms' });
  rows.push({ name: 'twopc blocking-paxos-commit: blocked time max', value: nonBlocking, unit: 'ms',
    baseline: 'twopc blocking-2pc: blocked time max', ratio: nonBlocking / blocking });
  const meanClassic = meanBlockedMax('2pc');
  const meanPaxos = meanBlockedMax('paxos-commit');
  const meanBase = 'twopc 2pc: blocked time max, mean of 10 coordinator crashes';
  rows.push({ name: meanBase, value: meanClassic, unit: 'ms' });
  rows.push({ name: 'twopc paxos-commit: blocked time max, mean of 10 coordinator crashes',
    value: meanPaxos, unit: 'ms', baseline: meanBase, ratio: meanPaxos / meanClassic });
  return rows;
};
