/**
 * A scenario's narrative resolved against its run. A stepped narrative's steps are anchored
 * by a time (`at`: the instant after the last event at or before it) or by a claim (`when`:
 * the first event after the previous step at which the claim begins to hold). Each step's
 * text makes claims in [brackets]; a claim holds at a step when it is a state true at the
 * step's instant, or an event that happened since the previous step. The visualizer shows
 * each claim with where it holds; the test suite checks every claim of every bundled
 * narrative, so a narrative cannot drift from its run.
 */
import type { Narrative } from '../../../runner/index.js';
import type { FactBook } from './facts.js';
import type { TraceModel } from './traceModel.js';

/** A claim of a step and whether the run bears it out. */
export interface Claim {
  readonly text: string;
  /** The record where it holds (a state's start or the event), or undefined when it does not. */
  readonly at: number | undefined;
}

/** One piece of a step's text: plain words, or a claim. */
export type Piece = { readonly text: string; readonly claim?: Claim };

/** A step placed in the run. */
export interface Step {
  readonly number: number;
  /** The record after which the step's instant is (-1: before the first). */
  readonly index: number;
  readonly time: number;
  /** The previous step's instant; the events the step tells of come after it. */
  readonly since: number;
  readonly pieces: readonly Piece[];
  readonly claims: readonly Claim[];
  /** Why the step could not be placed where its anchor says, when it could not. */
  readonly problem?: string;
}

/** A narrative resolved: its prose (or intro) and its steps (none for prose). */
export interface Resolved {
  readonly intro: string;
  readonly steps: readonly Step[];
}

/** Splits text into plain words and [claims]. */
export function pieces(text: string): { text: string; claim: boolean }[] {
  const out: { text: string; claim: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(/\[([^\][]+)\]/g)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), claim: false });
    out.push({ text: m[1] as string, claim: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), claim: false });
  return out;
}

/** A narrative as plain paragraphs: its prose, or its intro and each step's text unbracketed. */
export function narrativeText(narrative: Narrative | undefined): string {
  if (narrative === undefined) return '';
  if (typeof narrative === 'string') return narrative;
  return [narrative.intro ?? '', ...narrative.steps.map((s) => pieces(s.text)
    .map((p) => p.text).join(''))].filter((t) => t !== '').join('\n\n');
}

/** Resolves a narrative against a run's facts. */
export function resolveNarrative(narrative: Narrative | undefined, model: TraceModel,
  book: FactBook): Resolved {
  if (narrative === undefined) return { intro: '', steps: [] };
  if (typeof narrative === 'string') return { intro: narrative, steps: [] };
  const steps: Step[] = [];
  let since = -1;
  narrative.steps.forEach((s, k) => {
    let index: number;
    let problem: string | undefined;
    if (s.at !== undefined) {
      index = model.upperBound(s.at) - 1;
      if (index < since) problem = `at ${s.at} µs comes before the previous step`;
    } else {
      const found = book.firstAfter(s.when ?? '', since);
      index = found ?? since;
      if (found === undefined) {
        problem = `"${s.when ?? ''}" does not begin to hold after the previous step`;
      }
    }
    const split = pieces(s.text).map((p): Piece => p.claim
      ? { text: p.text, claim: { text: p.text, at: book.holds(p.text, index, since) } }
      : { text: p.text });
    const claims = split.flatMap((p) => p.claim === undefined ? [] : [p.claim]);
    steps.push({ number: k + 1, index, time: index < 0 ? 0 : model.t[index] as number, since,
      pieces: split, claims, ...(problem === undefined ? {} : { problem }) });
    since = Math.max(since, index);
  });
  return { intro: narrative.intro ?? '', steps };
}

/** What is wrong with a resolved narrative, one line per problem (empty when nothing is). */
export function narrativeProblems(resolved: Resolved, book: FactBook): string[] {
  const out: string[] = [];
  for (const step of resolved.steps) {
    const where = `step ${step.number}`;
    if (step.problem !== undefined) out.push(`${where}: ${step.problem}`);
    if (step.claims.length === 0) out.push(`${where}: makes no [claim] to check`);
    for (const claim of step.claims) {
      if (claim.at !== undefined) continue;
      const near = book.near(step.index, step.since);
      out.push(`${where}: [${claim.text}] does not hold at its instant (after record ${
        step.index}) nor happen since the previous step; what does: ${
        near.slice(0, 40).join('; ')}${near.length > 40 ? '; …' : ''}`);
    }
  }
  return out;
}
