/**
 * Keyboard shortcuts, one table for the handler and for the list on the page. They work
 * wherever focus is (after clicking a button, a checkbox, the slider or the diagram), except
 * where a key has a meaning of its own: typing in a text field, choosing in a list.
 */
import { el } from './dom.js';

/** What a shortcut does. */
export type Action = 'play' | 'step' | 'back' | 'step10' | 'back10' | 'start' | 'end' | 'next' |
  'previous' | 'zoomIn' | 'zoomOut' | 'whole' | 'violation' | 'divergence' | 'future' | 'help';

interface Shortcut {
  /** As shown on the page. */
  readonly keys: string;
  readonly what: string;
  readonly action: Action;
  matches(e: KeyboardEvent): boolean;
}

const key = (...names: string[]) => (e: KeyboardEvent) => !e.shiftKey && names.includes(e.key);
const shifted = (...names: string[]) => (e: KeyboardEvent) => e.shiftKey && names.includes(e.key);

/** Every shortcut, in the order the page lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Space', what: 'play or pause', action: 'play', matches: (e) => e.key === ' ' },
  { keys: '→ / ←', what: 'next or previous event', action: 'step', matches: key('ArrowRight') },
  { keys: '', what: '', action: 'back', matches: key('ArrowLeft') },
  { keys: 'Shift + → / ←', what: 'ten events on or back', action: 'step10',
    matches: shifted('ArrowRight') },
  { keys: '', what: '', action: 'back10', matches: shifted('ArrowLeft') },
  { keys: 'Home / End', what: 'start or end of the run', action: 'start', matches: key('Home') },
  { keys: '', what: '', action: 'end', matches: key('End') },
  { keys: 'N / P', what: 'next or previous step of the story', action: 'next',
    matches: key('n', 'N') },
  { keys: '', what: '', action: 'previous', matches: key('p', 'P') },
  { keys: '+ / −', what: 'zoom in or out', action: 'zoomIn', matches: key('+', '=') },
  { keys: '', what: '', action: 'zoomOut', matches: key('-', '_') },
  { keys: '0', what: 'the whole run', action: 'whole', matches: key('0') },
  { keys: 'V', what: 'go to the violation', action: 'violation', matches: key('v', 'V') },
  { keys: 'D', what: 'go to where two runs diverge', action: 'divergence',
    matches: key('d', 'D') },
  { keys: 'F', what: 'show or hide the future', action: 'future', matches: key('f', 'F') },
  { keys: '?', what: 'show this list', action: 'help', matches: (e) => e.key === '?' },
];

/** Whether the key belongs to what has focus: typing text, choosing from a list. */
function ownedByTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['range', 'checkbox', 'radio', 'button', 'file', 'submit'].includes(target.type);
  }
  return false;
}

/** Listens on the window and runs the action of each shortcut pressed. */
export function bindKeys(run: (action: Action) => void): void {
  window.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || ownedByTarget(e.target)) return;
    const shortcut = SHORTCUTS.find((s) => s.matches(e));
    if (shortcut === undefined) return;
    // Space would also press a focused button, and arrows move a focused slider: ours instead.
    e.preventDefault();
    run(shortcut.action);
  });
}

/** The list of shortcuts, for the page. */
export function shortcutList(id: string): HTMLElement {
  return el('dl', { class: 'shortcuts', attrs: { id } },
    ...SHORTCUTS.filter((s) => s.keys !== '').flatMap((s) =>
      [el('dt', {}, el('kbd', { text: s.keys })), el('dd', { text: s.what })]));
}
