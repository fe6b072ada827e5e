/**
 * What the comparison page's worker (worker.ts) does: loads a comparison, runs its designs one
 * after the other exactly as `faultline compare` does (runner/compare), and sends each
 * design's lanes (lanes.ts) as it finishes, then the table, the relations and the narrative's
 * steps checked in the designs' runs. The engines stay in the worker; only plain data crosses
 * to the page. No DOM here, so tests run it in Node.
 */
import type { Seed } from '../../../sim/index.js';
import { type AnyProtocol, protocols } from '../../../protocols/index.js';
import { compareRuns, type DesignRun, figureRows, type FigureRow, loadComparison,
  type RelationResult, type ResolvedRole, runDesign } from '../../../runner/compare/index.js';
import { deriveLanes, type Lanes } from './lanes.js';
import { Analysis } from '../model/analysis.js';
import { type DesignFacts, narrativeText, resolveComparison, type ResolvedComparison } from
  '../model/narrative.js';
import { modelOfRun } from '../model/runModel.js';

/** What the page asks. */
export interface CompareRequest {
  readonly text: string;
  readonly fileName: string;
  readonly seed?: Seed;
}

/** One design, run and drawn. */
export interface DesignView {
  readonly name: string;
  readonly protocol: string;
  readonly params: unknown;
  readonly verdict: string;
  readonly hash: string;
  readonly lanes: Lanes;
  readonly outages: readonly { readonly start: number; readonly end: number | null }[];
  readonly resolved: readonly ResolvedRole[];
  readonly problems: readonly string[];
}

/** What the worker sends. */
export type CompareMessage =
  | { readonly type: 'loaded'; readonly name: string; readonly description: string;
    readonly narrative: string; readonly designs: readonly string[]; readonly duration: number }
  | { readonly type: 'design'; readonly view: DesignView }
  | { readonly type: 'done'; readonly rows: readonly FigureRow[];
    readonly relations: readonly RelationResult[]; readonly passed: boolean;
    /** The narrative's steps placed in the designs' runs, each claim checked in its design's. */
    readonly story: ResolvedComparison }
  | { readonly type: 'error'; readonly message: string };

/** Runs a comparison, sending what it finds to `post`. Exported for tests in Node. */
export function compareInto(request: CompareRequest, post: (m: CompareMessage) => void,
  registry: Readonly<Record<string, AnyProtocol>> = protocols): void {
  const comparison = loadComparison(request.text, request.fileName, registry);
  const duration = Math.max(...comparison.designs.map((d) => d.spec.duration));
  post({ type: 'loaded', name: comparison.name, description: comparison.description,
    narrative: narrativeText(comparison.narrative), designs: comparison.designs.map((d) => d.name),
    duration });
  const runs: DesignRun[] = [];
  const facts: DesignFacts[] = [];
  const stepped = typeof comparison.narrative === 'object';
  for (const design of comparison.designs) {
    const run = runDesign(comparison, design,
      { trace: 'memory', ...(request.seed === undefined ? {} : { seed: request.seed }) }, registry);
    runs.push(run);
    const { engine } = run;
    post({ type: 'design', view: { name: run.name, protocol: run.protocol, params: run.params,
      verdict: run.verdict, hash: run.report.result.hash,
      lanes: deriveLanes(engine.trace.records(), engine.servers, run.report.result.time),
      outages: run.outages.map((o) => ({ start: o.start, end: o.end ?? null })),
      resolved: run.resolved, problems: run.problems } });
    if (stepped) {
      // The facts the narrative's claims are checked against, as the claim check builds them.
      const { model, derived } = modelOfRun(engine, run.report);
      const protocol = registry[design.spec.protocol];
      const params = protocol?.params.safeParse(design.spec.params ?? {});
      facts.push({ name: design.name, model, book: new Analysis(model, derived, protocol?.view,
        params?.success === true ? params.data : undefined).book });
    }
  }
  const report = compareRuns(comparison, runs);
  post({ type: 'done', rows: figureRows(runs), relations: report.relations,
    passed: report.passed, story: stepped ? resolveComparison(comparison.narrative, facts)
      : { intro: narrativeText(comparison.narrative), steps: [], problems: [] } });
}
