/**
 * Honest verdicts (runner/selection.ts): every property a scenario names is checked, or the
 * file is rejected with the reason at the field's place; an empty `hold` is rejected; the
 * report lists what was checked and why each other property was not. Async replication with
 * reads from the slaves is checked for linearizability when a scenario asks, and fails.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec, ScenarioError } from '../../runner/index.js';

/** A replication scenario; `params` and `expect` are YAML flow mappings. */
function replication(params: string, expectation: string): string {
  return [
    'name: verdicts',
    'description: a replication run for the verdict tests',
    'protocol: replication',
    `params: ${params}`,
    'nodes: 3',
    'network: { latency: { dist: uniform, min: 10ms, max: 60ms } }',
    'workload: { clients: 3, rate: 50/s, keys: 3, mix: { get: 0.4, put: 0.3, append: 0.3 }, ' +
      'timeout: 300ms, attempts: 3 }',
    'faults:',
    '  - { at: 2s, crash: n1 }',
    '  - { at: 4s, restart: n1 }',
    'duration: 6s',
    'seed: 3',
    `expect: ${expectation}`,
    '',
  ].join('\n');
}

/** The problems a file is rejected with, as `line:column path: message`. */
function problems(text: string): string[] {
  try {
    loadScenario(text, 'f.yaml');
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
  }
  return [];
}

describe('verdicts: what a run checks', () => {
  it('rejects an empty hold list, which would check nothing, at its place', () => {
    expect(problems(replication('{ mode: sync }', '{ hold: [] }')))
      .toEqual([expect.stringMatching(/^13:\d+ expect.hold: at least one property: an empty list/)]);
  });

  it('rejects a property that does not apply under the parameters, with the reason', () => {
    const found = problems(replication('{ mode: sync }',
      '{ hold: [one-master-per-epoch, no-false-failover] }'));
    expect(found).toEqual([expect.stringMatching(
      /^13:\d+ expect.hold\[1\]: no-false-failover cannot be checked here: it assumes the synchronous model/)]);
    expect(problems(replication('{ mode: sync }', '{ violate: no-false-failover }')))
      .toEqual([expect.stringMatching(/expect.violate: no-false-failover cannot be checked here/)]);
    // Declared synchronous, it applies.
    expect(problems(replication('{ mode: sync, synchronous: true }',
      '{ hold: [no-false-failover] }'))).toEqual([]);
  });

  it('rejects a liveness check named as a property, pointing to expect.liveness', () => {
    expect(problems(replication('{ mode: sync }', '{ hold: [replicas-agree] }'))).toEqual([
      expect.stringMatching(/expect.hold\[0\]: replicas-agree cannot be checked here: it is a liveness check.*give expect.liveness/)]);
  });

  it('checks async replication with slave reads for linearizability when asked, and fails', () => {
    const text = replication('{ mode: async, reads: round-robin }', '{ hold: [linearizable] }');
    const report = runSpec(loadScenario(text, 'f.yaml').spec, { trace: 'off' });
    expect(report.checked).toEqual(['linearizable']);
    expect(report.passed).toBe(false);
    expect(report.violation?.name).toBe('linearizable');
  });

  it('checks by default only what the mode guarantees, and says why the rest is not', () => {
    const text = replication('{ mode: async, reads: round-robin }', '{ metrics: {} }');
    const report = runSpec(loadScenario(text, 'f.yaml').spec, { trace: 'off' });
    expect(report.checked).toEqual(['one-master-per-epoch', 'epochs-monotonic']);
    expect(report.notChecked).toEqual([
      { name: 'linearizable', reason: expect.stringMatching(/^not guaranteed under these/) },
      { name: 'no-false-failover', reason: expect.stringMatching(/synchronous model/) },
      { name: 'no-lost-acked-write', reason: expect.stringMatching(/^not guaranteed/) },
      { name: 'replicas-agree', reason: expect.stringMatching(/liveness check/) },
    ]);
    expect(report.passed).toBe(true);
  });

  it('lists a liveness check judged after the heal as checked, not as left out', () => {
    const text = replication('{ mode: sync }', '{ liveness: { after: 4s, settle: 2s } }');
    const report = runSpec(loadScenario(text, 'f.yaml').spec, { trace: 'off' });
    expect(report.liveness).toEqual(['replicas-agree']);
    expect(report.checked).toContain('linearizable');
    expect(report.notChecked.map((n) => n.name)).toEqual(['no-false-failover']);
  });

  it('names the one property a teaching scenario checks, and the others as left out', () => {
    const text = replication('{ mode: async, reads: round-robin }', '{ violate: linearizable }');
    const report = runSpec(loadScenario(text, 'f.yaml').spec, { trace: 'off' });
    expect(report.passed).toBe(true);
    expect(report.notChecked.find((n) => n.name === 'epochs-monotonic')?.reason)
      .toBe('a teaching scenario checks only the property it shows (linearizable)');
  });

  it('rejects a phi detector scenario that names completeness without a bound', () => {
    const text = [
      'name: phi', 'description: phi without a bound', 'protocol: heartbeat',
      'params: { detector: phi }', 'nodes: 3', 'duration: 5s', 'seed: 1', 'faults: []',
      'expect: { hold: [completeness] }', ''].join('\n');
    expect(problems(text)).toEqual([expect.stringMatching(
      /^9:\d+ expect.hold\[0\]: completeness cannot be checked here: a phi detector/)]);
  });
});
