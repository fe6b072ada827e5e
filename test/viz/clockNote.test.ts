/**
 * The visualizer's lane note for a node whose clock is off true time (viz/src/model/
 * clockNote.ts): as configured when no fault touches the clock, and, with clock faults, the
 * offset at the end that the engine's own node saw.
 */
import { describe, expect, it } from 'vitest';
import { Engine, type ScheduledFault } from '../../sim/index.js';
import { clockNote } from '../../viz/src/model/clockNote.js';
import { PingEcho } from '../support/pingEcho.js';

describe('viz: clock notes', () => {
  it('says nothing of a clock that keeps true time, and describes a configured one', () => {
    expect(clockNote(undefined, [], 'n1', 2_000_000)).toBeUndefined();
    expect(clockNote({ offset: 20_000, driftPpm: 200 }, [], 'n1', 2_000_000))
      .toBe('local clock +20ms at 0, +200 ppm (+400µs by the end)');
  });

  it('replays clock faults to the offset the node itself saw at the end', () => {
    const faults: ScheduledFault[] = [
      { at: 300_000, fault: { kind: 'clock', node: 'n2', jump: -50_000 } },
      { at: 100_000, fault: { kind: 'clock', node: 'n2', driftPpm: 100_000 } },
      { at: 200_000, fault: { kind: 'clock', node: 'n1', jump: 5_000 } },
    ];
    const engine = new Engine({ seed: 1, servers: ['n1', 'n2'], program: (id) => new PingEcho(id),
      clocks: { n2: { offset: 1_000 } }, faults });
    engine.run(500_000);
    const off = engine.localTime('n2') - engine.now;
    const note = clockNote({ offset: 1_000 }, faults, 'n2', 500_000) as string;
    expect(note).toMatch(/^local clock \+1ms at 0; 2 clock faults, /);
    expect(off).toBe(1_000 + 40_000 - 50_000);
    expect(note).toContain(`${off >= 0 ? '+' : ''}${off / 1_000}ms from true time at the end`);
  });
});
