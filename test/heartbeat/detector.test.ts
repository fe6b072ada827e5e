/**
 * heartbeat: the detectors alone. The fixed detector suspects exactly after its timeout; phi
 * grows with silence, matches the normal tail computed naively where that does not underflow,
 * and adapts to the inter-arrival times it has seen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector, PhiAccrualDetector } from '../../protocols/heartbeat/detector.js';
import { logErfc, phi } from '../../protocols/heartbeat/normalTail.js';

const fixed = { period: 50_000, missedBeats: 3, maxDelay: 100_000, timeoutBelowDelay: false };
const phiSettings = { period: 50_000, threshold: 8, window: 100, minStdDev: 5_000,
  timeoutBelowDelay: false };

/** erfc by the naive series-free route, fine where it does not underflow. */
function naiveTail(z: number): number {
  // Simpson integration of the normal density from z to z + 12.
  const n = 20_000;
  const h = 12 / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const x = z + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(-x * x / 2);
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI);
}

describe('heartbeat: detector: fixed timeout', () => {
  it('suspects only once missedBeats periods plus maxDelay passed without a beat', () => {
    const d = new FixedTimeoutDetector(fixed, 0);
    expect(d.timeout).toBe(250_000);
    expect(d.suspects(250_000)).toBe(false);
    expect(d.suspects(250_001)).toBe(true);
    d.heartbeat(300_000);
    expect(d.suspects(400_000)).toBe(false);
  });

  it('with timeout-below-delay suspects after a single period', () => {
    const d = new FixedTimeoutDetector({ ...fixed, timeoutBelowDelay: true }, 0);
    expect(d.timeout).toBe(50_000);
    expect(d.suspects(50_001)).toBe(true);
  });
});

describe('heartbeat: detector: phi accrual', () => {
  it('computes the normal tail like a naive integration', () => {
    fc.assert(fc.property(fc.double({ min: -4, max: 6, noNaN: true }), (z) => {
      const expected = naiveTail(z);
      const got = Math.exp(logErfc(z / Math.SQRT2)) / 2;
      expect(Math.abs(got - expected) / expected).toBeLessThan(1e-5);
    }));
  });

  it('never underflows: phi keeps growing far out in the tail', () => {
    expect(phi(100, 10, 1)).toBeGreaterThan(phi(50, 10, 1));
    expect(Number.isFinite(phi(1e6, 10, 1))).toBe(true);
  });

  it('rises with silence and crosses the threshold', () => {
    const d = new PhiAccrualDetector(phiSettings, 0);
    for (let t = 50_000; t <= 5_000_000; t += 50_000) d.heartbeat(t);
    const last = 5_000_000;
    expect(d.level(last + 50_000)).toBeLessThan(1);
    expect(d.suspects(last + 60_000)).toBe(false);
    expect(d.level(last + 90_000)).toBeGreaterThan(d.level(last + 70_000));
    expect(d.suspects(last + 200_000)).toBe(true);
  });

  it('is more patient when arrivals have been irregular', () => {
    const steady = new PhiAccrualDetector(phiSettings, 0);
    const jittery = new PhiAccrualDetector(phiSettings, 0);
    let t = 0;
    for (let i = 0; i < 100; i++) {
      steady.heartbeat((i + 1) * 50_000);
      t += i % 2 === 0 ? 20_000 : 80_000;
      jittery.heartbeat(t);
    }
    expect(jittery.level(t + 120_000)).toBeLessThan(steady.level(5_000_000 + 120_000));
  });

  it('ignores a backward clock jump instead of learning a negative interval', () => {
    const d = new PhiAccrualDetector(phiSettings, 1_000_000);
    d.heartbeat(900_000);
    expect(d.mean).toBeGreaterThanOrEqual(0);
  });
});
