/**
 * Raft benchmarks: simulated seconds per wall-clock second for 5 servers under 1000 client
 * operations per second (10 clients at 100/s) over 60 simulated seconds, every invariant
 * checked after every event, with tracing off and kept in memory, by default and with
 * request batching (`batchDelay: 5ms`). Bug detection is the hunt suite's (bench/hunt.ts).
 */
import { prepareRun, type RunSpec } from '../runner/index.js';
import { type BenchRow, type BenchSuite, withTarget } from './row.js';

/** Issue 16's goals: simulated seconds per wall second, trace off and in memory; events per op. */
const GOAL_OFF = 250;
const GOAL_MEMORY = 150;
const GOAL_EVENTS_PER_OP = 12;

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

export const raftBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  const off = speed('off');
  const memory = speed('memory');
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, trace off', value: off.ratio,
    unit: 'sim s / wall s' }, '>=', GOAL_OFF));
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, trace in memory', value: memory.ratio,
    unit: 'sim s / wall s' }, '>=', GOAL_MEMORY));
  rows.push({ name: 'raft 5 nodes 1000 ops/s, client ops ok in 60 s', value: off.ops, unit: 'ops' });
  // The protocol's share of the speed: trace events (sends, deliveries, syncs, notes, …) per
  // completed operation. Each costs the engine a hash, and most cost a check of every property.
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, trace events per client op ok',
    value: off.events / off.ops, unit: 'events / op' }, '<=', GOAL_EVENTS_PER_OP));
  // The same cluster with request batching (batchDelay: one flush per 5 ms).
  const batched = { batchDelay: '5ms' };
  const batchedOff = speed('off', batched);
  const batchedMemory = speed('memory', batched);
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace off',
    value: batchedOff.ratio, unit: 'sim s / wall s', baseline: 'raft 5 nodes 1000 ops/s, trace off',
    ratio: batchedOff.ratio / off.ratio }, '>=', GOAL_OFF));
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace in memory',
    value: batchedMemory.ratio, unit: 'sim s / wall s',
    baseline: 'raft 5 nodes 1000 ops/s, trace in memory', ratio: batchedMemory.ratio / memory.ratio },
  '>=', GOAL_MEMORY));
  rows.push({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, client ops ok in 60 s',
    value: batchedOff.ops, unit: 'ops' });
  rows.push(withTarget({ name: 'raft 5 nodes 1000 ops/s, batchDelay 5ms, trace events per client op ok',
    value: batchedOff.events / batchedOff.ops, unit: 'events / op' }, '<=', GOAL_EVENTS_PER_OP));
  return rows;
};
