/**
 * raft: every scenario file in scenarios/raft/ loads and passes: the lab equivalents hold
 * their properties and metric bounds, the teaching scenarios show what they describe, and
 * each bug scenario violates the property its bug switch is caught by.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';

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
});
