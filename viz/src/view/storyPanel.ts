/**
 * The narrative beside the diagram. Prose is shown as it is. A stepped narrative is shown a
 * step at a time: Next and Previous (or N and P) move the current instant to the step, frame
 * the events it tells of and hide the future, so the reader sees the run up to there. Each
 * [claim] in the text is a button marked as borne out by the run (it was checked against the
 * trace); pressing it goes to the event where it comes true.
 */
import type { Claim, Piece, Resolved, Step } from '../model/narrative.js';
import { button, el, setChildren } from './dom.js';
import { formatTime } from './palette.js';
import './storyPanel.css';

/** What the panel asks the app to do. */
export interface StoryActions {
  /** Go to step `k` (0-based). */
  step(step: Step): void;
  /** Go to where a claim holds (its record: `claim.at`). */
  claim(claim: Claim): void;
}

/** The story panel. */
export class StoryPanel {
  readonly root: HTMLElement;
  private resolved: Resolved = { intro: '', steps: [] };
  /** The step shown (-1: none yet). */
  current = -1;

  constructor(private readonly act: StoryActions) {
    this.root = el('section', { class: 'story', attrs: { id: 'story', 'aria-live': 'polite' } });
    this.root.hidden = true;
  }

  /** Claims still being checked against a long run: the intro now, the steps when ready. */
  private pending = false;
  /** A step asked for while pending (from the address), taken once the steps are ready. */
  private wanted: number | undefined;

  setNarrative(resolved: Resolved): void {
    this.resolved = resolved;
    this.current = -1;
    this.pending = false;
    this.render();
    const wanted = this.wanted;
    this.wanted = undefined;
    if (wanted !== undefined) this.go(wanted);
  }

  /** Shows the intro while the steps' claims are checked against the run. */
  setPending(intro: string): void {
    this.resolved = { intro, steps: [] };
    this.current = -1;
    this.pending = true;
    this.wanted = undefined;
    this.render();
  }

  get steps(): readonly Step[] {
    return this.resolved.steps;
  }

  /** Moves to step `k` (clamped) and tells the app. */
  go(k: number): void {
    if (this.pending) {
      this.wanted = k;
      return;
    }
    const steps = this.resolved.steps;
    if (steps.length === 0) return;
    this.current = Math.max(0, Math.min(steps.length - 1, k));
    this.render();
    this.act.step(steps[this.current] as Step);
  }

  next(): void {
    this.go(this.current + 1);
  }

  previous(): void {
    this.go(this.current - 1);
  }

  private render(): void {
    const { intro, steps } = this.resolved;
    this.root.hidden = intro === '' && steps.length === 0 && !this.pending;
    const prose = intro === '' ? null : el('div', { class: 'intro', text: reflow(intro) });
    const checking = this.pending ? el('p', { class: 'hint', attrs: { id: 'story-pending' },
      text: 'Checking the story\'s claims against this long run; its steps follow.' }) : null;
    if (steps.length === 0) {
      return setChildren(this.root, el('h3', { text: 'Story' }), prose, checking);
    }
    const step = steps[this.current];
    const nav = el('div', { class: 'story-nav' },
      button('◀ Previous', () => this.previous(), { id: 'story-prev', title: 'P' }),
      el('span', { class: 'story-count', attrs: { id: 'story-count' },
        text: step === undefined ? `${steps.length} steps`
          : `Step ${this.current + 1} of ${steps.length} · ${formatTime(step.time)}` }),
      button(this.current < 0 ? 'Start ▶' : 'Next ▶', () => this.next(),
        { id: 'story-next', title: 'N' }));
    const body = step === undefined
      ? el('p', { class: 'hint', text: 'Press Start (or N) to step through the run: each step ' +
        'moves to a moment, shows what led there and hides what has not happened yet.' })
      : el('p', { class: 'step-text', attrs: { id: 'step-text' } },
        ...step.pieces.map((p) => this.piece(p)));
    const list = el('ol', { class: 'step-list' }, ...steps.map((s, k) => {
      const first = s.pieces.map((p) => p.text).join('').split(/(?<=[.:;])\s/)[0] ?? '';
      const li = el('li', { class: k === this.current ? 'current' : '' },
        button(first.length > 70 ? `${first.slice(0, 69)}…` : first, () => this.go(k)));
      return li;
    }));
    setChildren(this.root, el('h3', { text: 'Story' }), prose, nav, body,
      el('details', { class: 'steps' }, el('summary', { text: 'All steps' }), list));
  }

  private piece(p: Piece): Node {
    if (p.claim === undefined) return document.createTextNode(p.text);
    const claim = p.claim;
    const at = claim.at;
    // A comparison's claim is about one design's run, and says which.
    const design = (claim as { design?: string }).design;
    const run = design === undefined ? 'the run' : `${design}'s run`;
    const chip = button(p.text, () => {
      if (at !== undefined) this.act.claim(claim);
    }, { class: `claim ${at === undefined ? 'unsupported' : 'holds'}`,
      title: at === undefined ? `not borne out by ${run}`
        : `borne out by ${run} at event #${at}: press to go there` });
    return chip;
  }
}

/** Prose as written in YAML, with lines joined within paragraphs (blank lines kept). */
export function reflow(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n])/g, '$1 ').trim();
}
