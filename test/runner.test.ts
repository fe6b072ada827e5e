/**
 * The runner's core: a spec runs, its history is judged for linearizability, and teaching
 * expectations (`violate`) and metric bounds decide whether it passed.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../sim/index.js';
import { runSpec, type RunSpec } from '../runner/index.js';
import { toyKv } from './support/toyKv.js';

const registry = { toykv: toyKv };
const spec = (patch: Partial<RunSpec> = {}): RunSpec => ({
  name: 'toy', protocol: 'toykv', params: {}, nodes: 1, faults: [], duration: 2_000_000, seed: 3,
  workload: { clients: 4, rate: 100, keys: 2, mix: {}, timeout: 50_000, attempts: 2 },
  ...patch,
});

describe('runner', () => {
  it('passes a correct single server and checks its history for linearizability', () => {
    const report = runSpec(spec(), {}, registry);
    expect(report.failures).toEqual([]);
    expect(report.linearizability?.verdict).toBe('linearizable');
    expect(report.metrics.operations).toBeGreaterThan(100);
    expect(report.checked).toEqual(['served-something', 'linearizable']);
  });

  it('finds the non-linearizable history of a buggy server and explains it', () => {
    const report = runSpec(spec({ params: { bugs: ['forget-writes'] } }), {}, registry);
    expect(report.passed).toBe(false);
    expect(report.violation?.name).toBe('linearizable');
    expect(report.violation?.explanation.length).toBeGreaterThan(20);
  });

  it('passes a teaching scenario when the named property is violated', () => {
    const report = runSpec(spec({ params: { bugs: ['forget-writes'] },
      expect: { violate: 'linearizable' } }), {}, registry);
    expect(report.failures).toEqual([]);
  });

  it('fails a metric bound and names it', () => {
    const report = runSpec(spec({ expect: { metrics: { operations: { max: 5 } } } }), {}, registry);
    expect(report.failures[0]).toMatch(/^operations = \d+ > 5$/);
  });

  it('refuses a protocol whose own figure bears a shared figure\'s name', () => {
    // A second definition under the name of a shared figure would be silently replaced by it.
    const clashing = { ...toyKv, setup: (...args: Parameters<typeof toyKv.setup>) => {
      const instance = toyKv.setup(...args);
      return { ...instance, metrics: (w: Parameters<typeof instance.metrics>[0]) =>
        ({ ...instance.metrics(w), 'latency-p50-ms': 1 }) };
    } };
    expect(() => runSpec(spec(), {}, { toykv: clashing }))
      .toThrow(/toykv: its own figures latency-p50-ms bear the names of shared figures/);
    expect(runSpec(spec(), {}, registry).metrics['latency-p50-ms']).toBeGreaterThan(0);
  });

  it('rejects unknown protocols, parameters and property names with the field', () => {
    expect(() => runSpec(spec({ protocol: 'nope' }), {}, registry)).toThrow(ConfigError);
    expect(() => runSpec(spec({ params: { bugs: ['x'] } }), {}, registry)).toThrow(/params.bugs.0/);
    expect(() => runSpec(spec({ expect: { hold: ['nope'] } }), {}, registry))
      .toThrow(/expect.hold\[0\]: a property of toykv/);
  });

  it('gives one report hash for one seed', () => {
    expect(runSpec(spec(), {}, registry).result.hash).toBe(runSpec(spec(), {}, registry).result.hash);
  });
});
