/**
 * raft: every scenario file in scenarios/raft/ loads and passes: the lab equivalents hold
 * their properties and metric bounds, the teaching scenarios show what they describe, and
 * each bug scenario violates the property its bug switch is caught by. The scenarios whose
 * crash tears a write tear a hard-state copy, so recovery from its twin is exercised.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, loadScenario, prepareRun, runSpec } from '../../runner/index.js';

const DIR = join(process.cwd(), 'scenarios', 'raft');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('raft: scenarios', () => {
  it('has the lab, teaching and bug scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    it(file, () => {
      const path = join(DIR, file);
      const { spec } = loadScenario(readFileSync(path, 'utf8'), path);
      const report = runSpec(spec, { checkBudgetMs: 20_000, now: () => performance.now() });
      expect(report.failures).toEqual([]);
    }, 60_000);
  }

  it.each(['persist1.yaml', 'reliable-churn.yaml', 'unreliable-churn.yaml'])(
    '%s tears a hard-state write, and the server recovers term and vote from the twin copy',
    (file) => {
      const path = join(DIR, file);
      const { spec } = loadScenario(readFileSync(path, 'utf8'), path);
      const run = prepareRun(spec);
      run.engine.run(spec.duration);
      expect(judge(run).failures).toEqual([]);
      const records = [...run.engine.trace.records()];
      const torn = records.filter((r) => r.kind === 'crash' &&
        (r.data as { torn?: boolean }).torn === true).map((r) => r.node);
      expect(torn).toHaveLength(1);
      const repaired = records.find((r) => r.kind === 'note' && r.tag === 'copy-repaired' &&
        r.node === torn[0]);
      expect(repaired?.data).toEqual({ damaged: ['hardState.a'] });
    });
});
