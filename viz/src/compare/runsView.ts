/**
 * The comparison drawn: one block per design, one above the other on one time axis (d3, SVG).
 * In a block, a lane per server (grey while down, blue while paused, orange while cut off from
 * the majority, a gold band while it leads), a strip of the clients' answered share over time
 * (red to green, grey where nothing completed), the outages as red shading over the block, and
 * the faults that struck as dashed lines. Beside the blocks, the table: the figures of every
 * design (runner/compare/figures.ts) and the relations checked. Every string is set as text.
 */
import * as d3 from 'd3';
import type { FigureRow, RelationResult } from '../../../runner/compare/index.js';
import type { DesignView } from './compareRun.js';

const LANE = 13;
const STRIP = 12;
const HEAD = 18;
const GAP = 16;
const LEFT = 74;
const RIGHT = 14;

const FILL: Readonly<Record<string, string>> = {
  down: 'rgba(90,90,90,.45)', paused: 'rgba(80,120,220,.35)', cut: 'rgba(230,120,40,.4)',
  lead: '#f2b705',
};

/** A block's height for a design of `servers` servers. */
function blockHeight(servers: number): number {
  return HEAD + servers * LANE + STRIP + GAP;
}

const seconds = (us: number) => `${+(us / 1e6).toFixed(3)}s`;

/** A place a story step points at in one design's run: where a claim of it holds. */
export interface Mark {
  readonly design: string;
  /** The server whose event it is; on the clients' strip when none (or a client). */
  readonly lane: string | undefined;
  readonly time: number;
  readonly label: string;
}

/**
 * What a story step shows: the stretch of time framed, the step's instant as a cursor across
 * every design, and its claims marked in their designs' runs.
 */
export interface Focus {
  readonly from: number;
  readonly to: number;
  readonly cursor: number | undefined;
  readonly marks: readonly Mark[];
}

/**
 * Draws the designs (those run so far) into `svg`, `width` pixels wide: the whole run, or
 * the stretch a story step frames, with its cursor and marks.
 */
export function drawRuns(svg: SVGSVGElement, views: readonly DesignView[], duration: number,
  width: number, focus?: Focus): void {
  const height = views.reduce((h, v) => h + blockHeight(v.lanes.servers.length), 0) + 30;
  const root = d3.select(svg).attr('width', width).attr('height', height)
    .attr('role', 'img').attr('aria-label', 'the designs\' runs on one time axis');
  root.selectAll('*').remove();
  const from = focus?.from ?? 0;
  const to = Math.max(from + 1, focus?.to ?? duration);
  root.attr('data-from', from).attr('data-to', to);
  const x = d3.scaleLinear().domain([from, to]).range([LEFT, width - RIGHT]).clamp(true);
  const seen = (a: number, b: number) => b >= from && a <= to;
  let top = 0;
  for (const view of views) {
    const g = root.append('g').attr('class', 'design').attr('data-design', view.name)
      .attr('data-hash', view.hash).attr('transform', `translate(0,${top})`);
    drawBlock(g, view, x, seen);
    for (const mark of focus?.marks ?? []) {
      if (mark.design === view.name && seen(mark.time, mark.time)) drawMark(g, view, x, mark);
    }
    top += blockHeight(view.lanes.servers.length);
  }
  const cursor = focus?.cursor;
  if (cursor !== undefined && seen(cursor, cursor)) {
    root.append('line').attr('class', 'cursor').attr('data-time', cursor)
      .attr('x1', x(cursor)).attr('x2', x(cursor)).attr('y1', 0).attr('y2', top);
  }
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${top})`)
    .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90)))
      .tickFormat((d) => seconds(Number(d))));
}

/** A claim's place in its design's block: a ring on its server's lane, and its words. */
function drawMark(g: d3.Selection<SVGGElement, unknown, null, undefined>, view: DesignView,
  x: d3.ScaleLinear<number, number>, mark: Mark): void {
  const lane = mark.lane === undefined ? -1 : view.lanes.servers.indexOf(mark.lane);
  const cy = lane < 0 ? HEAD + view.lanes.servers.length * LANE + STRIP / 2
    : HEAD + lane * LANE + LANE / 2;
  const cx = x(mark.time);
  const m = g.append('g').attr('class', 'mark').attr('data-time', mark.time)
    .attr('data-lane', mark.lane ?? '');
  m.append('circle').attr('cx', cx).attr('cy', cy).attr('r', 5);
  const right = cx < (x.range()[1] as number) - 160;
  m.append('text').attr('x', right ? cx + 8 : cx - 8).attr('y', cy + 4)
    .attr('text-anchor', right ? 'start' : 'end').text(mark.label);
  m.append('title').text(`${mark.label} (${seconds(mark.time)})`);
}

function drawBlock(g: d3.Selection<SVGGElement, unknown, null, undefined>, view: DesignView,
  x: d3.ScaleLinear<number, number>, seen: (from: number, to: number) => boolean): void {
  const lanes = view.lanes;
  const body = lanes.servers.length * LANE + STRIP;
  g.append('text').attr('class', 'design-name').attr('x', 4).attr('y', 12)
    .text(`${view.name} (${view.protocol})  linearizable: ${view.verdict}`);
  const y = (lane: string) => HEAD + lanes.servers.indexOf(lane) * LANE;
  lanes.servers.forEach((s) => {
    g.append('text').attr('class', 'lane-name').attr('x', LEFT - 6).attr('y', y(s) + 10)
      .attr('text-anchor', 'end').text(s);
    g.append('line').attr('class', 'lane').attr('x1', x(0)).attr('x2', x(lanes.end))
      .attr('y1', y(s) + LANE / 2).attr('y2', y(s) + LANE / 2);
  });
  for (const span of lanes.spans) {
    if (!seen(span.from, span.to)) continue;
    const lead = span.kind === 'lead';
    g.append('rect').attr('class', `span ${span.kind}`).attr('x', x(span.from))
      .attr('width', Math.max(1, x(span.to) - x(span.from)))
      .attr('y', y(span.lane) + (lead ? LANE - 4 : 1)).attr('height', lead ? 3 : LANE - 2)
      .attr('fill', FILL[span.kind] ?? '#999')
      .append('title').text(`${span.lane} ${span.kind} ${seconds(span.from)}–${seconds(span.to)}`);
  }
  const stripTop = HEAD + lanes.servers.length * LANE;
  g.append('text').attr('class', 'lane-name').attr('x', LEFT - 6).attr('y', stripTop + 10)
    .attr('text-anchor', 'end').text('clients');
  const colour = d3.scaleSequential(d3.interpolateRdYlGn).domain([0, 1]);
  for (const bin of lanes.bins) {
    if (!seen(bin.from, bin.to)) continue;
    g.append('rect').attr('class', 'bin').attr('x', x(bin.from))
      .attr('width', Math.max(1, x(bin.to) - x(bin.from))).attr('y', stripTop + 1)
      .attr('height', STRIP - 2)
      .attr('fill', bin.total === 0 ? '#ddd' : colour(bin.answered / bin.total))
      .append('title').text(`${seconds(bin.from)}–${seconds(bin.to)}: ${bin.answered} of ` +
        `${bin.total} operations answered`);
  }
  for (const o of view.outages) {
    if (!seen(o.start, o.end ?? lanes.end)) continue;
    g.append('rect').attr('class', 'outage').attr('x', x(o.start))
      .attr('width', Math.max(1, x(o.end ?? lanes.end) - x(o.start))).attr('y', HEAD)
      .attr('height', body).append('title')
      .text(`outage ${seconds(o.start)}–${o.end === null ? 'end' : seconds(o.end)}`);
  }
  for (const f of lanes.faults) {
    if (!seen(f.at, f.at)) continue;
    g.append('line').attr('class', 'fault').attr('x1', x(f.at)).attr('x2', x(f.at))
      .attr('y1', HEAD - 2).attr('y2', HEAD + body).append('title')
      .text(`${seconds(f.at)}: ${f.text}`);
  }
}

/** The table beside the runs: a column per design, then the relations. */
export function renderTable(container: HTMLElement, designs: readonly string[],
  rows: readonly FigureRow[], relations: readonly RelationResult[]): void {
  const table = document.createElement('table');
  table.className = 'figures';
  const head = table.createTHead().insertRow();
  for (const text of ['figure', ...designs]) {
    const th = document.createElement('th');
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    const label = tr.insertCell();
    label.textContent = row.label.trim();
    if (row.label.startsWith(' ')) label.className = 'sub';
    for (const cell of row.cells) tr.insertCell().textContent = cell;
  }
  const list = document.createElement('ul');
  list.className = 'relations';
  for (const r of relations) {
    const li = document.createElement('li');
    li.className = r.holds ? 'holds' : 'fails';
    li.textContent = `${r.holds ? 'holds' : 'FAILS'}: ${r.text} (${r.detail})`;
    list.append(li);
  }
  container.replaceChildren(table, ...(relations.length === 0 ? [] : [list]));
}
