/**
 * balancer: the health table. Active checks mark a backend down after `fall` missed rounds and
 * up after `rise` answered ones; outlier ejection needs `consecutiveErrors` failures in a row,
 * grows with each ejection up to `maxEjection`, and never holds out more than its share of the
 * pool. The bugs: `eject-on-first-error` ejects at once with no limit; `no-health-check` keeps
 * everything in rotation.
 */
import { describe, expect, it } from 'vitest';
import { HealthTable, type HealthSettings } from '../../protocols/balancer/health.js';

const SETTINGS: HealthSettings = { interval: 100, checkTimeout: 50, fall: 3, rise: 2,
  consecutiveErrors: 5, baseEjection: 1_000, maxEjection: 2_500, maxEjectionPercent: 20,
  disabled: false, firstError: false };
const POOL = ['n2', 'n3', 'n4', 'n5', 'n6'];

/** Runs one probe round in which `answering` answer. */
function round(table: HealthTable, answering: readonly string[]) {
  table.round++;
  const ups = answering.map((id) => table.onAnswer(id, table.round)).filter((c) => c !== undefined);
  return [...ups, ...table.endRound(POOL)];
}

describe('balancer: health checks', () => {
  it('marks a backend down after fall misses and up after rise answers', () => {
    const table = new HealthTable(SETTINGS);
    const others = POOL.filter((id) => id !== 'n3');
    expect(round(table, others)).toEqual([]);
    expect(round(table, others)).toEqual([]);
    expect(round(table, others)).toEqual([{ backend: 'n3', why: 'down' }]);
    expect(table.inRotation('n3')).toBe(false);
    expect(round(table, POOL)).toEqual([]);
    expect(round(table, POOL)).toEqual([{ backend: 'n3', why: 'up' }]);
    expect(table.inRotation('n3')).toBe(true);
  });

  it('ignores a late answer to an earlier round', () => {
    const table = new HealthTable(SETTINGS);
    table.round = 4;
    expect(table.onAnswer('n2', 3)).toBeUndefined();
    expect(table.view('n2').answered).toBe(0);
  });

  it('ejects after consecutive errors, longer each time, up to the longest ejection', () => {
    const table = new HealthTable(SETTINGS);
    const fail = (n: number, now: number) => Array.from({ length: n },
      () => table.onError('n2', now, POOL)).find((c) => c !== undefined);
    expect(fail(4, 0)).toBeUndefined();
    table.onSuccess('n2');
    expect(fail(4, 0)).toBeUndefined();
    expect(fail(1, 0)).toEqual({ backend: 'n2', why: 'ejected', length: 1_000 });
    table.readmit('n2', 1_000);
    expect(fail(5, 1_100)?.length).toBe(2_000);
    table.readmit('n2', 3_100);
    expect(fail(5, 3_200)?.length).toBe(2_500);
    // Back for more than twice its last ejection: it starts from one again.
    table.readmit('n2', 5_700);
    expect(fail(5, 20_000)?.length).toBe(1_000);
  });

  it('never ejects more than its share of the pool (at least one)', () => {
    const table = new HealthTable(SETTINGS);
    const eject = (id: string) => Array.from({ length: 5 }, () => table.onError(id, 0, POOL))
      .find((c) => c !== undefined);
    expect(eject('n2')).toBeDefined();
    expect(eject('n3')).toBeUndefined();
    expect(table.ejectedCount(POOL)).toBe(1);
  });

  it('eject-on-first-error: ejects at once, every backend, for a fixed time', () => {
    const table = new HealthTable({ ...SETTINGS, firstError: true });
    for (const id of POOL) expect(table.onError(id, 0, POOL)?.length).toBe(1_000);
    expect(table.ejectedCount(POOL)).toBe(5);
  });

  it('no-health-check: nothing leaves the rotation', () => {
    const table = new HealthTable({ ...SETTINGS, disabled: true });
    for (let i = 0; i < 5; i++) round(table, []);
    for (let i = 0; i < 10; i++) table.onError('n2', 0, POOL);
    expect(POOL.every((id) => table.inRotation(id))).toBe(true);
  });
});
