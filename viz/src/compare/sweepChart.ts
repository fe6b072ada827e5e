/**
 * A sweep's result as a chart (d3, SVG): the first varied field along x (durations and numbers
 * on a linear scale, anything else as categories), the chosen figure along y, one line per
 * design (and per value of the other varied fields) through the means, with the 95% confidence
 * interval as a band around it. For `node-availability` and `quorum-availability` of a scenario
 * that draws its failures, the steady-state formula is a dashed line beside the measurement.
 * The input is the JSON `faultline sweep --out` writes; it is checked before it is drawn.
 */
import * as d3 from 'd3';
import { parseDuration } from '../../../protocols/durations.js';

/** One figure of one cell. */
interface Figure { readonly mean: number; readonly lo: number; readonly hi: number; readonly n: number }

/** A cell of the sweep, as the file holds it. */
export interface SweepRowJson {
  readonly design: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, Figure>>;
  readonly availability?: { readonly formula: { readonly node: number;
    readonly cluster: number | null } };
}

/** A sweep file. */
export interface SweepJson {
  readonly format: 'faultline-sweep';
  readonly scenario: string;
  readonly axes: readonly { readonly path: string; readonly values: readonly unknown[] }[];
  readonly rows: readonly SweepRowJson[];
}

/** Reads a sweep file, or throws an error that says what is wrong with it. */
export function parseSweep(text: string): SweepJson {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('not JSON: a sweep file is what `faultline sweep --out FILE` writes');
  }
  const d = doc as Partial<SweepJson> | null;
  if (d?.format !== 'faultline-sweep' || !Array.isArray(d.rows) || !Array.isArray(d.axes)) {
    throw new Error('not a sweep file: expected { "format": "faultline-sweep", "axes", "rows" }');
  }
  d.rows.forEach((r, i) => {
    if (typeof r?.design !== 'string' || typeof r.metrics !== 'object' || r.metrics === null) {
      throw new Error(`rows[${i}]: expected a design and its metrics`);
    }
  });
  return d as SweepJson;
}

/** The figures a sweep measured, in the order first seen. */
export function sweepMetrics(sweep: SweepJson): string[] {
  return [...new Set(sweep.rows.flatMap((r) => Object.keys(r.metrics)))];
}

/** A value as a number along x: durations in seconds, numbers as they are; else undefined. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const us = parseDuration(value.trim());
    if (us !== undefined) return us / 1e6;
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return n;
  }
  return undefined;
}

const clip = (f: Figure): Figure => ({ ...f, lo: Math.max(0, f.lo), hi: Math.min(1, f.hi) });

const FORMULA: Readonly<Record<string, 'node' | 'cluster'>> = {
  'node-availability': 'node', 'quorum-availability': 'cluster',
};

/** Draws `metric` of the sweep into `svg`. */
export function drawSweep(svg: SVGSVGElement, sweep: SweepJson, metric: string,
  width = 820, height = 420): void {
  const margin = { top: 16, right: 170, bottom: 44, left: 64 };
  const axis = sweep.axes[0]?.path;
  const xOf = (r: SweepRowJson): unknown => (axis === undefined ? r.design : r.values[axis]);
  const xs = [...new Set(sweep.rows.map(xOf))];
  const linear = axis !== undefined && xs.every((v) => numeric(v) !== undefined);
  const others = sweep.axes.slice(1).map((a) => a.path);
  const seriesOf = (r: SweepRowJson) => [r.design, ...others.map((p) => `${p}=${String(
    r.values[p])}`)].join(' ');
  // A share (an availability, the linearizable share of runs) cannot leave [0, 1], whatever
  // the t interval of a few runs says: its band is clipped there.
  const share = /availability|^linearizable$/.test(metric);
  const rows = sweep.rows.filter((r) => r.metrics[metric] !== undefined &&
    Number.isFinite(r.metrics[metric]?.mean)).map((r) => !share ? r : { ...r, metrics: {
    ...r.metrics, [metric]: clip(r.metrics[metric] as Figure) } });
  const series = d3.group(rows, seriesOf);
  const root = d3.select(svg).attr('width', width).attr('height', height)
    .attr('role', 'img').attr('aria-label', `${metric} against ${axis ?? 'design'}`);
  root.selectAll('*').remove();
  const inner = { w: width - margin.left - margin.right, h: height - margin.top - margin.bottom };
  const g = root.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const ys = rows.flatMap((r) => [r.metrics[metric]?.lo ?? NaN, r.metrics[metric]?.hi ?? NaN])
    .filter(Number.isFinite);
  const formulas = rows.flatMap((r) => {
    const which = FORMULA[metric];
    const f = which === undefined ? undefined : r.availability?.formula[which];
    return f === undefined || f === null ? [] : [f];
  });
  const [lo, hi] = d3.extent([...ys, ...formulas]) as [number, number];
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  const y = d3.scaleLinear().domain([lo - pad, hi + pad]).nice().range([inner.h, 0]);
  const xPos: (v: unknown) => number = linear
    ? (() => {
      const s = d3.scaleLinear().domain(d3.extent(xs.map((v) => numeric(v) as number)) as
        [number, number]).nice().range([0, inner.w]);
      g.append('g').attr('class', 'axis x').attr('transform', `translate(0,${inner.h})`)
        .call(d3.axisBottom(s).ticks(6));
      return (v: unknown) => s(numeric(v) as number);
    })()
    : (() => {
      const s = d3.scalePoint<string>().domain(xs.map(String)).range([0, inner.w]).padding(0.5);
      g.append('g').attr('class', 'axis x').attr('transform', `translate(0,${inner.h})`)
        .call(d3.axisBottom(s));
      return (v: unknown) => s(String(v)) ?? 0;
    })();
  g.append('g').attr('class', 'axis y').call(d3.axisLeft(y).ticks(6));
  const durations = linear && xs.some((v) => typeof v === 'string' &&
    parseDuration(v.trim()) !== undefined);
  g.append('text').attr('class', 'axis-label').attr('x', inner.w / 2).attr('y', inner.h + 36)
    .attr('text-anchor', 'middle').text(`${axis ?? 'design'}${durations ? ' (s)' : ''}`);
  g.append('text').attr('class', 'axis-label').attr('transform', 'rotate(-90)')
    .attr('x', -inner.h / 2).attr('y', -48).attr('text-anchor', 'middle').text(metric);
  const colour = d3.scaleOrdinal(d3.schemeTableau10).domain([...series.keys()]);
  let legend = 0;
  for (const [name, list] of series) {
    const points = [...list].sort((a, b) => xs.indexOf(xOf(a)) - xs.indexOf(xOf(b)))
      .map((r) => ({ x: xPos(xOf(r)), f: r.metrics[metric] as Figure, row: r }));
    const s = g.append('g').attr('class', 'series').attr('data-series', name);
    s.append('path').attr('class', 'band').attr('fill', colour(name)).attr('opacity', 0.18)
      .attr('d', d3.area<(typeof points)[number]>().x((p) => p.x).y0((p) => y(p.f.lo))
        .y1((p) => y(p.f.hi))(points) ?? '');
    s.append('path').attr('class', 'mean').attr('fill', 'none').attr('stroke', colour(name))
      .attr('stroke-width', 2)
      .attr('d', d3.line<(typeof points)[number]>().x((p) => p.x).y((p) => y(p.f.mean))(points) ?? '');
    for (const p of points) {
      s.append('circle').attr('cx', p.x).attr('cy', y(p.f.mean)).attr('r', 3)
        .attr('fill', colour(name)).append('title')
        .text(`${name} ${String(xOf(p.row))}: ${p.f.mean} [${p.f.lo}, ${p.f.hi}] over ${p.f.n} runs`);
    }
    const which = FORMULA[metric];
    const formula = which === undefined ? [] : points.flatMap((p) => {
      const f = p.row.availability?.formula[which];
      return f === undefined || f === null ? [] : [{ x: p.x, v: f }];
    });
    if (formula.length > 0) {
      s.append('path').attr('class', 'formula').attr('fill', 'none').attr('stroke', colour(name))
        .attr('stroke-dasharray', '5 4')
        .attr('d', d3.line<{ x: number; v: number }>().x((p) => p.x).y((p) => y(p.v))(formula) ?? '');
    }
    const item = root.append('g').attr('class', 'legend-item')
      .attr('transform', `translate(${width - margin.right + 12},${margin.top + 18 * legend++})`);
    item.append('rect').attr('width', 12).attr('height', 12).attr('fill', colour(name));
    item.append('text').attr('x', 18).attr('y', 10).text(name);
  }
}
