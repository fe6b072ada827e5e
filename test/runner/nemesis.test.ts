/**
 * Nemeses and shrinking (runner/fuzz): a run whose nemesis struck replays event for event from
 * the plain schedule of what it struck, so a counterexample needs no nemesis; the shrinker
 * ends with a 1-minimal schedule; every run aims at one fault × phase cell in turn, and the
 * coverage it records names the phase each fault struck in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protocols } from '../../protocols/index.js';
import { runSpec, type RunSpec } from '../../runner/index.js';
import { Campaign, coverageCells, shrinkRun, withStrikes } from '../../runner/fuzz/index.js';
import { aimRule, candidateRules, drawPlan } from '../../runner/fuzz/rules.js';
import type { NemesisRule } from '../../sim/check/nemesis.js';
import { Engine, type ScheduledFault } from '../../sim/index.js';
import { PingEcho } from '../support/pingEcho.js';

const options = { trace: 'off' as const, checkMaxSteps: 200_000 };

describe('nemesis: replay without it', () => {
  for (const name of ['raft', 'paxos', 'twopc', 'lock', 'replication']) {
    it(`${name}: the struck faults, as a schedule, give the same trace hash`, () => {
      const protocol = protocols[name];
      if (protocol === undefined) throw new Error(name);
      const campaign = new Campaign({ protocol, registry: protocols, seed: 11 });
      let struck = 0;
      for (let index = 0; index < 12; index++) {
        const { spec, plan } = campaign.generate(index);
        const report = runSpec(spec,
          { ...options, ...(plan === undefined ? {} : { nemesis: plan }) });
        struck += report.struck.length;
        const plain = runSpec(withStrikes(spec, report.struck), options);
        expect(plain.result.hash, `run ${index}`).toBe(report.result.hash);
        expect(plain.struck).toEqual([]);
      }
      expect(struck).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('Engine.strike', () => {
  it('refuses a time that is not after now', () => {
    const engine = new Engine({ seed: 1, servers: ['n1', 'n2'],
      program: (id) => new PingEcho(id) });
    engine.run(1_000);
    expect(() => engine.strike(1_000, { kind: 'crash', node: 'n1' })).toThrow(/after now/);
    engine.strike(1_001, { kind: 'crash', node: 'n1' });
    expect(engine.struck).toEqual([{ at: 1_001, fault: { kind: 'crash', node: 'n1' } }]);
  });
});

describe('shrinkRun', () => {
  const base: RunSpec = { name: 's', protocol: 'raft', params: {}, nodes: 3, faults: [],
    duration: 1_000_000, seed: 1 };
  const faultsArb = fc.uniqueArray(fc.integer({ min: 1, max: 999_999 }), { minLength: 1,
    maxLength: 25 }).map((times): ScheduledFault[] =>
    times.map((at) => ({ at, fault: { kind: 'crash', node: 'n1' } })));

  it('ends 1-minimal: the failure needs every fault left, and only those', () => {
    fc.assert(fc.property(faultsArb, fc.integer({ min: 1, max: 4 }), (faults, need) => {
      // The "bug" needs the `need` latest faults of the original schedule.
      const needed = new Set([...faults].sort((a, b) => b.at - a.at).slice(0, need)
        .map((f) => f.at));
      const attempt = (spec: RunSpec) => ([...needed].every((at) =>
        spec.faults.some((f) => f.at === at)) ? 'failed' : undefined);
      const shrunk = shrinkRun({ ...base, faults }, attempt, 1_000);
      expect(shrunk.minimal).toBe(true);
      expect(new Set(shrunk.spec.faults.map((f) => f.at))).toEqual(needed);
    }));
  });

  it('keeps the clients its faults name when it drops clients', () => {
    const spec: RunSpec = { ...base, workload: { clients: 3, rate: 10, keys: 2, mix: {},
      timeout: 100_000, attempts: 1 },
    faults: [{ at: 5, fault: { kind: 'pause', node: 'c3' } }] };
    const shrunk = shrinkRun(spec, (s) => (s.faults.length > 0 ? 'f' : undefined), 50);
    expect(shrunk.spec.workload?.clients).toBe(3);
    const other = shrinkRun({ ...spec, faults: [{ at: 5, fault: { kind: 'crash', node: 'n1' } }] },
      (s) => (s.faults.length > 0 ? 'f' : undefined), 50);
    expect(other.spec.workload?.clients).toBe(1);
  });

  it('says so when the budget ran out before a schedule was shown 1-minimal', () => {
    const faults = Array.from({ length: 30 }, (_, i): ScheduledFault =>
      ({ at: i + 1, fault: { kind: 'crash', node: 'n1' } }));
    const shrunk = shrinkRun({ ...base, faults }, (spec) => spec.faults.length >= 10 ? 'f'
      : undefined, 3);
    expect(shrunk.minimal).toBe(false);
    expect(shrunk.runs).toBe(3);
  });
});

describe('aims and coverage', () => {
  it('aims run r at cell r mod cells, each cell once per round', () => {
    const traits = protocols.raft?.fuzz;
    if (traits === undefined) throw new Error('raft has fuzz traits');
    const context = { phases: traits.phases, roles: traits.roles ?? [], own: [],
      synchronous: false };
    const cells = coverageCells(traits.phases);
    const aims = cells.map((_, i) => aimRule(5, i, context)?.name);
    expect(new Set(aims).size).toBe(cells.length);
    expect(aimRule(5, cells.length + 3, context)?.name).toBe(aims[3]);
  });

  it('records the phase each fault struck in, and raft campaigns strike in every phase', () => {
    const protocol = protocols.raft;
    if (protocol === undefined) throw new Error('raft');
    const campaign = new Campaign({ protocol, registry: protocols, seed: 3 });
    const phases = new Set<string>();
    for (let index = 0; index < 40; index++) {
      for (const phase of Object.keys(campaign.run(index).coverage)) phases.add(phase);
    }
    expect([...phases].sort()).toEqual(['commit', 'election', 'idle', 'read', 'replication',
      'snapshot']);
  }, 120_000);

  it('leaves out rules whose roles the protocol lacks, and when synchronous all but crashes ' +
    'and delays', () => {
    const sync = candidateRules({ phases: ['suspicion'], roles: [], own: [], synchronous: true });
    expect(sync.length).toBeGreaterThan(0);
    for (const { rule } of sync) {
      for (const step of rule.steps) {
        expect(['crash', 'slow']).toContain(step.action);
        expect(typeof step.target === 'object' || step.target === 'follower').toBe(false);
      }
    }
  });
});

describe('term confusion: a leader back in a later term', () => {
  const raft = protocols.raft;
  if (raft === undefined) throw new Error('raft');
  const campaign = new Campaign({ protocol: raft, registry: protocols, seed: 5 });
  const returning: NemesisRule = { name: 'returning', chance: 1, limit: 50,
    trigger: { on: 'change', role: 'leader', returning: true },
    steps: [{ target: { role: 'leader' }, action: 'straggle', after: [0, 0], length: [1, 1] }] };

  it('fires only when a server that led before leads again, and straggles its links both ways', () => {
    let strikes = 0;
    for (let index = 0; index < 6; index++) {
      const { spec } = campaign.generate(index);
      const leaders: { at: number; node: string }[] = [];
      const report = runSpec(spec, { trace: 'stream', checkMaxSteps: 200_000,
        nemesis: { seed: index, rules: [returning] },
        traceSink: (line) => {
          const r = JSON.parse(line) as { t: number; kind: string; tag?: string; node: string;
            data?: { role?: string } };
          if (r.kind === 'note' && r.tag === 'role' && r.data?.role === 'leader') {
            leaders.push({ at: r.t, node: r.node });
          }
        } });
      // The strikes (half their messages duplicated), not the repairs that restore the links.
      const links = report.struck.filter((s) => s.fault.kind === 'link' &&
        s.fault.set.duplicate === 0.5);
      for (const { at, fault } of links) {
        if (fault.kind !== 'link' || fault.from === undefined || fault.to === undefined) continue;
        // The node that leads as the strike lands led once before, at an earlier time.
        const now = leaders.filter((l) => l.at < at).at(-1);
        expect(now, `run ${index} at ${at}`).toBeDefined();
        expect(leaders.filter((l) => l.node === now?.node && l.at < (now?.at ?? 0)).length,
          `run ${index}: ${now?.node} led before`).toBeGreaterThan(0);
        expect([fault.from, fault.to]).toContain(now?.node);
        strikes++;
      }
      // Both ways to every other server, each later restored.
      expect(links.length % (2 * (spec.nodes - 1))).toBe(0);
    }
    expect(strikes).toBeGreaterThan(0);
  }, 120_000);

  it('draws the rule that cuts off a returning leader whenever it draws leader-returns', () => {
    const candidates = candidateRules({ phases: [], roles: ['leader'], own: [],
      synchronous: false });
    let drawn = 0;
    for (let seed = 0; seed < 400; seed++) {
      const names = drawPlan(seed, candidates, undefined).rules.map((r) => r.name);
      if (!names.includes('leader-returns')) continue;
      drawn++;
      expect(names).toContain('cut-off-returning-leader');
    }
    expect(drawn).toBeGreaterThan(5);
  });
});
