/**
 * Violations carry their evidence: every bundled scenario that demonstrates a violation
 * (`expect.violate`) names the events that prove it. Each piece points at a real trace event
 * at or before the violation, on the node it names, and the pieces come earliest first. Where
 * the proof needs two events (two leaders of one term, a commit and a later leader without it,
 * two chosen values, an acknowledged write and the master that lacks it), both are there; a
 * linearizability violation's evidence is the checker's minimal set of operations, each from
 * its invoke to its completion.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioFiles } from '../support/scenarioFiles.js';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';

const files = scenarioFiles()
  .filter((file) => /^\s*violate:\s*\S/m.test(readFileSync(file, 'utf8')));

/** The node whose event is at or just before `index` at `time`, else the record's node. */
function actor(trace: { record(i: number): { t: number; node?: string } }, index: number,
  time: number, node: string): string | undefined {
  let i = index;
  while (i > 0 && trace.record(i).t === time && trace.record(i).node !== node) i--;
  return trace.record(i).node;
}

/** Properties whose proof takes two events, as the checkers report them. */
const TWO_EVENTS = new Set(['election-safety', 'leader-completeness', 'agreement',
  'no-lost-acked-write', 'fenced-writes', 'one-holder', 'ac1-agreement', 'ac2-no-reversal',
  'no-false-failover', 'one-master-per-epoch', 'log-matching', 'state-machine-safety',
  'one-active', 'no-request-to-down', 'crash-detected', 'at-most-once', 'stable-keys']);

describe('violation evidence', () => {
  it('finds scenarios that demonstrate violations', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s names the events that prove its violation', (file) => {
    const loaded = loadScenario(readFileSync(file, 'utf8'), file);
    const prepared = prepareRun(loaded.spec, { trace: 'memory' });
    prepared.engine.run(loaded.spec.duration);
    const report = judge(prepared);
    const trace = prepared.engine.trace;
    const v = report.violation;
    expect(v?.name).toBe(loaded.spec.expect?.violate);
    if (v === undefined) return;
    const evidence = v.evidence ?? [];
    expect(evidence.length).toBeGreaterThan(0);
    if (v.kind === 'liveness') expect(evidence[0]?.label).toContain('heal');
    // Two events clash, except a decision no majority backed: that decision alone proves it.
    const alone = /no majority had accepted/.test(v.explanation);
    if (TWO_EVENTS.has(v.name) && !alone) expect(evidence.length).toBeGreaterThanOrEqual(2);
    let last = -1;
    for (const e of evidence) {
      // A real event of the run, at the time it says, no later than the violation.
      expect(e.index).toBeLessThanOrEqual(v.index);
      expect(trace.record(e.index).t).toBe(e.time);
      expect(e.label.length).toBeGreaterThan(0);
      // The node it names acted at that instant (its event is at or just before the index).
      if (e.node !== undefined) {
        expect(actor(trace, e.index, e.time, e.node), `${e.label} on ${e.node}`).toBe(e.node);
      }
      const start = e.from?.index ?? e.index;
      expect(start).toBeGreaterThanOrEqual(last);
      last = start;
      if (e.from !== undefined) {
        expect(e.from.index).toBeLessThan(e.index);
        expect(trace.record(e.from.index).t).toBe(e.from.time);
        expect(actor(trace, e.from.index, e.from.time, e.node ?? '')).toBe(e.node);
      }
    }
  });
});
