/**
 * `failures:` drawn from MTBF and MTTR (runner/failures.ts): what the file may say and the
 * places of its mistakes, the schedule drawn from the seed (the same for one seed, per unit
 * stable when others change), up and down times whose means are MTBF and MTTR (exponential
 * and Weibull), racks that fail together, isolations as partitions, and the formulas against
 * brute force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScheduledFault } from '../../sim/index.js';
import { atLeast, type FailureProcess, formulaAvailability, withFailures } from
  '../../runner/failures.js';
import { loadScenario, runSpec, type RunSpec, ScenarioError, toScenarioYaml } from
  '../../runner/index.js';

const BASE = `name: drawn
protocol: raft
nodes: 3
workload: { clients: 1, rate: 20/s, keys: 2, mix: { get: 0.5, put: 0.5 } }
duration: 20s
seed: 7
`;

const load = (failures: string) => loadScenario(`${BASE}failures: ${failures}\n`, 'f.yaml').spec;

function problems(failures: string): string[] {
  try {
    load(failures);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map((p) => `${p.line}:${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

const spec = (failures: FailureProcess[], over: Partial<RunSpec> = {}): RunSpec => ({
  name: 'x', protocol: 'raft', params: {}, nodes: 3, faults: [], duration: 1e9, seed: 1,
  failures, ...over });
const crash = (mtbf: number, mttr: number, extra: Partial<FailureProcess> = {}): FailureProcess =>
  ({ kind: 'crash', mtbf, mttr, distribution: 'exponential', ...extra });

/** Down time per server over a schedule of crashes/pauses and repairs. */
function downFraction(faults: readonly ScheduledFault[], servers: number, end: number): number {
  const since = new Map<string, number>();
  let down = 0;
  for (const { at, fault } of faults) {
    if (fault.kind === 'crash' || fault.kind === 'pause') since.set(fault.node, at);
    if (fault.kind === 'restart' || fault.kind === 'resume') {
      down += at - (since.get(fault.node) ?? at);
      since.delete(fault.node);
    }
  }
  for (const t of since.values()) down += end - t;
  return down / (servers * end);
}

describe('failures: in a scenario file', () => {
  it('reads one process as a mapping, or a list of them', () => {
    expect(load('{ mtbf: 30s, mttr: 3s }').failures).toEqual([crash(30e6, 3e6)]);
    expect(load('[{ mtbf: 30s, mttr: 3s }, { kind: pause, mtbf: 1m, mttr: 500ms, ' +
      'distribution: weibull, shape: 2 }]').failures?.map((f) => f.kind)).toEqual(['crash', 'pause']);
  });

  it('places every mistake, in the mapping or the list form', () => {
    expect(problems('{ mtbf: 30s }')).toEqual(['7:failures.mttr: required: a duration such as ' +
      '"150ms", "1.5s" or "500us" (or an integer of µs)']);
    expect(problems('{ mtbf: 30s, mttr: 3s, distribution: weibull }'))
      .toEqual(['7:failures.shape: required with weibull: its shape k']);
    expect(problems('[{ mtbf: 30s, mttr: 0s }]')).toEqual(['7:failures[0].mttr: a duration above 0']);
    expect(problems('{ mtbf: 30s, mttr: 3s, racks: [[n1, n9]] }'))
      .toEqual(['7:failures.racks[0][1]: n9 is not a server (n1..n3)']);
    expect(problems('{ mtbf: 30s, mttr: 3s, kind: explode }')[0])
      .toMatch(/failures.kind: one of crash, pause, isolate/);
  });

  it('writes back to a file that loads to the same spec', () => {
    const s = load('{ mtbf: 30s, mttr: 3s, racks: [[n1, n2], [n3]], after: 1s }');
    expect(loadScenario(toScenarioYaml(s), 'back.yaml').spec).toEqual(s);
  });
});

describe('failures: drawn from the seed', () => {
  it('draws one schedule per seed, alternating failure and repair per server', () => {
    const a = withFailures(spec([crash(30e6, 3e6)], { duration: 300e6 }));
    expect(withFailures(spec([crash(30e6, 3e6)], { duration: 300e6 })).faults).toEqual(a.faults);
    expect(withFailures(spec([crash(30e6, 3e6)], { duration: 300e6, seed: 2 })).faults)
      .not.toEqual(a.faults);
    expect(a.failures).toBeUndefined();
    for (const node of ['n1', 'n2', 'n3']) {
      const kinds = a.faults.filter((f) => 'node' in f.fault && f.fault.node === node)
        .map((f) => f.fault.kind);
      expect(kinds.length).toBeGreaterThan(4);
      kinds.forEach((k, i) => expect(k).toBe(i % 2 === 0 ? 'crash' : 'restart'));
    }
  });

  it('keeps one server\'s draws when another stops failing', () => {
    const n1 = (fs: readonly ScheduledFault[]) => fs.filter((f) => 'node' in f.fault &&
      f.fault.node === 'n1');
    const all = withFailures(spec([crash(10e6, 1e6)], { duration: 100e6 })).faults;
    const some = withFailures(spec([crash(10e6, 1e6, { nodes: ['n1', 'n2'] })],
      { duration: 100e6 })).faults;
    expect(n1(some)).toEqual(n1(all));
    expect(some.some((f) => 'node' in f.fault && f.fault.node === 'n3')).toBe(false);
  });

  it('is down MTTR / (MTBF + MTTR) of a long run, exponential or Weibull (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0.7, 1, 2, 4),
      (seed, shape) => {
        // About 2300 cycles: the fraction's spread is near 0.003 (0.005 for shape 0.7).
        const duration = 50_000e6;
        const drawn = withFailures(spec([crash(20e6, 2e6, shape === 1 ? {}
          : { distribution: 'weibull', shape })], { duration, seed, nodes: 1 }));
        expect(Math.abs(downFraction(drawn.faults, 1, duration) - 2 / 22)).toBeLessThan(0.02);
      }), { numRuns: 12 });
  });

  it('fails a rack as one: its servers crash and restart together', () => {
    const drawn = withFailures(spec([crash(10e6, 1e6, { racks: [['n1', 'n2'], ['n3']] })],
      { duration: 100e6 }));
    const at = (node: string) => drawn.faults.filter((f) => 'node' in f.fault &&
      f.fault.node === node).map((f) => `${f.at} ${f.fault.kind}`);
    expect(at('n1')).toEqual(at('n2'));
    expect(at('n1')).not.toEqual(at('n3'));
  });

  it('isolates a server as a partition, and heals when nothing is isolated', () => {
    const drawn = withFailures(spec([{ ...crash(5e6, 1e6), kind: 'isolate' }],
      { duration: 60e6 }));
    const kinds = new Set(drawn.faults.map((f) => f.fault.kind));
    expect([...kinds].sort()).toEqual(['heal', 'partition']);
    for (const { fault } of drawn.faults) {
      if (fault.kind !== 'partition') continue;
      // Every server in exactly one group.
      expect(fault.groups.flat().sort()).toEqual(['n1', 'n2', 'n3']);
    }
  });

  it('stops failing at the liveness heal, and keeps the heal where the file put it', () => {
    const drawn = withFailures(spec([crash(2e6, 1e6)], { duration: 60e6,
      faults: [{ at: 5e6, fault: { kind: 'heal' } }],
      expect: { liveness: { settle: 5e6 } } }));
    expect(Math.max(...drawn.faults.map((f) => f.at))).toBeLessThan(5e6 + 1);
    expect(drawn.expect?.liveness?.after).toBe(5e6);
  });

  it('draws what a run strikes: every drawn fault shows in the run', () => {
    const s = load('{ mtbf: 4s, mttr: 1s }');
    const report = runSpec(s, { trace: 'off' });
    const drawn = withFailures(s).faults;
    expect(report.result.faults.crash).toBe(drawn.filter((f) => f.fault.kind === 'crash').length);
    expect(report.result.faults.crash).toBeGreaterThan(3);
  });
});

describe('failures: the formulas', () => {
  it('puts one server up MTBF / (MTBF + MTTR), and a majority by the binomial sum', () => {
    const f = formulaAvailability([crash(30e6, 3e6)], 3);
    const a = 30 / 33;
    expect(f.node).toBeCloseTo(a, 12);
    expect(f.quorum).toBe(2);
    expect(f.cluster).toBeCloseTo(3 * a * a * (1 - a) + a ** 3, 12);
    expect(formulaAvailability([crash(30e6, 3e6)], 5).quorum).toBe(3);
  });

  it('counts racks as units, and multiplies processes that stop a server', () => {
    const r = formulaAvailability([crash(10e6, 1e6, { racks: [['n1', 'n2'], ['n3']] })], 3);
    const a = 10 / 11;
    // A majority (2 of 3) runs exactly when rack 1 does.
    expect(r.cluster).toBeCloseTo(a, 12);
    const both = formulaAvailability([crash(10e6, 1e6), { ...crash(20e6, 1e6), kind: 'pause' }], 3);
    expect(both.node).toBeCloseTo(a * (20 / 21), 12);
    const mixed = formulaAvailability([crash(10e6, 1e6), crash(10e6, 1e6, { racks: [['n1']] })], 3);
    expect(mixed.cluster).toBeUndefined();
  });

  it('sums at-least-q over units as brute force does (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ size: fc.integer({ min: 1, max: 3 }),
      p: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 18 }), (units, quorum) => {
      let brute = 0;
      for (let mask = 0; mask < 2 ** units.length; mask++) {
        let p = 1;
        let up = 0;
        units.forEach((u, i) => {
          const on = (mask >> i) & 1;
          p *= on === 1 ? u.p : 1 - u.p;
          up += on === 1 ? u.size : 0;
        });
        if (up >= quorum) brute += p;
      }
      expect(atLeast(units, quorum)).toBeCloseTo(brute, 10);
    }));
  });
});
