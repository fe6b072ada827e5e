/**
 * A run's limits (runner/limits.ts): the `limits:` section reads and writes back, the scenario's
 * own limits come before a caller's cap and the defaults, and a run the machine stops (memory,
 * wall time) fails with its seed, says which limit it reached, and claims no check it skipped.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../../runner/limits.js';
import { judge, loadScenario, prepareRun, type Problem, runSpec, ScenarioError,
  toScenarioYaml } from '../../runner/index.js';
import { toyKv } from '../support/toyKv.js';

const registry = { toykv: toyKv };
const TOY = `name: toy
protocol: toykv
nodes: 1
workload: { clients: 2, rate: 100/s, keys: 2 }
duration: 2s
seed: 3
`;

function problem(text: string): Problem | undefined {
  try {
    loadScenario(text, 'x.yaml', registry);
    return undefined;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems[0];
  }
}

describe('limits', () => {
  it('reads events, memory and wall time, and writes them back', () => {
    const spec = loadScenario(`${TOY}limits: { events: 1000, memory: 512MiB, time: 1.5m }\n`,
      'x.yaml', registry).spec;
    expect(spec.limits).toEqual({ events: 1000, memoryBytes: 512 * 2 ** 20, timeMs: 90_000 });
    const text = toScenarioYaml(spec);
    expect(text).toMatch(/^limits:\n {2}events: 1000\n {2}memory: 512MiB\n {2}time: 90s$/m);
    expect(loadScenario(text, 'y.yaml', registry).spec.limits).toEqual(spec.limits);
    expect(loadScenario(`${TOY}limits: { memory: 2GiB }\n`, 'x.yaml', registry).spec.limits)
      .toEqual({ memoryBytes: 2 ** 31 });
  });

  it('names the bounds of each limit', () => {
    expect(problem(`${TOY}limits: { memory: 1KiB }\n`)).toMatchObject({ path: 'limits.memory',
      message: 'a size from 16MiB to 64GiB, such as "512MiB" or "2GiB", got "1KiB"' });
    expect(problem(`${TOY}limits: { time: 10ms }\n`))
      .toMatchObject({ path: 'limits.time', message: 'at least 1s, got "10ms"' });
    expect(problem(`${TOY}limits: { events: 0 }\n`)).toMatchObject({ path: 'limits.events' });
    expect(problem(`${TOY}limits: { heap: 1 }\n`))
      .toMatchObject({ path: 'limits.heap', message: 'unknown field "heap"' });
  });

  it("takes the scenario's limits first, then the caller's event cap, then the defaults", () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits(undefined, 77).events).toBe(77);
    expect(resolveLimits({ events: 5 }, 77)).toEqual({ ...DEFAULT_LIMITS, events: 5 });
    expect(DEFAULT_LIMITS).toEqual({ events: 50_000_000, memoryBytes: 2 * 2 ** 30,
      timeMs: 600_000 });
  });

  it('fails a run the machine stopped, and does not claim the check it skipped', () => {
    const spec = loadScenario(TOY.replace('2s', '30s'), 'x.yaml', registry).spec;
    const whole = runSpec(spec, {}, registry);
    expect(whole.checked).toContain('linearizable');
    for (const limit of ['memory-limit', 'time-limit'] as const) {
      const report = runSpec(spec, { watchdog: () => () => limit }, registry);
      expect(report.result.outcome).toBe(limit);
      expect(report.passed).toBe(false);
      expect(report.seed).toBe('3');
      expect(report.linearizability).toBeUndefined();
      expect(report.checked).not.toContain('linearizable');
      expect(report.failures.join()).toMatch(limit === 'memory-limit'
        ? /reached its memory limit \(2GiB\); raise `limits.memory`/
        : /reached its time limit \(600s of wall time\); raise `limits.time`/);
    }
  });

  it('bounds the linearizability check with the run\'s memory budget', () => {
    const spec = loadScenario(TOY.replace('2s', '30s').replace('keys: 2', 'keys: 1'), 'x.yaml',
      registry).spec;
    let spent = false;
    const prepared = prepareRun(spec, { watchdog: () => () => (spent ? 'memory-limit' : undefined) },
      registry);
    prepared.engine.run(spec.duration);
    spent = true;
    const report = judge(prepared);
    expect(report.result.outcome).toBe('ok');
    expect(report.linearizability).toMatchObject({ verdict: 'unknown', exhausted: 'memory' });
    expect(report.failures).toEqual(['linearizability undetermined: the checker ran out of memory']);
    expect(runSpec(spec, {}, registry).linearizability?.verdict).toBe('linearizable');
  });
});
