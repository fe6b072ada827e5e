/**
 * Every scenario file under scenarios/ loads and runs, and passes: its invariants hold (or,
 * for a teaching scenario, the named one is violated), its liveness and metric expectations
 * are met. A file for a protocol that is not registered fails loudly, never skips. A sample
 * also runs twice to show that one seed gives one trace hash. Every run whose history was
 * checked has it written to a file in each export format and checked from there, as
 * `faultline check-history` does: the verdict must be the run's. Every trace hash is pinned
 * (__snapshots__/scenarios.test.ts.snap): a refactor that should not change behaviour must
 * leave them all as they are; a change that alters them on purpose updates them with
 * `npx vitest run test/scenarios.test.ts -u`, and its commit says why.
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

  // Named in full (it.each would shorten long paths, and two pinned hashes would share a name).
  files.forEach((file, i) => it(`${file} passes`, () => {
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const report = runSpec(spec, { trace: 'off' });
    expect(report.failures, `${file} (seed ${report.seed}, trace hash ${report.result.hash})`)
      .toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.result.hash, `${file}: its trace hash`).toMatchSnapshot();
    if (i % Math.max(1, Math.floor(files.length / HASH_SAMPLE)) === 0) {
      expect(runSpec(spec, { trace: 'off' }).result.hash).toBe(report.result.hash);
    }
    const verdict = report.linearizability?.verdict;
    if (verdict !== undefined) {
      expect(recheckedVerdicts(report), `${file}: its history checked from a file`)
        .toEqual({ jsonl: verdict, edn: verdict, porcupine: verdict });
    }
  }));
});
