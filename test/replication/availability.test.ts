/**
 * replication: availability figures. The crash-and-repair generator gives each server an up
 * fraction near MTBF / (MTBF + MTTR) over a long horizon, and the availability scenario lists
 * exactly the schedule the generator makes (its figures are measured, never typed in).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crashRepairSchedule } from '../../protocols/replication/crashRepair.js';
import { loadScenario } from '../../runner/index.js';

describe('replication: availability', () => {
  it('generates up times whose fraction approaches MTBF / (MTBF + MTTR)', () => {
    const duration = 200_000 * 1_000_000;
    const faults = crashRepairSchedule({ servers: ['n1'], mtbf: 20_000_000, mttr: 2_000_000,
      duration, seed: 1 });
    let down = 0;
    for (let i = 0; i < faults.length; i += 2) {
      const crash = faults[i];
      const restart = faults[i + 1];
      expect(crash?.fault.kind).toBe('crash');
      down += (restart?.at ?? duration) - (crash?.at ?? 0);
    }
    expect(1 - down / duration).toBeCloseTo(20 / 22, 2);
  });

  it('the availability scenario lists the generated schedule', () => {
    const file = 'scenarios/replication/availability.yaml';
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    expect(spec.faults).toEqual(crashRepairSchedule({ servers: ['n1', 'n2', 'n3'],
      mtbf: 20_000_000, mttr: 2_000_000, duration: 300_000_000, seed: 7, from: 1_000_000 }));
  });
});
