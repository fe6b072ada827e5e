/**
 * Raft benchmarks: simulated seconds per wall-clock second for 5 servers under 1000 client
 * operations per second (10 clients at 100/s) over 60 simulated seconds, every invariant
 * checked after every event, with tracing off and kept in memory, by default and with
 * request batching (`batchDelay: 5ms`); and for each bug switch the
 * wall-clock time (and runs) until its fuzz profile first finds it (test/raft/bugProfiles.ts).
 */
import { prepareRun, runSpec, type RunSpec } from '../runner/index.js';
import { BUG_PROFILES } from '../test/raft/bugProfiles.js';
import { runWithNemesis } from '../test/raft/nemesis.js';
import { nthSpec, raftRunArb } from '../test/raft/support.js';
import type { BenchRow, BenchSuite } from './row.js';

const SIMULATED_SECONDS = 60;

/** The benchmark cluster; `params` as a scenario file would give them (batching is one). */
function throughputSpec(params: Record<string, unknown> = {}): RunSpec {
  return {
    name: 'raft-bench', protocol: 'raft', params, nodes: 5, seed: 1, faults: [],
    duration: SIMULATED_SECONDS * 1_000_000,
    network: { latency: { dist: 'uniform', min: 500, max: 1_500 } },
    workload: { clients: 10, rate: 100, keys: 16, mix: { get: 0.5, put: 0.3, append: 0.1, cas: 0.1 },
      timeout: 300_000, attempts: 3 },
  };
}

/**
 * Simulated seconds per wall second, client operations completed and trace events recorded.
 * Each run starts from a collected heap (when node runs with --expose-gc, as `npm run bench`
 * does), so the in-memory row does not pay for the garbage of the row before it.
 */
function speed(trace: 'off' | 'memory', params: Record<string, unknown> = {}):
  { ratio: number; ops: number; events: number } {
  const prepared = prepareRun(throughputSpec(params), { trace });
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  const result = prepared.engine.run(SIMULATED_SECONDS * 1_000_000);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const ops = prepared.engine.history.filter((e) => e.type === 'ok').length;
  if (prepared.engine.isStopped) throw new Error('the benchmark run stopped early: a violation?');
  return { ratio: SIMULATED_SECONDS / wall, ops, events: result.events };
}

/** Wall seconds and runs until the bug's fuzz profile first finds it (or the budget ends). */
function timeToFirstFailure(bug: string): { seconds: number; runs: number; found: boolean } {
  const profile = BUG_PROFILES[bug];
  if (profile === undefined) throw new Error(`no profile for ${bug}`);
  const arb = raftRunArb(profile.options);
  const start = process.hrtime.bigint();
  for (let i = 0; i < profile.budget; i++) {
    const spec = { ...nthSpec(arb, i), expect: { violate: profile.caughtBy } };
    const report = profile.nemesis === undefined ? runSpec(spec) : runWithNemesis(spec, profile.nemesis);
    if (report.passed) {
      return { seconds: Number(process.hrtime.bigint() - start) / 1e9, runs: i + 1, found: true };
    }
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, runs: profile.budget,
    found: false };
}

export const raftBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  const off = speed('off');
  const memory = speed('memory');
  rows.push({ name: 'raft 5 nodes 1000 ops/s, trace off', value: off.ratio,
    unit: 'sim s / wall s', goal: '>= 254x (prototype)' });
  rows.push({ name: 'raft 5 nodes 1000 ops/s, trace in memory', value: memory.ratio,
    unit: 'sim s / wall s', goal: '>= 149x (prototype)' });
  rows.push({ name: 'raft 5 nodes 1000 ops/s, client ops ok in 60 s', value: off.ops, unit: 'ops' });
  // The protocol's share of the speed: trace events (sends, deliveries, syncs, notes, …) per
  // completed operation. Each costs the engine a hash, and most cost a check of every property.
  rows.push({ name: 'raft 5 nodes 1000 ops/s, trace events per client op ok',
    value: off.events / off.ops, unit: 'events / op' });
  // The same cluster with request batching (batchDelay: one flush per 5 ms).
  const batched = { batchDelay: '5ms' };
  const batchedOff = speed('off', batched);
  const batchedMemory = speed('memory', batched);
  rows.push({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace off', value: batchedOff.ratio,
    unit: 'sim s / wall s', baseline: 'raft 5 nodes 1000 ops/s, trace off',
    ratio: batchedOff.ratio / off.ratio, goal: '>= 254x (prototype)' });
  rows.push({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace in memory',
    value: batchedMemory.ratio, unit: 'sim s / wall s',
    baseline: 'raft 5 nodes 1000 ops/s, trace in memory', ratio: batchedMemory.ratio / memory.ratio,
    goal: '>= 149x (prototype)' });
  rows.push({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, client ops ok in 60 s',
    value: batchedOff.ops, unit: 'ops' });
  rows.push({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace events per client op ok',
    value: batchedOff.events / batchedOff.ops, unit: 'events / op' });
  for (const bug of Object.keys(BUG_PROFILES)) {
    const result = timeToFirstFailure(bug);
    rows.push({ name: `raft bug ${bug}: time to first failure${result.found ? '' : ' (NOT FOUND)'}`,
      value: result.seconds, unit: `wall s (${result.runs} runs)` });
  }
  return rows;
};
