/**
 * The violation and its evidence: the property, what is wrong in a sentence, and the events
 * that prove it as a numbered list (the same numbers as the markers on the diagram), each a
 * button that goes there. A linearizability explanation is reordered so the key lines come
 * first (which operation cannot come next, and why); the table of every operation and the
 * longest legal order fold away under them.
 */
import type { Evidence } from '../../../sim/check/property.js';
import { button, el, setChildren } from './dom.js';
import { formatTime } from './palette.js';

/** What the panel shows. */
export interface ViolationInfo {
  readonly name: string;
  readonly explanation: string;
  readonly evidence: readonly Evidence[];
  /** True when the scenario set out to show this violation (a teaching scenario). */
  readonly expected: boolean;
}

/** Splits an explanation into its key lines and the rest (long tables). */
export function keyLines(explanation: string): { key: string[]; rest: string[] } {
  const lines = explanation.split('\n');
  const stuck = lines.indexOf('It cannot be continued:');
  if (stuck < 0) return { key: lines.slice(0, 3), rest: lines.slice(3) };
  const key = [lines[0] ?? '', ...lines.slice(stuck + 1)];
  const rest = lines.slice(1, stuck);
  return { key, rest };
}

/** Renders the panel; `go(k)` goes to evidence k, `whole()` frames all of it. */
export function renderViolation(host: HTMLElement, info: ViolationInfo | undefined,
  go: (k: number) => void, whole: () => void): void {
  host.hidden = info === undefined;
  if (info === undefined) return setChildren(host);
  const { key, rest } = keyLines(info.explanation);
  const list = info.evidence.length === 0 ? el('p', { class: 'hint',
    text: 'The checker names no events for this violation.' })
    : el('ol', { class: 'evidence', attrs: { id: 'evidence-list' } },
      ...info.evidence.map((e, k) => el('li', {}, button(`${e.label}`, () => go(k),
        { class: 'evidence-link', 'data-k': String(k) }),
      el('span', { class: 'when', text: ` ${e.from === undefined ? '' : `${formatTime(e.from.time)} – `}${
        formatTime(e.time)}` }))));
  setChildren(host,
    el('h3', {}, el('span', { class: 'violation-name', text: `Violation: ${info.name}` }),
      info.expected ? el('span', { class: 'expected', text: ' (the scenario shows it on purpose)' })
        : null),
    ...key.filter((l) => l.trim() !== '').map((l) => el('p', { class: 'key-line', text: l })),
    el('h4', { text: info.evidence.length > 1 ? 'The events that prove it' : 'Evidence' }),
    list,
    button('Frame all the evidence', whole, { id: 'frame-evidence' }),
    rest.length === 0 ? null : el('details', { class: 'rest' },
      el('summary', { text: 'The full explanation' }), el('pre', { text: rest.join('\n') })));
}
