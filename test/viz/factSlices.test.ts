/**
 * The fact book built a slice at a time (as the page does for a long trace, between frames)
 * is the book built at once: same phrases, same occurrences, and it does yield.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import { Analysis } from '../../viz/src/model/analysis.js';
import { buildFactBook, factBook } from '../../viz/src/model/facts.js';
import { modelOfRun } from '../../viz/src/model/runModel.js';
import { collectViewRecords, viewRecords } from '../../viz/src/model/viewData.js';

function analysed(file: string) {
  const loaded = loadScenario(readFileSync(file, 'utf8'), file);
  const prepared = prepareRun(loaded.spec, { trace: 'memory' });
  prepared.engine.run(loaded.spec.duration);
  const { model, derived } = modelOfRun(prepared.engine, judge(prepared));
  const protocol = protocols[loaded.spec.protocol];
  return new Analysis(model, derived, protocol?.view, protocol?.params.parse(loaded.spec.params));
}

describe('fact book in slices', () => {
  it('is the book built at once, and yields between slices', () => {
    const a = analysed('scenarios/raft/leader-failure.yaml');
    const sources = { timeline: a.timeline, ...(a.view === undefined ? {} : { view: a.view }),
      params: a.params };
    const whole = factBook(a.model, a.derived, sources);
    const steps = buildFactBook(a.model, a.derived, sources, 500);
    let yields = 0;
    let r = steps.next();
    while (r.done !== true) {
      yields++;
      r = steps.next();
    }
    expect(yields).toBeGreaterThan(a.model.n / 500);
    const sliced = r.value;
    expect(sliced.size).toBe(whole.size);
    for (const phrase of ['n1 leads term 1', 'n1 crashes', 'n2 commits entry 3',
      'everything heals', 'c1\'s put succeeds']) {
      expect(sliced.occurrences(phrase)).toEqual(whole.occurrences(phrase));
      expect(whole.occurrences(phrase).length).toBeGreaterThan(0);
    }
  });

  it('reads a view\'s records a slice at a time, the same records', () => {
    const a = analysed('scenarios/raft/leader-failure.yaml');
    const steps = collectViewRecords(a.model, ['role', 'commit'], [], 1000);
    let r = steps.next();
    while (r.done !== true) r = steps.next();
    expect(r.value).toEqual(viewRecords(a.model, ['role', 'commit']));
  });

  it('the analysis memoises a book built in slices', () => {
    const a = analysed('scenarios/heartbeat/long-pause.yaml');
    const steps = a.buildBook(100);
    let r = steps.next();
    while (r.done !== true) r = steps.next();
    expect(a.book).toBe(r.value);
  });
});
