/**
 * heartbeat: whole runs through the runner. A crash is detected within the bound by both
 * detectors; jitter with the correct timeout gives no false suspicion, and with
 * `timeout-below-delay` it does; figures are measured, and one seed gives one trace.
 */
import { describe, expect, it } from 'vitest';
import { runSpec, type RunSpec } from '../../runner/index.js';

const spec = (patch: Partial<RunSpec> = {}): RunSpec => ({
  name: 'hb', protocol: 'heartbeat', params: {}, nodes: 3, faults: [], duration: 5_000_000,
  seed: 1, network: { latency: { dist: 'uniform', min: 1_000, max: 40_000 } }, ...patch,
});

describe('heartbeat: runs', () => {
  for (const detector of ['fixed', 'phi'] as const) {
    it(`detects a crash (${detector}) and measures the detection time`, () => {
      const report = runSpec(spec({ params: { detector },
        faults: [{ at: 2_000_000, fault: { kind: 'crash', node: 'n1' } }] }));
      expect(report.failures).toEqual([]);
      expect(report.metrics.detections).toBe(2);
      expect(report.metrics['detection-time-ms']).toBeGreaterThan(50);
      expect(report.metrics['detection-time-ms']).toBeLessThan(600);
    });
  }

  it('fixed: no false suspicion under jitter below maxDelay', () => {
    const report = runSpec(spec({ params: { synchronous: true },
      expect: { hold: ['no-false-suspicion'] } }));
    expect(report.failures).toEqual([]);
    expect(report.metrics['false-suspicions']).toBe(0);
  });

  it('timeout-below-delay: a live node is suspected under the same jitter', () => {
    const report = runSpec(spec({ params: { synchronous: true, bugs: ['timeout-below-delay'] },
      expect: { violate: 'no-false-suspicion' } }));
    expect(report.failures).toEqual([]);
    expect(report.violation?.explanation).toMatch(/suspects n\d, though/);
  });

  it('counts false suspicions and mistake durations under a pause', () => {
    const report = runSpec(spec({ expect: { hold: ['completeness'] },
      faults: [{ at: 1_000_000, fault: { kind: 'pause', node: 'n2' } },
        { at: 2_000_000, fault: { kind: 'resume', node: 'n2' } }] }));
    expect(report.failures).toEqual([]);
    // n1 and n3 suspect the paused n2 for most of its second of silence; n2, on waking, runs
    // its overdue check before the beats that queued up reach it, so it suspects both of
    // them for an instant: four false suspicions, two long and two of zero length.
    expect(report.metrics['false-suspicions']).toBe(4);
    expect(report.metrics['mistake-duration-ms']).toBeGreaterThan(300);
    expect(report.metrics['mistake-duration-ms']).toBeLessThan(500);
  });

  it('gives one trace hash for one seed, and another for another seed', () => {
    const a = runSpec(spec({ params: { detector: 'phi' } })).result.hash;
    expect(runSpec(spec({ params: { detector: 'phi' } })).result.hash).toBe(a);
    expect(runSpec(spec({ params: { detector: 'phi' }, seed: 2 })).result.hash).not.toBe(a);
  });
});
