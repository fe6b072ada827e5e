/**
 * raft: a follower in repair (a damaged log record cut its log, persistence.ts) is repaired
 * by the leader without an event storm. The scenario is fuzz seed 2, run 49: before the fix
 * the leader, holding a match index above the follower's cut log, resent the same
 * AppendEntries on every rejection at network speed, and duplicated rejections multiplied the
 * chains past 7 million events in 10 simulated seconds (§5.3: a rejected AppendEntries is
 * retried with a lower nextIndex, or on the next heartbeat, never in a tight loop).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, prepareRun, runSpec } from '../../runner/index.js';

const PATH = join(process.cwd(), 'scenarios', 'raft', 'repair-after-corrupt.yaml');

describe('raft: repair after a damaged log record', () => {
  it('repairs n3 within 500k events and stays live', () => {
    const { spec } = loadScenario(readFileSync(PATH, 'utf8'), PATH);
    const report = runSpec(spec, { maxEvents: 500_000, checkBudgetMs: 20_000 });
    expect(report.result.outcome).toBe('ok');
    expect(report.result.events).toBeLessThan(500_000);
    expect(report.failures).toEqual([]);
  }, 60_000);

  it('ends repair on n3 once the leader has matched its old log length', () => {
    const { spec } = loadScenario(readFileSync(PATH, 'utf8'), PATH);
    const { engine } = prepareRun(spec, { maxEvents: 500_000 });
    engine.run(spec.duration);
    const notes = [...engine.trace.records()].filter((r) => r.kind === 'note' && r.node === 'n3');
    const entered = notes.findIndex((r) => r.tag === 'repair' && r.t >= 7_000_000);
    expect(entered).toBeGreaterThanOrEqual(0);
    expect(notes.slice(entered).some((r) => r.tag === 'repaired')).toBe(true);
  }, 60_000);
});
