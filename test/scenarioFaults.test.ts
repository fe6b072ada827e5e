/**
 * What a scenario file declares happens in its run: every fault it lists is visible in the
 * trace, having done what it says. A crash crashes a node that was up, and `tear: true` tears
 * the write in progress; a restart boots a node that was down; a pause stops a running node and
 * a resume wakes a paused one; a dropped message was in flight and is lost; a corrupt-disk
 * fault damages a record (a disk holding nothing durable has none to damage) and a fail-sync
 * fault fails a later sync; no fault falls after the liveness phase began (it would be
 * ignored). A fault that did nothing would make the file's story untrue.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge, loadScenario, prepareRun } from '../runner/index.js';
import { missingEffect } from './support/faultEffects.js';
import { scenarioFiles } from './support/scenarioFiles.js';

describe('declared faults show in the trace', () => {
  it.each(scenarioFiles())('%s', (file) => {
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const run = prepareRun(spec, { trace: 'memory' });
    run.engine.run(spec.duration);
    judge(run);
    const records = [...run.engine.trace.records()];
    const faults = run.spec.faults; // with the failures drawn from MTBF and MTTR
    const missing = faults.map((f, i) => ({ i, why: missingEffect(f, records) }))
      .filter((m) => m.why !== undefined)
      .map((m) => `faults[${m.i}] at ${faults[m.i]?.at} µs: ${m.why}`);
    expect(missing, `${file} (seed ${spec.seed})`).toEqual([]);
  });
});
