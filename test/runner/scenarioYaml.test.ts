/**
 * The scenario writer is the loader's inverse: any spec the fuzzer can generate, plus the
 * fields it never generates (clocks, disks, per-link overrides, expectations, string seeds),
 * written as YAML and loaded back, is the same spec.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario, type RunSpec, toScenarioYaml } from '../../runner/index.js';
import { DEFAULT_PROFILE, specArbitrary } from '../../runner/fuzz/index.js';
import { toyKv } from '../support/toyKv.js';

const registry = { toykv: toyKv };
const profile = { ...DEFAULT_PROFILE, nodes: [1, 5] as const, duration: 3_000_000,
  settle: 1_000_000 };

const extras = fc.record({
  clockOffset: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  drift: fc.integer({ min: -500_000, max: 500_000 }),
  sync: fc.integer({ min: 0, max: 5_000 }),
  linkLoss: fc.double({ min: 0, max: 1, noNaN: true }),
  bandwidth: fc.integer({ min: 1, max: 1e9 }),
  expectKind: fc.constantFrom('hold', 'violate', 'none'),
  stringSeed: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
  ties: fc.constantFrom('fifo', 'shuffle', undefined),
  healPair: fc.boolean(),
});

type Extras = typeof extras extends fc.Arbitrary<infer T> ? T : never;

function enrich(spec: RunSpec, x: Extras): RunSpec {
  const n2 = spec.nodes > 1 ? 'n2' : 'n1';
  return {
    ...spec,
    params: { bugs: ['forget-writes'] },
    clocks: { n1: { offset: x.clockOffset, driftPpm: x.drift } },
    disk: { syncLatency: { dist: 'uniform', min: x.sync, max: x.sync + 100 } },
    network: { ...spec.network, bandwidth: x.bandwidth,
      links: [{ from: 'n1', to: n2, loss: x.linkLoss,
        latency: { dist: 'exponential', mean: 1_500 } }] },
    faults: [...spec.faults, ...(x.healPair && spec.nodes > 1 ? [
      { at: 5, fault: { kind: 'heal' as const, from: 'n1', to: n2 } },
      { at: 6, fault: { kind: 'bridge' as const, nodes: ['n1'] } }] : [])],
    ...(x.stringSeed === undefined ? {} : { seed: x.stringSeed }),
    ...(x.ties === undefined ? {} : { ties: x.ties }),
    expect: x.expectKind === 'hold'
      ? { hold: ['linearizable'], metrics: { operations: { min: 0, max: 1e9 } } }
      : x.expectKind === 'violate' ? { violate: 'linearizable', liveness: { settle: 1_000 } } : {},
  };
}

describe('toScenarioYaml', () => {
  it('round-trips every generated spec through loadScenario', () => {
    const specs = specArbitrary(profile, { protocol: 'toykv', params: {}, liveness: true });
    const arb = fc.tuple(specs, extras);
    fc.assert(fc.property(arb, ([spec, x]) => {
      const full = enrich(spec, x);
      const text = toScenarioYaml(full,
        { description: 'd', narrative: '# n\ntext', comment: 'c\nd' });
      const loaded = loadScenario(text, 'rt.yaml', registry);
      expect(loaded.spec).toEqual(full);
      expect(loaded.narrative).toBe('# n\ntext');
      expect(toScenarioYaml(loaded.spec)).toBe(toScenarioYaml(full));
    }), { numRuns: 150, seed: 20261122 });
  });

  it('writes times as people write them', () => {
    const text = toScenarioYaml({ name: 'a', protocol: 'toykv', params: {}, nodes: 1,
      duration: 1_500_000, seed: 1,
      faults: [{ at: 200_000, fault: { kind: 'crash', node: 'n1' } }] });
    expect(text).toContain('duration: 1.5s');
    expect(text).toContain('at: 200ms');
  });
});
