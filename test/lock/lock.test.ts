/**
 * lock: leases with fencing tokens. A client paused past its lease is refused by the storage
 * (and without fencing its late write lands after the next holder's); a forward clock step on
 * the service is harmless with a timer lease and grants the lock twice with a wall-clock one.
 * A fuzz over client pauses, service clock steps and drift, crashes, loss and duplication
 * finds no violation in the correct configuration; the plain campaign finds each bug switch
 * (test/support/bugHunt.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lock } from '../../protocols/lock/definition.js';
import { describeBugSwitches } from '../support/bugHunt.js';
import { runSpec, type RunSpec } from '../../runner/index.js';
import type { Fault, ScheduledFault } from '../../sim/index.js';

const spec = (patch: Partial<RunSpec> = {}): RunSpec => ({
  name: 'lock-test', protocol: 'lock', params: { work: 300_000 }, nodes: 2, faults: [],
  duration: 5_000_000, seed: 1,
  workload: { clients: 3, rate: 1, keys: 1, mix: {}, timeout: 1, attempts: 1 },
  network: { latency: { dist: 'uniform', min: 1_000, max: 10_000 } }, ...patch,
});

/** c1 holds the lock from 1.59 s to 1.89 s under seed 1; it pauses inside that window. */
const pauseHolder: ScheduledFault[] = [
  { at: 1_600_000, fault: { kind: 'pause', node: 'c1' } },
  { at: 2_600_000, fault: { kind: 'resume', node: 'c1' } },
];
const stepServiceClock: ScheduledFault[] = [1, 2, 3, 4]
  .map((k) => ({ at: k * 1_000_000, fault: { kind: 'clock', node: 'n1', jump: 2_000_000 } }));

describe('lock: leases and fencing', () => {
  it('refuses the write of a holder paused past its lease', () => {
    const report = runSpec(spec({ faults: pauseHolder }));
    expect(report.failures).toEqual([]);
    expect(report.metrics['fenced-writes']).toBe(1);
    expect(report.metrics['max-holders']).toBe(1);
  });

  it('lock-without-fencing: the paused holder writes after the next holder', () => {
    const report = runSpec(spec({ params: { work: 300_000, bugs: ['lock-without-fencing'] },
      faults: pauseHolder, expect: { violate: 'fenced-writes' } }));
    expect(report.failures).toEqual([]);
    expect(report.violation?.explanation).toMatch(/accepted c1's write with token \d+ after/);
  });

  it('a forward clock step on the service does not shorten a timer lease', () => {
    const report = runSpec(spec({ faults: stepServiceClock }));
    expect(report.failures).toEqual([]);
  });

  it('wall-clock-lease: the same step grants the lock while it is held', () => {
    const report = runSpec(spec({ params: { work: 300_000, bugs: ['wall-clock-lease'] },
      faults: stepServiceClock, expect: { violate: 'one-holder' } }));
    expect(report.failures).toEqual([]);
  });

  it('gives one trace hash for one seed', () => {
    expect(runSpec(spec({ faults: pauseHolder })).result.hash)
      .toBe(runSpec(spec({ faults: pauseHolder })).result.hash);
  });
});

const DURATION = 5_000_000;
const client = fc.constantFrom('c1', 'c2', 'c3');
/** Faults the lease model allows: client pauses, service clock steps and small drift, crashes. */
const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.constantFrom('n1', 'n2').map((node) => ({ kind: 'crash' as const, node })),
  fc.constantFrom('n1', 'n2').map((node) => ({ kind: 'restart' as const, node })),
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map((jump) => ({ kind: 'clock' as const,
    node: 'n1', jump })),
  // Drift within the clients' 1% margin; a step on a client clock is outside the lease model.
  fc.tuple(client, fc.integer({ min: -4_000, max: 4_000 })).map(([node, driftPpm]) => ({
    kind: 'clock' as const, node, driftPpm })),
);
/** A GC pause of a client: pause, then resume 0.2 to 1.5 s later. */
const pauseArb = fc.record({ at: fc.integer({ min: 0, max: DURATION }), node: client,
  length: fc.integer({ min: 200_000, max: 1_500_000 }) }).map(({ at, node, length }) => [
  { at, fault: { kind: 'pause' as const, node } },
  { at: at + length, fault: { kind: 'resume' as const, node } }]);
const scheduleArb = fc.array(fc.oneof(pauseArb, fc.record({
  at: fc.integer({ min: 0, max: DURATION }), fault: faultArb }).map((f) => [f])), { maxLength: 10 })
  .map((groups) => groups.flat().sort((a, b) => a.at - b.at));
const runArb = fc.record({ seed: fc.integer({ min: 1, max: 1_000_000 }), faults: scheduleArb,
  loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }) });

function fuzzSpec(r: { seed: number; faults: ScheduledFault[]; loss: number; duplicate: number },
  bugs: string[] = []): RunSpec {
  return spec({ seed: r.seed, faults: r.faults, duration: DURATION,
    params: { work: 300_000, bugs },
    network: { latency: { dist: 'uniform', min: 1_000, max: 30_000 }, loss: r.loss,
      duplicate: r.duplicate } });
}

describe('lock: fuzz', () => {
  it('keeps one holder and fenced writes in the correct configuration', () => {
    fc.assert(fc.property(runArb, (r) => {
      const report = runSpec(fuzzSpec(r));
      if (report.failures.length > 0) {
        throw new Error(`seed ${r.seed}: ${report.failures.join('; ')}`);
      }
    }), { numRuns: 100, seed: 3 });
  }, 60_000);
});

describeBugSwitches(lock);
