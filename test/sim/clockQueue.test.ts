/**
 * Clocks (monotone except at backward jumps; the monotonic reading never steps; drift shortens
 * or lengthens timers) and the event
 * queue (ordered by time, then insertion; heap invariants hold), against naive references.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock, EventQueue } from '../../sim/index.js';

type ClockOp =
  | { kind: 'advance'; by: number }
  | { kind: 'drift'; ppm: number }
  | { kind: 'jump'; by: number };

const clockOpArb: fc.Arbitrary<ClockOp> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 1e7 }) }),
  fc.record({ kind: fc.constant('drift' as const), ppm: fc.integer({ min: -500_000, max: 500_000 }) }),
  fc.record({ kind: fc.constant('jump' as const), by: fc.integer({ min: -1e6, max: 1e6 }) }),
);

describe('clock', () => {
  it('never runs backwards except at a backward jump', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.array(clockOpArb), (offset, ops) => {
      const clock = new Clock({ offset });
      let now = 0;
      let last = clock.local(now);
      for (const op of ops) {
        if (op.kind === 'advance') now += op.by;
        if (op.kind === 'drift') clock.setDrift(now, op.ppm);
        if (op.kind === 'jump') clock.jump(now, op.by);
        const local = clock.local(now);
        if (!(op.kind === 'jump' && op.by < 0)) expect(local).toBeGreaterThanOrEqual(last);
        last = local;
      }
    }));
  });

  it('keeps a monotonic reading that drifts with the clock and ignores every step', () => {
    const offsetArb = fc.integer({ min: -1e6, max: 1e6 });
    fc.assert(fc.property(offsetArb, fc.array(fc.oneof(clockOpArb, offsetArb.map((to) =>
      ({ kind: 'offset' as const, to })))), (offset, ops) => {
      const clock = new Clock({ offset });
      let now = 0;
      // The reference: monotonic time advances by the local time that passes, never by steps.
      let expected = clock.monotonic(0);
      let rate = 1;
      for (const op of ops) {
        if (op.kind === 'advance') {
          const before = clock.monotonic(now);
          now += op.by;
          expected = before + op.by * rate;
          expect(Math.abs(clock.monotonic(now) - expected)).toBeLessThanOrEqual(1);
          expected = clock.monotonic(now);
        }
        if (op.kind === 'drift') {
          clock.setDrift(now, op.ppm);
          rate = 1 + op.ppm / 1e6;
        }
        if (op.kind === 'jump') clock.jump(now, op.by);
        if (op.kind === 'offset') clock.setOffset(now, op.to);
        expect(clock.monotonic(now)).toBe(expected);
      }
    }));
  });

  it('fires a fast clock early and a slow one late in true time', () => {
    expect(new Clock({ driftPpm: 100_000 }).trueDelay(1_100_000)).toBe(1_000_000);
    expect(new Clock({ driftPpm: -100_000 }).trueDelay(900_000)).toBe(1_000_000);
    expect(new Clock().trueDelay(5)).toBe(5);
  });

  it('rejects an impossible drift with the field named', () => {
    expect(() => new Clock({ driftPpm: 2_000_000 })).toThrow(/clock.driftPpm/);
  });
});

describe('event queue', () => {
  it('pops in (time, insertion) order, like a stable sort', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
      const queue = new EventQueue<number>(2);
      times.forEach((t, i) => queue.push(t, i));
      queue.checkHeap();
      const expected = times.map((t, i) => [t, i] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
      const got: number[] = [];
      for (let v = queue.pop(); v !== undefined; v = queue.pop()) got.push(v);
      expect(got).toEqual(expected);
    }));
  });

  it('keeps its invariants through interleaved pushes and pops', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 1000 }))), (ops) => {
      const queue = new EventQueue<number>(1);
      const reference: number[] = [];
      for (const op of ops) {
        if (op === null) {
          reference.sort((a, b) => a - b);
          expect(queue.pop()).toBe(reference.shift());
        } else {
          queue.push(op, op);
          reference.push(op);
        }
        queue.checkHeap();
        expect(queue.size).toBe(reference.length);
      }
    }));
  });
});
