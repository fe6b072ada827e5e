/**
 * Metric charts for a run, from the trace itself so they work for every protocol and for
 * trace files: client operation latency over time (ok, fail, unknown), availability (the
 * share of completed operations that succeeded, per time bucket), and protocol events per
 * bucket (role changes, suspicions and other notes), plus the protocol's own metric figures
 * from the run report (election time, commit latency percentiles, RPO, …). d3 scales and
 * axes on small SVGs; a vertical rule follows the current instant.
 */
import { axisBottom, axisLeft, max, type ScaleLinear, scaleLinear, select, type Selection }
  from 'd3';
import type { RunReport } from '../../../runner/index.js';
import type { Derived, Meaning } from '../model/derive.js';
import { KIND, type TraceModel } from '../model/traceModel.js';
import { el, setChildren } from './dom.js';
import { CURSOR_COLOUR, formatTime, GROUP_COLOURS, OUTCOME_COLOURS } from './palette.js';

const W = 360;
const H = 130;
const M = { top: 16, right: 8, bottom: 20, left: 40 };
const BUCKETS = 60;
const MAX_POINTS = 4_000;
/** Radius of a latency dot. */
const DOT = 1.6;

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
type Scale = ScaleLinear<number, number>;

/** How many times each host was rendered into, so an older render stops adding charts. */
const renders = new WeakMap<HTMLElement, number>();

/** Renders the charts into `host`; returns a function that moves the instant rule. */
export function renderMetrics(host: HTMLElement, model: TraceModel, derived: Derived,
  report: RunReport | undefined): (t: number) => void {
  setChildren(host);
  const end = Math.max(1, model.end);
  const x = scaleLinear().domain([0, end]).range([M.left, W - M.right]);
  const clients = derived.ops.length > 0; // no client workload: no latency or availability
  const figures = Object.entries(report?.metrics ?? {});
  const table = figures.length === 0 ? null : el('table', { class: 'figures' },
    el('caption', { text: 'Measured by the protocol' }),
    ...figures.map(([k, v]) => el('tr', {}, el('th', { text: k }),
      el('td', { text: Number.isInteger(v) ? String(v) : v.toFixed(2) }))));
  if (table !== null) host.append(table);
  // One chart per task: on a million events each is a pass over the run. A later render of
  // the same host stops this one.
  const generation = (renders.get(host) ?? 0) + 1;
  renders.set(host, generation);
  const charts: Svg[] = [];
  const makers = [...(clients ? [() => latencyChart(host, x, derived),
    () => availabilityChart(host, x, derived, end)] : []), () => notesChart(host, x, model, end)];
  let now = 0;
  const next = (k: number) => {
    const make = makers[k];
    if (make === undefined || renders.get(host) !== generation) return;
    const svg = make();
    host.insertBefore(svg.node() as SVGSVGElement, table);
    charts.push(svg);
    svg.select('line.now').attr('x1', x(now)).attr('x2', x(now));
    setTimeout(() => next(k + 1), 0);
  };
  next(0);
  return (t) => {
    now = t;
    for (const svg of charts) {
      svg.select('line.now').attr('x1', x(t)).attr('x2', x(t));
    }
  };
}

function chart(host: HTMLElement, title: string, x: Scale,
  y: Scale, yFormat: (v: number) => string): Svg {
  const svg = select(host).append('svg').attr('class', 'chart').attr('width', W).attr('height', H)
    .attr('viewBox', `0 0 ${W} ${H}`);
  svg.append('text').attr('x', M.left).attr('y', 11).attr('class', 'title').text(title);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`)
    .call(axisBottom(x).ticks(5).tickFormat((v) => formatTime(Number(v))));
  svg.append('g').attr('transform', `translate(${M.left},0)`)
    .call(axisLeft(y).ticks(4).tickFormat((v) => yFormat(Number(v))));
  svg.append('line').attr('class', 'now').attr('y1', M.top).attr('y2', H - M.bottom)
    .attr('stroke', CURSOR_COLOUR);
  return svg;
}

function latencyChart(host: HTMLElement, x: Scale, d: Derived): Svg {
  const done = d.ops.filter((o) => o.outcome !== 'pending');
  const stride = Math.max(1, Math.ceil(done.length / MAX_POINTS));
  const points = done.filter((_, i) => i % stride === 0);
  const y = scaleLinear().domain([0, max(points, (o) => o.t1 - o.t0) ?? 1]).nice()
    .range([H - M.bottom, M.top]);
  const svg = chart(host, 'Client operation latency', x, y, (v) => formatTime(v));
  // One path of dots per outcome, not an element per point: thousands of elements with
  // their attributes would hold the page's thread for tens of milliseconds on a long trace.
  const dots = new Map<Meaning, string[]>();
  for (const o of points) {
    const list = dots.get(o.meaning) ?? [];
    if (list.length === 0) dots.set(o.meaning, list);
    list.push(`M${(x(o.t0) - DOT).toFixed(1)},${y(o.t1 - o.t0).toFixed(1)}` +
      `a${DOT},${DOT} 0 1,0 ${2 * DOT},0a${DOT},${DOT} 0 1,0 ${-2 * DOT},0`);
  }
  const g = svg.append('g').attr('class', 'latency');
  for (const [meaning, list] of dots) {
    g.append('path').attr('class', `dots ${meaning}`).attr('d', list.join(''))
      .attr('fill', OUTCOME_COLOURS[meaning]);
  }
  return svg;
}

function buckets<T>(list: readonly T[], end: number, time: (v: T) => number):
  { t: number; items: T[] }[] {
  const out = Array.from({ length: BUCKETS },
    (_, i) => ({ t: (end * i) / BUCKETS, items: [] as T[] }));
  for (const v of list) {
    out[Math.min(BUCKETS - 1, Math.floor((time(v) / end) * BUCKETS))]?.items.push(v);
  }
  return out;
}

function availabilityChart(host: HTMLElement, x: Scale, d: Derived,
  end: number): Svg {
  const y = scaleLinear().domain([0, 1]).range([H - M.bottom, M.top]);
  // A correct "no" (a compare-and-set that found another value) is the service answering.
  const svg = chart(host, 'Availability: completed operations answered', x, y,
    (v) => `${Math.round(v * 100)}%`);
  const rows = buckets(d.ops.filter((o) => o.outcome !== 'pending'), end, (o) => o.t1)
    .filter((b) => b.items.length > 0)
    .map((b) => ({ t: b.t, share: b.items.filter((o) => o.meaning === 'ok' ||
      o.meaning === 'answered').length / b.items.length }));
  svg.append('g').selectAll('rect').data(rows).join('rect')
    .attr('x', (r) => x(r.t)).attr('width', Math.max(1, x(end / BUCKETS) - x(0) - 1))
    .attr('y', (r) => y(r.share)).attr('height', (r) => H - M.bottom - y(r.share))
    .attr('fill', OUTCOME_COLOURS.ok);
  return svg;
}

/**
 * Protocol notes per time bucket, for the four most frequent note kinds: one pass over the
 * columns into a count per (kind, bucket), so a million notes cost a million increments.
 */
function notesChart(host: HTMLElement, x: Scale, m: TraceModel,
  end: number): Svg {
  const counts = new Map<string, Uint32Array>();
  for (let i = 0; i < m.n; i++) {
    if (m.kind[i] !== KIND.note) continue;
    const tag = m.tag(i) ?? 'note';
    let row = counts.get(tag);
    if (row === undefined) counts.set(tag, (row = new Uint32Array(BUCKETS)));
    const b = Math.min(BUCKETS - 1, Math.floor(((m.t[i] as number) / end) * BUCKETS));
    row[b] = (row[b] as number) + 1;
  }
  const total = (row: Uint32Array) => row.reduce((a, v) => a + v, 0);
  const series = [...counts].sort((a, b) => total(b[1]) - total(a[1])).slice(0, 4)
    .map(([tag, row]) => ({ tag,
      counts: Array.from(row, (n, k) => ({ t: (end * k) / BUCKETS, n })) }));
  const y = scaleLinear().domain([0, max(series, (s) => max(s.counts, (c) => c.n)) ?? 1]).nice()
    .range([H - M.bottom, M.top]);
  const svg = chart(host, `Protocol notes per ${formatTime(end / BUCKETS)}`, x, y, String);
  const colours = GROUP_COLOURS;
  series.forEach((s, k) => {
    const path = s.counts.map((c, i) => `${i === 0 ? 'M' : 'L'}${x(c.t)},${y(c.n)}`).join('');
    svg.append('path').attr('d', path).attr('fill', 'none').attr('stroke', colours[k] ?? '#888');
    svg.append('text').attr('x', W - M.right - 70).attr('y', M.top + 10 + 11 * k)
      .attr('fill', colours[k] ?? '#888').attr('class', 'key').text(s.tag);
  });
  return svg;
}
