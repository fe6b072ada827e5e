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

/** One design's run, as a comparison's narrative is checked against it. */
export interface DesignFacts {
  readonly name: string;
  readonly model: TraceModel;
  readonly book: FactBook;
}

/**
 * What is wrong with a comparison's stepped narrative (empty when nothing is). Its designs
 * share the fault script and the time axis, so a step is anchored by a time (`at`), or by a
 * claim about one design (`when: "raft: n2 leads term 2"`), which places the step at that
 * instant in every design. Each claim names the design it is about, `[async: n1 crashes]`,
 * and must hold in that design's run as a scenario's claims do in its run.
 */
export function comparisonNarrativeProblems(narrative: Narrative | undefined,
  designs: readonly DesignFacts[]): string[] {
  if (narrative === undefined || typeof narrative === 'string') return ['no steps'];
  const out: string[] = [];
  const since = new Map(designs.map((d) => [d.name, -1]));
  const split = (text: string) => {
    const colon = text.indexOf(':');
    const design = designs.find((d) => d.name === text.slice(0, colon).trim());
    return { design, phrase: text.slice(colon + 1).trim() };
  };
  narrative.steps.forEach((s, k) => {
    const where = `step ${k + 1}`;
    let time = s.at ?? 0;
    let anchor: { name: string; index: number } | undefined;
    if (s.when !== undefined) {
      const { design, phrase } = split(s.when);
      if (design === undefined) {
        out.push(`${where}: when "${s.when}" names no design (${designs.map((d) => d.name)
          .join(', ')})`);
        return;
      }
      const found = design.book.firstAfter(phrase, since.get(design.name) ?? -1);
      if (found === undefined) {
        out.push(`${where}: "${phrase}" does not begin to hold in ${design.name} after the ` +
          'previous step');
        return;
      }
      anchor = { name: design.name, index: found };
      time = design.model.t[found] as number;
    }
    const index = new Map(designs.map((d) => [d.name, anchor?.name === d.name ? anchor.index
      : d.model.upperBound(time) - 1]));
    const claims = pieces(s.text).filter((p) => p.claim);
    if (claims.length === 0) out.push(`${where}: makes no [claim] to check`);
    for (const claim of claims) {
      const { design, phrase } = split(claim.text);
      if (design === undefined) {
        out.push(`${where}: [${claim.text}] names no design: write [design: claim]`);
        continue;
      }
      const i = index.get(design.name) ?? -1;
      const from = since.get(design.name) ?? -1;
      if (i < from) out.push(`${where}: comes before the previous step in ${design.name}`);
      if (design.book.holds(phrase, i, from) !== undefined) continue;
      const near = design.book.near(i, from);
      out.push(`${where}: [${claim.text}] does not hold in ${design.name} at its instant nor ` +
        `happen since the previous step; what does: ${near.slice(0, 40).join('; ')}${
          near.length > 40 ? '; …' : ''}`);
    }
    for (const d of designs) {
      since.set(d.name, Math.max(since.get(d.name) ?? -1, index.get(d.name) ?? -1));
    }
  });
  return out;
}
