/**
 * The claim check: every bundled scenario's narrative is resolved against its actual run, and
 * every [claim] in every step must hold there (a state true at the step's instant, or an event
 * since the previous step), every step must be placed where its anchor says and make at least
 * one claim. Every scenario tells its run in steps (prose alone cannot be checked). Runs
 * change when protocols change; this test is what keeps narratives honest.
 * A failure lists the facts that do hold at the step, to rewrite the claim from.
 * A comparison's steps claim about one design each (`[raft: n2 leads term 2]`), checked in
 * that design's run as `faultline compare` runs it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { comparisonFiles, scenarioFiles } from '../support/scenarioFiles.js';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import { Analysis } from '../../viz/src/model/analysis.js';
import { comparisonNarrativeProblems, type DesignFacts, narrativeProblems, resolveComparison,
  resolveNarrative } from '../../viz/src/model/narrative.js';
import { type CompareMessage, compareInto } from '../../viz/src/compare/compareRun.js';
import { loadComparison, runDesign } from '../../runner/compare/index.js';
import { modelOfRun } from '../../viz/src/model/runModel.js';

const files = scenarioFiles();

/** Runs a scenario and resolves its narrative against the run. */
export function checkNarrative(file: string) {
  const loaded = loadScenario(readFileSync(file, 'utf8'), file);
  const prepared = prepareRun(loaded.spec, { trace: 'memory' });
  prepared.engine.run(loaded.spec.duration);
  const report = judge(prepared);
  const { model, derived } = modelOfRun(prepared.engine, report);
  const protocol = protocols[loaded.spec.protocol];
  const params = protocol?.params.parse(loaded.spec.params ?? {});
  const analysis = new Analysis(model, derived, protocol?.view, params);
  const resolved = resolveNarrative(loaded.narrative, model, analysis.book);
  return { loaded, resolved, problems: narrativeProblems(resolved, analysis.book) };
}

describe('narratives: every claim holds in its run', () => {
  it.each(files)('%s', (file) => {
    const { loaded, resolved, problems } = checkNarrative(file);
    expect(typeof loaded.narrative, 'a stepped narrative').toBe('object');
    expect(resolved.steps.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

/** A comparison's designs run as `faultline compare` runs them, with their facts. */
function designFacts(file: string) {
  const comparison = loadComparison(readFileSync(file, 'utf8'), file);
  const designs: DesignFacts[] = comparison.designs.map((design) => {
    const run = runDesign(comparison, design, { trace: 'memory' });
    const { model, derived } = modelOfRun(run.engine, run.report);
    const protocol = protocols[design.spec.protocol];
    const analysis = new Analysis(model, derived, protocol?.view,
      protocol?.params.parse(design.spec.params ?? {}));
    return { name: design.name, model, book: analysis.book };
  });
  return { comparison, designs };
}

describe('narratives: every claim of a comparison holds in its design\'s run', () => {
  it.each(comparisonFiles())('%s', (file) => {
    const { comparison, designs } = designFacts(file);
    expect(typeof comparison.narrative, 'a stepped narrative').toBe('object');
    expect(comparisonNarrativeProblems(comparison.narrative, designs)).toEqual([]);
  });

  it('gives the comparison page every step placed and every claim where it holds', () => {
    const file = 'scenarios/compare/commit.yaml';
    const { comparison, designs } = designFacts(file);
    const posted: CompareMessage[] = [];
    compareInto({ text: readFileSync(file, 'utf8'), fileName: file }, (m) => posted.push(m));
    const done = posted.at(-1);
    if (done?.type !== 'done') throw new Error('the worker did not finish');
    const story = resolveComparison(comparison.narrative, designs);
    expect(done.story).toEqual(structuredClone(story));
    expect(story.steps.length).toBe(typeof comparison.narrative === 'object'
      ? comparison.narrative.steps.length : 0);
    for (const step of story.steps) {
      for (const claim of step.claims) {
        // Where it holds is an event of the design it names, at that event's time and lane.
        const design = designs.find((d) => d.name === claim.design);
        if (design === undefined || claim.at === undefined) throw new Error(claim.text);
        expect(claim.time).toBe(design.model.t[claim.at]);
        const lane = design.model.node[claim.at] as number;
        expect(claim.lane).toBe(lane < 0 ? undefined : design.model.lanes[lane]);
        expect(claim.at).toBeLessThanOrEqual(step.places[design.name]?.index ?? -1);
      }
    }
  });

  it('reports a claim that names no design, or does not hold in the one it names', () => {
    const { comparison, designs } = designFacts('scenarios/compare/commit.yaml');
    if (typeof comparison.narrative !== 'object') throw new Error('no steps');
    const [name] = designs.map((d) => d.name);
    const spoilt = { ...comparison.narrative, steps: [
      { at: 1, text: `[nobody: n1 crashes] and [${name ?? ''}: n9 leads term 99]` }] };
    const resolved = resolveComparison(spoilt, designs);
    expect(resolved.steps[0]?.claims.map((c) => [c.design, c.at])).toEqual(
      [[undefined, undefined], [name, undefined]]);
    expect(resolved.problems.join('\n')).toMatch(/names no design[\s\S]*does not hold in/);
  });
});
