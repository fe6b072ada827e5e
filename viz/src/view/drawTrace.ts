/**
 * Draws one frame of the space-time diagram on a canvas: lanes, shaded partitions, crashes
 * and pauses, role bands, client operations, message arrows, point events, the violation
 * marker and the current instant. Only the visible time window is drawn, found by binary
 * search; when a window holds more arrows or events than a frame can afford, every k-th is
 * drawn and the frame says so. Text is drawn with fillText, so trace strings stay text.
 */
import { firstArrow, firstStarting } from '../model/bisect.js';
import { type Derived, type Interval, opLabel } from '../model/derive.js';
import { KIND, type TraceModel } from '../model/traceModel.js';
import { formatTime, numberColour, OUTCOME_COLOURS, roleColour } from './palette.js';

/** Maximum arrows and point events drawn per frame before thinning. */
export const MAX_ARROWS = 6_000;
export const MAX_POINTS = 12_000;
export const MAX_OPS = 6_000;

/** Geometry of a frame. */
export interface Frame {
  readonly ctx: CanvasRenderingContext2D;
  readonly width: number;
  readonly height: number;
  /** Time to x. */
  readonly x: (t: number) => number;
  readonly t0: number;
  readonly t1: number;
  readonly gutter: number;
  readonly top: number;
  readonly laneHeight: number;
  readonly cursor: number;
  /** 1 for highlighted (causal past) records; null when nothing is highlighted. */
  readonly highlight: Uint8Array | null;
  /** A note per lane drawn at its start (a drifting local clock), or undefined. */
  readonly laneNotes: readonly (string | undefined)[];
}

/** What a frame drew, for hit testing. */
export interface Drawn {
  readonly arrows: number[];
  readonly points: number[];
  readonly thinned: number;
}

/** Lane centre y. */
export function laneY(f: Frame, lane: number): number {
  return f.top + lane * f.laneHeight + f.laneHeight / 2;
}

/** Draws a whole frame. */
export function drawFrame(f: Frame, m: TraceModel, d: Derived, ticks: number[]): Drawn {
  const { ctx } = f;
  ctx.clearRect(0, 0, f.width, f.height);
  ctx.font = '11px system-ui, sans-serif';
  drawAxis(f, ticks);
  drawLanes(f, m);
  drawCuts(f, d);
  drawRoles(f, d);
  drawIntervals(f, d.down, 'rgba(90,90,90,0.35)', 'crashed');
  drawIntervals(f, d.paused, 'rgba(80,120,220,0.25)', 'paused');
  drawOps(f, m, d);
  const arrows = drawArrows(f, m, d);
  const points = drawPoints(f, m);
  drawViolation(f, m, d);
  drawCursor(f);
  const thinned = Math.max(arrows.stride, points.stride);
  if (thinned > 1) {
    ctx.fillStyle = '#555';
    ctx.fillText(`showing 1 in ${thinned} events at this zoom`, f.gutter + 4, f.height - 4);
  }
  return { arrows: arrows.drawn, points: points.drawn, thinned };
}

function visible(f: Frame, t0: number, t1: number): boolean {
  return t1 >= f.t0 && t0 <= f.t1;
}

function clampX(f: Frame, t: number): number {
  return Math.max(f.gutter, Math.min(f.width, f.x(t)));
}

function drawAxis(f: Frame, ticks: number[]): void {
  const { ctx } = f;
  ctx.fillStyle = '#333';
  ctx.strokeStyle = '#e4e4e4';
  ctx.textAlign = 'center';
  for (const t of ticks) {
    const x = f.x(t);
    ctx.beginPath();
    ctx.moveTo(x, f.top - 4);
    ctx.lineTo(x, f.height);
    ctx.stroke();
    ctx.fillText(formatTime(t), x, f.top - 8);
  }
  ctx.textAlign = 'left';
}

function drawLanes(f: Frame, m: TraceModel): void {
  const { ctx } = f;
  m.lanes.forEach((id, lane) => {
    const y = laneY(f, lane);
    ctx.strokeStyle = lane < m.servers ? '#222' : '#777';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(f.gutter, y);
    ctx.lineTo(f.width, y);
    ctx.stroke();
    ctx.fillStyle = '#111';
    ctx.fillText(id, 6, y + 4);
    const note = f.laneNotes[lane];
    if (note !== undefined) {
      ctx.fillStyle = '#7a5c00';
      ctx.fillText(note, f.gutter + 4, y - f.laneHeight / 2 + 10);
    }
  });
}

function drawCuts(f: Frame, d: Derived): void {
  const { ctx } = f;
  for (const epoch of d.cuts) {
    if (!visible(f, epoch.t0, epoch.t1)) continue;
    const x0 = clampX(f, epoch.t0);
    const x1 = clampX(f, epoch.t1);
    epoch.isolatedFrom.forEach((others, lane) => {
      if (others.length === 0) return;
      const y = laneY(f, lane) - f.laneHeight / 2 + 2;
      ctx.fillStyle = 'rgba(230,120,40,0.18)';
      ctx.fillRect(x0, y, Math.max(1, x1 - x0), f.laneHeight - 4);
      if (x1 - x0 > 80) {
        ctx.fillStyle = '#b35900';
        const label = `cut from ${others.length} node${others.length > 1 ? 's' : ''}`;
        ctx.fillText(label, x0 + 3, y + 10);
      }
    });
  }
}

function drawRoles(f: Frame, d: Derived): void {
  const { ctx } = f;
  for (const seg of d.roles) {
    if (seg.t0 > f.t1) break;
    if (!visible(f, seg.t0, seg.t1)) continue;
    const x0 = clampX(f, seg.t0);
    const x1 = clampX(f, seg.t1);
    const y = laneY(f, seg.lane);
    ctx.fillStyle = roleColour(seg.role);
    ctx.fillRect(x0, y - 4, Math.max(1, x1 - x0), 8);
    if (seg.number !== '') {
      // A thin stripe coloured by the term (ballot, epoch): a change of term shows at a glance.
      ctx.fillStyle = numberColour(seg.number);
      ctx.fillRect(x0, y - 7, Math.max(1, x1 - x0), 3);
    }
    if (x1 - x0 > 60) {
      ctx.fillStyle = '#333';
      ctx.fillText(`${seg.role} ${seg.number}`.trim(), x0 + 3, y + 15);
    }
  }
}

function drawIntervals(f: Frame, list: readonly Interval[], colour: string, label: string): void {
  const { ctx } = f;
  for (const it of list) {
    if (!visible(f, it.t0, it.t1)) continue;
    const x0 = clampX(f, it.t0);
    const x1 = clampX(f, it.t1);
    const y = laneY(f, it.lane) - f.laneHeight / 2 + 1;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, y, Math.max(2, x1 - x0), f.laneHeight - 2);
    if (x1 - x0 > 50) {
      ctx.fillStyle = '#222';
      ctx.fillText(label, x0 + 3, y + f.laneHeight - 6);
    }
  }
}

function drawOps(f: Frame, m: TraceModel, d: Derived): void {
  const { ctx } = f;
  const from = firstStarting(d.ops, f.t0 - d.maxOpSpan);
  const to = firstStarting(d.ops, f.t1 + 1);
  const stride = Math.max(1, Math.ceil((to - from) / MAX_OPS));
  const labels = (to - from) / stride < 400;
  for (let i = from; i < to; i += stride) {
    const op = d.ops[i] as Derived['ops'][number];
    if (op.t1 < f.t0) continue;
    const x0 = clampX(f, op.t0);
    const x1 = clampX(f, op.t1);
    const y = laneY(f, op.lane);
    ctx.fillStyle = OUTCOME_COLOURS[op.outcome] ?? '#999';
    ctx.fillRect(x0, y - 5, Math.max(2, x1 - x0), 10);
    if (labels && x1 - x0 > 40) {
      ctx.fillStyle = '#111';
      ctx.fillText(opLabel(m, op).slice(0, Math.floor((x1 - x0) / 6)), x0 + 2, y - 7);
    }
  }
}



function drawArrows(f: Frame, m: TraceModel, d: Derived): { drawn: number[]; stride: number } {
  const from = firstArrow(d, m.lowerBound(f.t0 - d.maxSpan));
  const to = firstArrow(d, m.upperBound(f.t1));
  const stride = Math.max(1, Math.ceil((to - from) / MAX_ARROWS));
  const drawn: number[] = [];
  for (let a = from; a < to; a += stride) {
    if ((m.t[d.arrowEnd[a] as number] as number) >= f.t0) drawn.push(a);
  }
  // One path per style: a few strokes per frame however many arrows are visible.
  const heads = drawn.length <= 3_000;
  for (const faint of f.highlight === null ? [false] : [true, false]) {
    for (const drop of [false, true]) {
      f.ctx.globalAlpha = faint ? 0.12 : 1;
      f.ctx.strokeStyle = drop ? '#d62728' : '#1f5fa8';
      f.ctx.fillStyle = f.ctx.strokeStyle;
      f.ctx.setLineDash(drop ? [3, 2] : []);
      f.ctx.beginPath();
      for (const a of drawn) {
        const s = d.arrowSend[a] as number;
        const e = d.arrowEnd[a] as number;
        if ((m.kind[e] === KIND.drop) !== drop) continue;
        const dim = f.highlight !== null &&
          (f.highlight[s] !== 1 || (f.highlight[e] !== 1 && !drop));
        if (dim === faint) arrowPath(f, m, s, e, drop, heads);
      }
      f.ctx.stroke();
    }
  }
  f.ctx.setLineDash([]);
  f.ctx.globalAlpha = 1;
  return { drawn, stride };
}

/** Adds one arrow (line, and a head or the drop cross) to the current path. */
function arrowPath(f: Frame, m: TraceModel, s: number, e: number, drop: boolean,
  heads: boolean): void {
  const { ctx } = f;
  const x0 = f.x(m.t[s] as number);
  const y0 = laneY(f, m.node[s] as number);
  let x1 = f.x(m.t[e] as number);
  const y1 = laneY(f, m.node[e] as number);
  if (drop && x1 - x0 < 1) x1 = x0 + 8; // dropped at once: a short stub toward the receiver
  const ex = drop ? x0 + (x1 - x0) * 0.6 : x1;
  const ey = drop ? y0 + (y1 - y0) * 0.6 : y1;
  ctx.moveTo(x0, y0);
  ctx.lineTo(ex, ey);
  if (drop) {
    ctx.moveTo(ex - 3, ey - 3);
    ctx.lineTo(ex + 3, ey + 3);
    ctx.moveTo(ex + 3, ey - 3);
    ctx.lineTo(ex - 3, ey + 3);
  } else if (heads) arrowHead(ctx, x0, y0, x1, y1);
}

/** Two strokes of an open arrow head at (x1, y1), added to the current path. */
function arrowHead(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number,
  y1: number): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  ctx.moveTo(x1 - 6 * Math.cos(angle - 0.4), y1 - 6 * Math.sin(angle - 0.4));
  ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - 6 * Math.cos(angle + 0.4), y1 - 6 * Math.sin(angle + 0.4));
}

const POINT_KINDS = new Set([KIND.crash, KIND.restart, KIND.pause, KIND.resume, KIND.timer,
  KIND.start, KIND.corrupt, KIND.note, KIND.fault]);

function drawPoints(f: Frame, m: TraceModel): { drawn: number[]; stride: number } {
  const from = m.lowerBound(f.t0);
  const to = m.upperBound(f.t1);
  const stride = Math.max(1, Math.ceil((to - from) / MAX_POINTS));
  const drawn: number[] = [];
  for (let i = from; i < to; i += stride) {
    const k = m.kind[i] as number;
    if (!POINT_KINDS.has(k)) continue;
    drawn.push(i);
    f.ctx.globalAlpha = f.highlight !== null && f.highlight[i] !== 1 ? 0.15 : 1;
    drawPoint(f, m, i, k);
  }
  f.ctx.globalAlpha = 1;
  return { drawn, stride };
}

function drawPoint(f: Frame, m: TraceModel, i: number, k: number): void {
  const { ctx } = f;
  const x = f.x(m.t[i] as number);
  const lane = m.node[i] as number;
  if (k === KIND.fault) {
    ctx.strokeStyle = '#b35900';
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(x, f.top);
    ctx.lineTo(x, f.height - 12);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#b35900';
    ctx.fillText(m.tags[i] ?? 'fault', x + 2, f.top + 10);
    return;
  }
  if (lane < 0) return;
  const y = laneY(f, lane);
  const style = POINT_STYLE[k] ?? ['#888', 2];
  ctx.fillStyle = style[0];
  if (k === KIND.crash || k === KIND.restart) {
    ctx.font = 'bold 13px system-ui, sans-serif';
    ctx.fillText(k === KIND.crash ? '✕' : '↻', x - 4, y + 5);
    ctx.font = '11px system-ui, sans-serif';
    return;
  }
  ctx.fillRect(x - style[1] / 2, y - style[1] / 2 - (k === KIND.timer ? 7 : 0), style[1], style[1]);
}

const POINT_STYLE: Readonly<Record<number, [string, number]>> = {
  [KIND.crash]: ['#c00', 8], [KIND.restart]: ['#2a8a2a', 8], [KIND.pause]: ['#3060c0', 6],
  [KIND.resume]: ['#3060c0', 6], [KIND.timer]: ['#999', 3], [KIND.start]: ['#2a8a2a', 4],
  [KIND.corrupt]: ['#a0a', 6], [KIND.note]: ['#6a4', 3],
};

function drawViolation(f: Frame, m: TraceModel, d: Derived): void {
  if (d.violation < 0) return;
  const t = m.t[d.violation] as number;
  if (t < f.t0 || t > f.t1) return;
  const { ctx } = f;
  const x = f.x(t);
  ctx.strokeStyle = '#d00';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, f.top);
  ctx.lineTo(x, f.height - 12);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = '#d00';
  ctx.beginPath();
  ctx.moveTo(x, f.top - 2);
  ctx.lineTo(x - 7, f.top - 11);
  ctx.lineTo(x, f.top - 20);
  ctx.lineTo(x + 7, f.top - 11);
  ctx.fill();
  ctx.font = 'bold 11px system-ui, sans-serif';
  const label = `violation: ${d.violationName}`;
  const w = ctx.measureText(label).width;
  ctx.fillText(label, x + 9 + w > f.width ? x - 9 - w : x + 9, f.top - 14);
  ctx.font = '11px system-ui, sans-serif';
}

function drawCursor(f: Frame): void {
  if (f.cursor < f.t0 || f.cursor > f.t1) return;
  const { ctx } = f;
  const x = f.x(f.cursor);
  ctx.strokeStyle = '#0a7';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x, f.top - 4);
  ctx.lineTo(x, f.height);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** A purple vertical marker with a label at its top (a fork's divergence point). */
export function drawMarker(f: Frame, time: number, label: string): void {
  if (time < f.t0 || time > f.t1) return;
  const { ctx } = f;
  const x = f.x(time);
  ctx.strokeStyle = '#8a2be2';
  ctx.lineWidth = 2;
  ctx.setLineDash([6, 3]);
  ctx.beginPath();
  ctx.moveTo(x, f.top);
  ctx.lineTo(x, f.height - 12);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
  ctx.fillStyle = '#8a2be2';
  const w = ctx.measureText(label).width;
  ctx.fillText(label, x + 6 + w > f.width ? x - 6 - w : x + 6, f.height - 2);
}
