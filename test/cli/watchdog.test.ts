/**
 * The Node watchdog (cli/watchdog.ts) against real runs: a run whose live memory passes its
 * budget stops as memory-limit, well before the budget is far behind; one past its wall time
 * stops as time-limit; one within both runs as it would without a watchdog. Budgets here are
 * small so the tests are quick; the defaults are in runner/limits.ts.
 */
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';
import { memoryBudget, nodeWatchdog } from '../../cli/watchdog.js';
import { DEFAULT_LIMITS } from '../../runner/limits.js';

const RAFT = `name: busy
protocol: raft
nodes: 3
workload: { clients: 20, rate: 500/s, keys: 50 }
duration: 10m
seed: 1
`;

describe('node watchdog', () => {
  it('stops a run whose live heap passes its budget', () => {
    const spec = loadScenario(`${RAFT}limits: { memory: 48MiB }\n`, 'busy.yaml').spec;
    const before = process.memoryUsage().heapUsed;
    // The trace kept in memory makes the heap grow at a known pace (~40 MiB per 1M records).
    const report = runSpec(spec, { trace: 'memory', watchdog: nodeWatchdog });
    expect(report.result.outcome).toBe('memory-limit');
    expect(report.result.events).toBeLessThan(3_000_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(512 * 2 ** 20);
  });

  it('stops a run past its wall time', () => {
    const spec = loadScenario(`${RAFT}limits: { time: 1s }\n`, 'busy.yaml').spec;
    const started = performance.now();
    const report = runSpec(spec, { watchdog: nodeWatchdog });
    expect(report.result.outcome).toBe('time-limit');
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('changes nothing in a run within its limits', () => {
    const spec = loadScenario(RAFT.replace('10m', '2s'), 'short.yaml').spec;
    const watched = runSpec(spec, { watchdog: nodeWatchdog });
    expect(watched.result).toEqual(runSpec(spec, {}).result);
  });

  it('never budgets beyond three quarters of the heap V8 allows', () => {
    expect(memoryBudget({ ...DEFAULT_LIMITS, memoryBytes: 2 ** 50 }))
      .toBe(Math.floor(0.75 * getHeapStatistics().heap_size_limit));
    expect(memoryBudget(DEFAULT_LIMITS)).toBeLessThanOrEqual(DEFAULT_LIMITS.memoryBytes);
  });
});
