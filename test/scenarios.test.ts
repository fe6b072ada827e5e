/**
 * Every scenario file under scenarios/ loads and runs, and passes: its invariants hold (or,
 * for a teaching scenario, the named one is violated), its liveness and metric expectations
 * are met. A file for a protocol that is not registered fails loudly, never skips. A sample
 * also runs twice to show that one seed gives one trace hash. Every run whose history was
 * checked has it written to a file in each export format and checked from there, as
 * `faultline check-history` does: the verdict must be the run's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../runner/index.js';
import { recheckedVerdicts } from './support/historyRoundTrip.js';
import { scenarioFiles } from './support/scenarioFiles.js';

const files = scenarioFiles();
const HASH_SAMPLE = 3;

describe('scenario files', () => {
  it('have unique names', () => {
    const names = files.map((file) => loadScenario(readFileSync(file, 'utf8'), file).spec.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(files.map((file, i) => ({ file, i })))('$file passes', ({ file, i }) => {
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const report = runSpec(spec, { trace: 'off' });
    expect(report.failures, `${file} (seed ${report.seed}, trace hash ${report.result.hash})`)
      .toEqual([]);
    expect(report.passed).toBe(true);
    if (i % Math.max(1, Math.floor(files.length / HASH_SAMPLE)) === 0) {
      expect(runSpec(spec, { trace: 'off' }).result.hash).toBe(report.result.hash);
    }
    const verdict = report.linearizability?.verdict;
    if (verdict !== undefined) {
      expect(recheckedVerdicts(report), `${file}: its history checked from a file`)
        .toEqual({ jsonl: verdict, edn: verdict, porcupine: verdict });
    }
  });
});
