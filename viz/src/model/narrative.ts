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

/** A claim of a comparison's step: about one design, placed in that design's run. */
export interface DesignClaim extends Claim {
  /** The design it names, when it names one of the comparison's. */
  readonly design: string | undefined;
  /** The claim without its design, as the design's facts are phrased. */
  readonly phrase: string;
  /** When it holds (the time of record `at`), and the lane of that record if any. */
  readonly time: number | undefined;
  readonly lane: string | undefined;
}

/** A comparison's step: one instant on the designs' shared time axis. */
export interface ComparisonStep extends Step {
  readonly pieces: readonly (Piece & { readonly claim?: DesignClaim })[];
  readonly claims: readonly DesignClaim[];
  /** The design whose run a `when` anchors the step in, if any. */
  readonly anchor: string | undefined;
  /** Per design: the record after which the step's instant is, and the previous step's. */
  readonly places: Readonly<Record<string, { readonly index: number; readonly since: number }>>;
}

/** A comparison's narrative resolved against its designs' runs, with what is wrong in it. */
export interface ResolvedComparison {
  readonly intro: string;
  readonly steps: readonly ComparisonStep[];
  readonly problems: readonly string[];
}

/**
 * A comparison's stepped narrative resolved against its designs' runs. The designs share the
 * fault script and the time axis, so a step is anchored by a time (`at`), or by a claim about
 * one design (`when: "raft: n2 leads term 2"`), which places the step at that instant in every
 * design. Each claim names the design it is about, `[async: n1 crashes]`, and must hold in
 * that design's run as a scenario's claims do in its run. Plain data: the comparison page
 * gets it from its worker.
 */
export function resolveComparison(narrative: Narrative | undefined,
  designs: readonly DesignFacts[]): ResolvedComparison {
  if (narrative === undefined || typeof narrative === 'string') {
    return { intro: narrative ?? '', steps: [], problems: ['no steps'] };
  }
  const out: string[] = [];
  const steps: ComparisonStep[] = [];
  const since = new Map(designs.map((d) => [d.name, -1]));
  let lastTime = 0;
  const split = (text: string) => {
    const colon = text.indexOf(':');
    const design = colon < 0 ? undefined
      : designs.find((d) => d.name === text.slice(0, colon).trim());
    return { design, phrase: text.slice(colon + 1).trim() };
  };
  narrative.steps.forEach((s, k) => {
    const where = `step ${k + 1}`;
    let time = s.at ?? lastTime;
    let anchor: { name: string; index: number } | undefined;
    let problem: string | undefined;
    if (s.when !== undefined) {
      const { design, phrase } = split(s.when);
      const found = design?.book.firstAfter(phrase, since.get(design.name) ?? -1);
      if (design === undefined) {
        problem = `when "${s.when}" names no design (${designs.map((d) => d.name).join(', ')})`;
      } else if (found === undefined) {
        problem = `"${phrase}" does not begin to hold in ${design.name} after the previous step`;
      } else {
        anchor = { name: design.name, index: found };
        time = design.model.t[found] as number;
      }
    }
    if (problem !== undefined) out.push(`${where}: ${problem}`);
    const places: Record<string, { index: number; since: number }> = {};
    for (const d of designs) {
      places[d.name] = { index: anchor?.name === d.name ? anchor.index
        : d.model.upperBound(time) - 1, since: since.get(d.name) ?? -1 };
    }
    const pieceList = pieces(s.text).map((p): Piece & { claim?: DesignClaim } => {
      if (!p.claim) return { text: p.text };
      const { design, phrase } = split(p.text);
      if (design === undefined) {
        out.push(`${where}: [${p.text}] names no design: write [design: claim]`);
        return { text: p.text, claim: { text: p.text, design: undefined, phrase, at: undefined,
          time: undefined, lane: undefined } };
      }
      const { index, since: from } = places[design.name] as { index: number; since: number };
      if (index < from) out.push(`${where}: comes before the previous step in ${design.name}`);
      const at = design.book.holds(phrase, index, from);
      if (at === undefined) {
        const near = design.book.near(index, from);
        out.push(`${where}: [${p.text}] does not hold in ${design.name} at its instant nor ` +
          `happen since the previous step; what does: ${near.slice(0, 40).join('; ')}${
            near.length > 40 ? '; …' : ''}`);
      }
      const lane = at === undefined ? -1 : design.model.node[at] as number;
      return { text: p.text, claim: { text: p.text, design: design.name, phrase, at,
        time: at === undefined ? undefined : design.model.t[at] as number,
        lane: lane < 0 ? undefined : design.model.lanes[lane] } };
    });
    const claims = pieceList.flatMap((p) => p.claim === undefined ? [] : [p.claim]);
    if (claims.length === 0) out.push(`${where}: makes no [claim] to check`);
    const home = places[anchor?.name ?? designs[0]?.name ?? ''] ?? { index: -1, since: -1 };
    steps.push({ number: k + 1, index: home.index, since: home.since, time, pieces: pieceList,
      claims, anchor: anchor?.name, places, ...(problem === undefined ? {} : { problem }) });
    if (problem === undefined) {
      for (const d of designs) {
        since.set(d.name, Math.max(since.get(d.name) ?? -1, places[d.name]?.index ?? -1));
      }
      lastTime = time;
    }
  });
  return { intro: narrative.intro ?? '', steps, problems: out };
}

/** What is wrong with a comparison's stepped narrative (empty when nothing is). */
export function comparisonNarrativeProblems(narrative: Narrative | undefined,
  designs: readonly DesignFacts[]): string[] {
  return [...resolveComparison(narrative, designs).problems];
}
