/**
 * Fuzz campaigns: shards split the run indexes into disjoint parts whose union is the
 * campaign; a run is the same wherever it runs; a switched-on bug is found and shrunk to
 * a small fault schedule; the counterexample, written as YAML and loaded back, replays with
 * the same trace hash; swarm weights give runs different fault mixes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec, toScenarioYaml } from '../../runner/index.js';
import { addOutcome, Campaign, DEFAULT_PROFILE, emptyStats, runSeed, shardIndex,
  specArbitrary }
  from '../../runner/fuzz/index.js';
import { toyKv } from '../support/toyKv.js';

const registry = { toykv: toyKv };
/** A shard's indexes, position by position, until it ends (or `most` of them). */
const sequence = (p: { shard: number; shards: number; runs?: number }, most = 1000): number[] => {
  const out: number[] = [];
  for (let position = 0; position < most; position++) {
    const index = shardIndex(p, position);
    if (index === undefined) break;
    out.push(index);
  }
  return out;
};

describe('campaign indexes', () => {
  it('are disjoint across shards, ascending, and together cover every run', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 60 }),
      (shards, runs) => {
        const seen: number[] = [];
        for (let shard = 1; shard <= shards; shard++) {
          const indexes = sequence({ shard, shards, runs });
          expect(indexes.every((i) => i % shards === shard - 1)).toBe(true);
          expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
          seen.push(...indexes);
        }
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, i) => i));
      }), { numRuns: 100, seed: 4 });
  });

  it('never end without a run count, and run seeds depend on campaign seed and index only', () => {
    expect(sequence({ shard: 2, shards: 3 }, 3)).toEqual([1, 4, 7]);
    expect(shardIndex({ shard: 2, shards: 3 }, 1_000_000)).toBe(3_000_001);
    expect(runSeed(1, 5)).toBe(runSeed(1, 5));
    expect(new Set(Array.from({ length: 1000 }, (_, i) => runSeed(9, i))).size).toBe(1000);
    expect(runSeed(1, 0)).not.toBe(runSeed(2, 0));
  });
});

describe('Campaign', () => {
  const campaign = (seed: number, bugs: string[] = []) =>
    new Campaign({ protocol: toyKv, registry, seed, bugs, duration: 1_000_000 });

  it('finds a switched-on bug, shrinks it; the counterexample replays with its hash', () => {
    const outcome = campaign(1, ['forget-writes']).run(0);
    expect(outcome.passed).toBe(false);
    expect(outcome.violated).toBe('linearizable');
    const found = outcome.counterexample;
    if (found === undefined) throw new Error('expected a counterexample');
    expect(found.shrinks).toBeGreaterThan(0);
    expect(found.spec.faults.length).toBe(0);
    expect(found.spec.workload?.clients).toBeLessThanOrEqual(2);
    const again = loadScenario(toScenarioYaml(found.spec), 'ce.yaml', registry).spec;
    expect(runSpec(again, { trace: 'off' }, registry).result.hash).toBe(found.report.result.hash);
  });

  it('saves a run stopped by the event cap with the cap, so that it replays the same', () => {
    const capped = new Campaign({ protocol: toyKv, registry, seed: 1, duration: 1_000_000,
      maxEvents: 300, shrinkRuns: 0 });
    const found = capped.run(0).counterexample;
    if (found === undefined) throw new Error('expected the cap to fail the run');
    expect(found.report.result.outcome).toBe('event-limit');
    expect(found.spec.limits).toEqual({ events: 300 });
    const text = toScenarioYaml(found.spec);
    expect(text).toMatch(/^limits:\n {2}events: 300$/m);
    const again = loadScenario(text, 'ce.yaml', registry).spec;
    const rerun = runSpec(again, { trace: 'off' }, registry);
    expect(rerun.result.outcome).toBe('event-limit');
    expect(rerun.result.hash).toBe(found.report.result.hash);
  });

  it('varies a scenario without its metric bounds, which describe its own schedule', () => {
    const base = { name: 'toy', protocol: 'toykv', params: {}, nodes: 1, faults: [],
      duration: 500_000, seed: 1, workload: { clients: 2, rate: 40, keys: 2, mix: { get: 1, put: 1 },
        timeout: 30_000, attempts: 2 },
      expect: { metrics: { 'no-such-metric': { min: 1 } } } };
    expect(runSpec(base, { trace: 'off' }, registry).passed).toBe(false);
    const outcome = new Campaign({ protocol: toyKv, registry, seed: 1, base }).run(0);
    expect(outcome.passed).toBe(true);
  });

  it('gives one outcome for one campaign seed and index', () => {
    const a = campaign(3).run(7);
    const b = campaign(3).run(7);
    expect(b).toEqual(a);
    expect(campaign(4).run(7).runSeed).not.toBe(a.runSeed);
  });

  it('adds outcomes into totals by fault kind and violated property', () => {
    const stats = emptyStats();
    const c = campaign(2, ['forget-writes']);
    for (let i = 0; i < 3; i++) addOutcome(stats, { ...c.run(i), counterexample: undefined });
    expect(stats.runs).toBe(3);
    expect(stats.simulated).toBe(3_000_000);
    expect(stats.violations.linearizable).toBe(stats.failures);
  });
});

describe('specArbitrary', () => {
  it('draws different fault mixes per run (swarm) and ends with a liveness phase', () => {
    const arb = specArbitrary({ ...DEFAULT_PROFILE, nodes: [3, 5] },
      { protocol: 'toykv', params: {}, liveness: true });
    const specs = fc.sample(fc.noBias(arb), { seed: 8, numRuns: 40 });
    const kinds = (s: (typeof specs)[number]): string =>
      [...new Set(s.faults.map((f) => f.fault.kind))].sort().join();
    const mixes = new Set(specs.map(kinds));
    expect(mixes.size).toBeGreaterThan(10);
    for (const s of specs) {
      expect(s.expect?.liveness?.after).toBe(DEFAULT_PROFILE.duration - DEFAULT_PROFILE.settle);
      expect(s.faults.every((f) => f.at <= (s.expect?.liveness?.after ?? 0))).toBe(true);
      expect(s.network?.loss).toBeLessThanOrEqual(0.05);
      expect(() => loadScenario(toScenarioYaml(s), 's.yaml', registry)).not.toThrow();
    }
  });

  it('damages no record without damage; with, a minority of servers, each disk corrupted once',
    () => {
    type Spec = { nodes: number; faults: readonly { fault: { kind: string; fault?: string;
      tear?: boolean; node?: string } }[] };
    const damaged = (s: Spec) => new Set(s.faults.filter((f) => (f.fault.kind === 'disk' &&
      f.fault.fault === 'corrupt') || (f.fault.kind === 'crash' && f.fault.tear === true))
      .map((f) => f.fault.node));
    const sample = (damage: boolean) => fc.sample(fc.noBias(specArbitrary(
      { ...DEFAULT_PROFILE, damage }, { protocol: 'toykv', params: {}, liveness: false })),
    { seed: 3, numRuns: 200 });
    const withDamage = sample(true);
    expect(withDamage.some((s) => damaged(s).size > 0)).toBe(true);
    expect(withDamage.some((s) => damaged(s).size > 1)).toBe(true);
    for (const s of withDamage) {
      expect(damaged(s).size, `${s.nodes} servers`).toBeLessThanOrEqual((s.nodes - 1) / 2);
      // One corruption a server: a second could hit the first one's twin copy.
      const corrupted = (s as Spec).faults.filter((f) => f.fault.kind === 'disk' &&
        f.fault.fault === 'corrupt').map((f) => f.fault.node);
      expect(new Set(corrupted).size).toBe(corrupted.length);
    }
    expect(sample(false).some((s) => damaged(s).size > 0)).toBe(false);
  });
});

describe('campaign parameters against its cluster sizes', () => {
  it('checks a fixed Raft members count against the campaign\'s own sizes, not three servers', async () => {
    const { protocols } = await import('../../protocols/index.js');
    const raft = protocols.raft;
    if (raft === undefined) throw new Error('raft');
    const fits = new Campaign({ protocol: raft, registry: protocols, seed: 1,
      params: { members: 4 }, nodes: [4, 7] });
    const { spec } = fits.generate(0);
    expect(spec.nodes).toBeGreaterThanOrEqual(4);
    expect((spec.params as { members?: number }).members).toBe(4);
    expect(() => new Campaign({ protocol: raft, registry: protocols, seed: 1,
      params: { members: 4 }, nodes: [3, 7] })).toThrow(/--nodes: .*with 3 servers/);
  });
});
