/**
 * Two runs side by side: their verdicts, violations, sizes and every metric either measured,
 * the kept run (the fork) in one column and the shown run in the other, with the difference.
 * It works across seeds, fault edits and different scenarios (2PC against Paxos Commit).
 */
import type { RunReport } from '../../../runner/index.js';
import { el, setChildren } from './dom.js';
import { formatTime } from './palette.js';

/** One run as the table shows it. */
export interface Compared {
  readonly label: string;
  readonly seed: string;
  readonly events: number;
  readonly end: number;
  readonly report?: RunReport;
}

function verdict(r: RunReport | undefined): string {
  if (r === undefined) return 'not judged (a trace file)';
  if (r.passed && r.violation !== undefined) return 'passed: the expected violation happened';
  return r.passed ? 'passed' : `failed: ${r.failures[0] ?? ''}`;
}

function figure(v: number | undefined): string {
  return v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3);
}

/** Renders the table of `a` (the fork) against `b` (the shown run). */
export function renderCompare(host: HTMLElement, a: Compared | undefined,
  b: Compared | undefined): void {
  host.hidden = a === undefined || b === undefined;
  if (a === undefined || b === undefined) return setChildren(host);
  const row = (name: string, x: string, y: string, diff = '') => el('tr',
    { class: x === y ? '' : 'differs' }, el('th', { text: name }), el('td', { text: x }),
    el('td', { text: y }), el('td', { text: diff }));
  const metrics = [...new Set([...Object.keys(a.report?.metrics ?? {}),
    ...Object.keys(b.report?.metrics ?? {})])].sort();
  const num = (r: Compared, k: string) => r.report?.metrics[k];
  setChildren(host, el('h3', { text: 'Compared runs' }),
    el('table', { class: 'compare', attrs: { id: 'compare-table' } },
      el('thead', {}, el('tr', {}, el('th', { text: '' }),
        el('th', { text: `kept: ${a.label} (seed ${a.seed})` }),
        el('th', { text: `shown: ${b.label} (seed ${b.seed})` }), el('th', { text: 'shown − kept' }))),
      el('tbody', {},
        row('verdict', verdict(a.report), verdict(b.report)),
        row('violation', a.report?.violation?.name ?? 'none', b.report?.violation?.name ?? 'none'),
        row('events', String(a.events), String(b.events), String(b.events - a.events)),
        row('simulated time', formatTime(a.end), formatTime(b.end)),
        row('trace hash', a.report?.result.hash ?? '—', b.report?.result.hash ?? '—'),
        ...metrics.map((k) => {
          const x = num(a, k);
          const y = num(b, k);
          return row(k, figure(x), figure(y),
            x === undefined || y === undefined ? '' : figure(y - x));
        }))));
}
