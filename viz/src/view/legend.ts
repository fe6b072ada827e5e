/**
 * The legend, complete for the trace on screen, and the diagram's filters in one place: each
 * message group of the protocol with its colour and a box to show or hide it (routine traffic
 * such as heartbeats and disk-sync notices can be hidden to see the rest), timers and notes
 * likewise; the roles in the protocol's words; the view's bands and marks; client outcomes by
 * meaning; crashes, pauses, partitions, drops, the violation and its evidence, the current
 * instant and the divergence of two runs.
 */
import type { Tone } from '../../../protocols/view.js';
import type { Meaning } from '../model/derive.js';
import { el } from './dom.js';
import {
  CURSOR_COLOUR, CUT_FILL, DIVERGENCE_COLOUR, DOWN_FILL, DROP_COLOUR, EVIDENCE_COLOUR,
  numberColour, OUTCOME_COLOURS, OUTCOME_WORDS, PAUSED_FILL, toneColour, VIOLATION_COLOUR,
} from './palette.js';
import type { Choices, Scene } from './scene.js';

function swatch(colour: string, shape: 'line' | 'dash' | 'box' | 'band' | 'dot' = 'box'):
  HTMLElement {
  const s = el('span', { class: `swatch ${shape}`, attrs: { 'aria-hidden': 'true' } });
  if (shape === 'line' || shape === 'dash') s.style.borderTopColor = colour;
  else s.style.background = colour;
  return s;
}

function item(colour: string, text: string, shape?: Parameters<typeof swatch>[1]): HTMLElement {
  return el('li', {}, swatch(colour, shape), text);
}

function toggle(label: string, colour: string, checked: boolean, onChange: (on: boolean) => void,
  id: string, shape: Parameters<typeof swatch>[1] = 'line'): HTMLElement {
  const box = el('input', { attrs: { type: 'checkbox', id } });
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  return el('li', {}, el('label', {}, box, swatch(colour, shape), label));
}

/** A band's or mark's kind for the legend: its label without node ids, tokens and numbers. */
function kindOf(label: string): string {
  return label.split(' ').filter((w) => !/^(n\d+|c\d+|t\d+\.\S*|\d\S*|\(\S*|token|of|to)$/.test(w)
    && !w.endsWith(',')).join(' ');
}

function distinct(items: readonly { label: string; tone: Tone }[]): [string, Tone][] {
  const out = new Map<string, Tone>();
  for (const i of items) {
    const k = kindOf(i.label);
    if (k !== '' && !out.has(k)) out.set(k, i.tone);
  }
  return [...out];
}

/** Whether some message of the trace belongs to no group the protocol names. */
function hasOther(scene: Scene): boolean {
  const { model, derived } = scene;
  const other = scene.groups.length - 1;
  const seen = new Set<string | undefined>();
  for (let a = 0; a < derived.arrowSend.length; a++) {
    const tag = model.tag(derived.arrowSend[a] as number);
    if (seen.has(tag)) continue;
    seen.add(tag);
    if ((tag === undefined ? other : scene.groupOf.get(tag) ?? other) === other) return true;
  }
  return false;
}

/** Builds the legend for `scene` with the reader's `choices`; `change` gets new choices. */
export function legend(scene: Scene, choices: Choices, change: (c: Choices) => void): HTMLElement {
  const hidden = new Set(choices.hidden);
  // Only the groups this trace has: a complete legend, not a catalogue.
  const present = new Set(scene.model.columns.tagTable);
  const messages = el('ul', { class: 'legend-list' },
    ...scene.groups.map((g, k) => (g.name !== 'other' && !g.types.some((t) => present.has(t))) ||
      (g.name === 'other' && !hasOther(scene)) ? null : toggle(`${g.label}${g.routine === true ? ' (routine)' : ''}`,
      g.colour, !hidden.has(k), (on) => {
        if (on) hidden.delete(k);
        else hidden.add(k);
        change({ ...choices, hidden: new Set(hidden) });
      }, `show-group-${g.name}`)),
    item(DROP_COLOUR, 'dropped message (✕; hover for the cause)', 'dash'),
    toggle('timers firing (grey squares above a lane)', '#6b7280', choices.timers,
      (on) => change({ ...choices, timers: on }), 'show-timers', 'dot'),
    toggle('protocol notes (small squares on a lane)', toneColour('learn'), choices.notes,
      (on) => change({ ...choices, notes: on }), 'show-notes', 'dot'));
  // The roles this trace has (a lock variant without a Raft group draws no Raft roles).
  const roleWords = new Map<string, Tone>();
  const taken = new Set(scene.derived.roles.map((r) => r.role));
  for (const [role, w] of Object.entries(scene.roles)) {
    if (taken.has(role) && !roleWords.has(w.label)) roleWords.set(w.label, w.tone);
  }
  const lanes = el('ul', { class: 'legend-list' },
    ...[...roleWords].map(([label, tone]) => item(toneColour(tone), `${label} (role band)`, 'band')),
    !scene.derived.roles.some((r) => r.number !== '') ? null : el('li', {},
      ...[1, 2, 3].map((n) => swatch(numberColour(n), 'band')), ' stripe: a colour per term, ' +
      'ballot or epoch'),
    ...distinct(scene.timeline.bands).map(([label, tone]) => item(toneColour(tone),
      `${label} (band under a lane)`, 'band')),
    ...distinct(scene.timeline.marks).map(([label, tone]) => item(toneColour(tone),
      `${label} (▼ on a lane)`, 'dot')),
    item(DOWN_FILL, 'crashed (✕ crash, ↻ restart)'), item(PAUSED_FILL, 'paused'),
    item(CUT_FILL, 'cut off by a partition'));
  const outcomes = scene.derived.ops.length === 0 ? null : el('ul', { class: 'legend-list' },
    ...(Object.keys(OUTCOME_WORDS) as Meaning[]).map((m) =>
      item(OUTCOME_COLOURS[m], `client operation ${OUTCOME_WORDS[m]}`)));
  const marks = el('ul', { class: 'legend-list' },
    item(VIOLATION_COLOUR, 'violation (◆ at the top; click it to go there)', 'line'),
    item(EVIDENCE_COLOUR, 'evidence: numbered ● events that prove it (click one)', 'dot'),
    item(CURSOR_COLOUR, 'the current instant', 'line'),
    item(DIVERGENCE_COLOUR, 'where two compared runs first differ', 'dash'));
  return el('div', { class: 'legend', attrs: { id: 'legend' } },
    el('div', {}, el('h4', { text: 'Messages (untick to hide)' }), messages),
    el('div', {}, el('h4', { text: 'Lanes' }), lanes),
    outcomes === null ? null : el('div', {}, el('h4', { text: 'Client operations' }), outcomes),
    el('div', {}, el('h4', { text: 'Markers' }), marks));
}
