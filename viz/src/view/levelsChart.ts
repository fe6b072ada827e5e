/**
 * A protocol's levels over time against their threshold (a failure detector's phi, or the
 * elapsed time over its timeout): for one monitor, a curve per peer it watches, sampled at
 * every check, the threshold as a dashed line, and each sample where it suspected the peer
 * marked, red when the peer was up (a false suspicion) and dark when it was down. A rule
 * follows the current instant. Values above twice the threshold are drawn at the top.
 */
import { axisBottom, axisLeft, line, scaleLinear, select } from 'd3';
import type { Level } from '../../../protocols/view.js';
import { el, setChildren } from './dom.js';
import { CURSOR_COLOUR, formatTime, GROUP_COLOURS, TEXT, TONE_COLOURS } from './palette.js';

/** One sample: a monitor's level of one peer at a time. */
export interface LevelSample extends Level {
  readonly t: number;
  readonly monitor: string;
  /** Whether the watched peer was down at the time. */
  readonly peerDown: boolean;
}

const W = 400;
const H = 170;
const M = { top: 18, right: 10, bottom: 22, left: 36 };

/** Draws the chart into `host`; returns a function that moves the instant rule. */
export function renderLevels(host: HTMLElement, title: string, samples: readonly LevelSample[],
  end: number): (t: number) => void {
  const monitors = [...new Set(samples.map((s) => s.monitor))].sort();
  if (monitors.length === 0) {
    setChildren(host);
    return () => undefined;
  }
  const choose = el('select', { attrs: { id: 'levels-monitor', 'aria-label': 'monitor' } },
    ...monitors.map((m) => el('option', { text: `as ${m} sees its peers`, attrs: { value: m } })));
  const chart = el('div', { class: 'levels-chart' });
  setChildren(host, el('h3', { text: title }), choose, chart);
  let rule: (t: number) => void = () => undefined;
  const draw = () => {
    rule = drawChart(chart, samples.filter((s) => s.monitor === choose.value), end);
  };
  choose.addEventListener('change', draw);
  draw();
  return (t) => rule(t);
}

function drawChart(host: HTMLElement, samples: readonly LevelSample[], end: number):
  (t: number) => void {
  setChildren(host);
  const threshold = samples[0]?.threshold ?? 1;
  const x = scaleLinear().domain([0, Math.max(1, end)]).range([M.left, W - M.right]);
  const y = scaleLinear().domain([0, 2 * threshold]).range([H - M.bottom, M.top]);
  const svg = select(host).append('svg').attr('class', 'chart levels')
    .attr('width', W).attr('height', H).attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img').attr('aria-label', 'suspicion level against the threshold');
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`)
    .call(axisBottom(x).ticks(5).tickFormat((v) => formatTime(Number(v))));
  svg.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(4));
  svg.append('line').attr('x1', M.left).attr('x2', W - M.right)
    .attr('y1', y(threshold)).attr('y2', y(threshold)).attr('stroke', TONE_COLOURS.bad)
    .attr('stroke-dasharray', '5 3');
  svg.append('text').attr('x', W - M.right - 4).attr('y', y(threshold) - 3)
    .attr('text-anchor', 'end').attr('fill', TONE_COLOURS.bad).text(`threshold ${threshold}`);
  const peers = [...new Set(samples.map((s) => s.of))].sort();
  const clip = (v: number) => y(Math.min(v, 2 * threshold));
  peers.forEach((peer, k) => {
    const mine = samples.filter((s) => s.of === peer);
    const colour = GROUP_COLOURS[k % GROUP_COLOURS.length] as string;
    svg.append('path').attr('fill', 'none').attr('stroke', colour).attr('stroke-width', 1.3)
      .attr('d', line<LevelSample>().x((s) => x(s.t)).y((s) => clip(s.value))(mine));
    svg.append('g').selectAll('circle').data(mine.filter((s) => s.suspected)).join('circle')
      .attr('r', 2.2).attr('cx', (s) => x(s.t)).attr('cy', (s) => clip(s.value))
      .attr('fill', (s) => (s.peerDown ? TEXT : TONE_COLOURS.bad));
    svg.append('text').attr('x', M.left + 6 + 60 * k).attr('y', M.top - 6).attr('fill', colour)
      .text(`of ${peer}`);
  });
  const now = svg.append('line').attr('y1', M.top).attr('y2', H - M.bottom)
    .attr('stroke', CURSOR_COLOUR);
  return (t) => {
    now.attr('x1', x(t)).attr('x2', x(t));
  };
}
