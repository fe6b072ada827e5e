/**
 * The diagram's messages and point events. Arrows run from send to delivery, coloured by the
 * protocol's message group; a drop is a dashed red stub with a cross; a group the reader hid
 * is left out. With the future hidden, an arrow in flight at the current instant stops where
 * the message is. Arrows are batched into one canvas path per style, so a frame costs a few
 * strokes however many arrows are visible; past MAX_ARROWS in the window, every k-th is drawn.
 */
import { firstArrow } from '../model/bisect.js';
import { KIND, type TraceModel } from '../model/traceModel.js';
import { type Frame, laneY, shown, verticalRule } from './frame.js';
import { PRIORITY } from './labels.js';
import { DROP_COLOUR, TONE_COLOURS } from './palette.js';
import { groupIndex, type Scene } from './scene.js';

/** Maximum arrows and point events drawn per frame before thinning. */
export const MAX_ARROWS = 6_000;
export const MAX_POINTS = 12_000;

/** Arrows in the window, in send order, that the reader has not hidden. */
function visibleArrows(f: Frame, scene: Scene): { drawn: number[]; stride: number } {
  const { model: m, derived: d } = scene;
  const from = firstArrow(d, m.lowerBound(f.t0 - d.maxSpan));
  const to = firstArrow(d, m.upperBound(f.t1));
  const stride = Math.max(1, Math.ceil((to - from) / MAX_ARROWS));
  const drawn: number[] = [];
  const hidden = f.choices.hidden;
  for (let a = from; a < to; a += stride) {
    const s = d.arrowSend[a] as number;
    if ((m.t[d.arrowEnd[a] as number] as number) < f.t0 || !shown(f, s)) continue;
    if (hidden.size > 0 && hidden.has(groupIndex(scene, m.tag(s)))) continue;
    drawn.push(a);
  }
  return { drawn, stride };
}

/** Draws the arrows; returns those drawn (for hit testing) and the thinning stride. */
export function drawArrows(f: Frame, scene: Scene): { drawn: number[]; stride: number } {
  const { model: m, derived: d } = scene;
  const { drawn, stride } = visibleArrows(f, scene);
  const heads = drawn.length <= 3_000;
  const { ctx } = f;
  // A style is (faint, drop, group) as one number: faint ones sort first, so the highlighted
  // past is drawn over them.
  const groups = scene.groups.length;
  const byStyle = new Map<number, number[]>();
  for (const a of drawn) {
    const s = d.arrowSend[a] as number;
    const e = d.arrowEnd[a] as number;
    const drop = m.kind[e] === KIND.drop;
    const faint = f.highlight !== null && (f.highlight[s] !== 1 || (f.highlight[e] !== 1 && !drop));
    const key = ((faint ? 0 : 2) + (drop ? 1 : 0)) * groups + groupIndex(scene, m.tag(s));
    const list = byStyle.get(key);
    if (list === undefined) byStyle.set(key, [a]);
    else list.push(a);
  }
  for (const key of [...byStyle.keys()].sort((p, q) => p - q)) {
    const style = Math.floor(key / groups);
    const faint = style < 2;
    const drop = style % 2 === 1;
    ctx.globalAlpha = faint ? 0.12 : 1;
    ctx.strokeStyle = drop ? DROP_COLOUR : scene.groups[key % groups]?.colour ?? '#475569';
    ctx.setLineDash(drop ? [3, 2] : []);
    ctx.lineWidth = drop ? 1 : 1.2;
    ctx.beginPath();
    for (const a of byStyle.get(key) ?? []) {
      arrowPath(f, m, d.arrowSend[a] as number, d.arrowEnd[a] as number, drop, heads);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1;
  return { drawn, stride };
}

/** Adds one arrow (line, and a head or the drop cross) to the current path. */
function arrowPath(f: Frame, m: TraceModel, s: number, e: number, drop: boolean,
  heads: boolean): void {
  const { ctx } = f;
  const x0 = f.x(m.t[s] as number);
  const y0 = laneY(f, m.node[s] as number);
  let x1 = f.x(m.t[e] as number);
  let y1 = laneY(f, m.node[e] as number);
  if (!shown(f, e)) {
    // In flight at the current instant: draw it up to where the message is now.
    const t0 = m.t[s] as number;
    const span = (m.t[e] as number) - t0;
    const k = span <= 0 ? 0 : Math.max(0, Math.min(1, (f.cursor - t0) / span));
    x1 = x0 + (x1 - x0) * k;
    y1 = y0 + (y1 - y0) * k;
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    return;
  }
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

/**
 * Draws point events in the window; returns those drawn and the thinning stride. Squares
 * (timers, notes, pauses) are batched into one path per kind and shade, so ten thousand of
 * them cost a few fills.
 */
export function drawPoints(f: Frame, scene: Scene): { drawn: number[]; stride: number } {
  const m = scene.model;
  const from = m.lowerBound(f.t0);
  const to = f.choices.future ? m.upperBound(f.t1) : Math.min(m.upperBound(f.t1),
    f.cursorIndex + 1);
  const stride = Math.max(1, Math.ceil((to - from) / MAX_POINTS));
  const drawn: number[] = [];
  const squares = new Map<number, number[]>();
  for (let i = from; i < to; i += stride) {
    const k = m.kind[i] as number;
    if (!POINT_KINDS.has(k)) continue;
    if ((k === KIND.timer && !f.choices.timers) || (k === KIND.note && !f.choices.notes)) continue;
    drawn.push(i);
    const faint = f.highlight !== null && f.highlight[i] !== 1;
    if (k === KIND.fault || k === KIND.crash || k === KIND.restart) {
      f.ctx.globalAlpha = faint ? 0.15 : 1;
      drawMarkPoint(f, m, i, k);
      continue;
    }
    if ((m.node[i] as number) < 0) continue;
    const key = k * 2 + (faint ? 1 : 0);
    const list = squares.get(key);
    if (list === undefined) squares.set(key, [i]);
    else list.push(i);
  }
  for (const [key, list] of squares) {
    const k = key >> 1;
    const [colour, size] = POINT_STYLE[k] ?? ['#6b7280', 2];
    const lift = k === KIND.timer ? 13 : 0;
    f.ctx.globalAlpha = key % 2 === 1 ? 0.15 : 1;
    f.ctx.fillStyle = colour;
    f.ctx.beginPath();
    for (const i of list) {
      f.ctx.rect(f.x(m.t[i] as number) - size / 2,
        laneY(f, m.node[i] as number) - size / 2 - lift, size, size);
    }
    f.ctx.fill();
  }
  f.ctx.globalAlpha = 1;
  return { drawn, stride };
}

/** A fault (a dashed line across every lane), a crash (✕) or a restart (↻). */
function drawMarkPoint(f: Frame, m: TraceModel, i: number, k: number): void {
  const { ctx } = f;
  const x = f.x(m.t[i] as number);
  const lane = m.node[i] as number;
  if (k === KIND.fault) {
    verticalRule(f, x, '#9a3412', [2, 3]);
    f.labels.add(m.tag(i) ?? 'fault', x + 3, f.top + 10, PRIORITY.fault, { colour: '#9a3412' });
    return;
  }
  if (lane < 0) return;
  ctx.fillStyle = (POINT_STYLE[k] ?? ['#6b7280'])[0];
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.fillText(k === KIND.crash ? '✕' : '↻', x - 4, laneY(f, lane) + 5);
  ctx.font = '11px system-ui, sans-serif';
}

const POINT_STYLE: Readonly<Record<number, [string, number]>> = {
  [KIND.crash]: [TONE_COLOURS.bad, 8], [KIND.restart]: [TONE_COLOURS.ok, 8],
  [KIND.pause]: [TONE_COLOURS.info, 6], [KIND.resume]: [TONE_COLOURS.info, 6],
  [KIND.timer]: ['#6b7280', 3], [KIND.start]: [TONE_COLOURS.ok, 4],
  [KIND.corrupt]: [TONE_COLOURS.seek, 6], [KIND.note]: [TONE_COLOURS.learn, 3],
};
