/**
 * Draws one frame of the space-time diagram on a canvas: lanes, partitions, crashes and
 * pauses, role bands in the protocol's words, the view's bands and marks, client operations
 * coloured by what their outcome means, message arrows coloured by group (hidden groups left
 * out), point events, the violation with its numbered evidence, and the current instant.
 * With the future hidden, nothing after the current instant is drawn and messages in flight
 * stop where they are. Only the visible window is drawn, found by binary search; when it
 * holds more than a frame can afford, every k-th item is drawn and the frame says so. Labels
 * go through a LabelLayer, so none overlaps another. Text is drawn with fillText, so trace
 * strings stay text.
 */
import { firstStarting } from '../model/bisect.js';
import { type ClientOp, type Interval, opLabel } from '../model/derive.js';
import type { Band, Mark } from '../../../protocols/view.js';
import { drawArrows, drawPoints } from './drawMessages.js';
import { type Drawn, type Frame, laneY, shown, verticalRule } from './frame.js';
import { PRIORITY } from './labels.js';
import {
  CURSOR_COLOUR, CUT_FILL, CUT_TEXT, DIVERGENCE_COLOUR, DOWN_FILL, EVIDENCE_COLOUR, formatTime,
  numberColour, numberOf, OUTCOME_COLOURS, PAUSED_FILL, SOFT_TEXT, TEXT, toneColour,
  VIOLATION_COLOUR,
} from './palette.js';
import { roleWord, type Scene } from './scene.js';

export { type Drawn, type Frame, laneY } from './frame.js';

/** Maximum client operations drawn per frame before thinning. */
export const MAX_OPS = 6_000;

/** The last time drawn: the trace's when the future is shown, else the current instant. */
function horizon(f: Frame): number {
  return f.choices.future ? Infinity : f.cursor;
}

/** Draws a whole frame, with a labelled marker (where two runs diverge) when given. */
export function drawFrame(f: Frame, scene: Scene, ticks: number[],
  marker?: { time: number; label: string }): Drawn {
  const { ctx } = f;
  ctx.clearRect(0, 0, f.width, f.height);
  ctx.font = '11px system-ui, sans-serif';
  drawAxis(f, ticks);
  drawLanes(f, scene);
  drawCuts(f, scene);
  drawRoles(f, scene);
  drawIntervals(f, scene.derived.down, DOWN_FILL, 'crashed');
  drawIntervals(f, scene.derived.paused, PAUSED_FILL, 'paused');
  drawBands(f, scene);
  drawOps(f, scene);
  const arrows = drawArrows(f, scene);
  const points = drawPoints(f, scene);
  drawMarks(f, scene);
  const violationX = drawViolation(f, scene);
  const evidence = drawEvidence(f, scene);
  drawCursor(f);
  if (marker !== undefined) drawMarker(f, marker.time, marker.label);
  const thinned = Math.max(arrows.stride, points.stride);
  if (thinned > 1) {
    f.labels.add(`showing 1 in ${thinned} events at this zoom`, f.gutter + 4, f.height - 4,
      PRIORITY.violation, { colour: SOFT_TEXT });
  }
  f.labels.draw();
  return { arrows: arrows.drawn, points: points.drawn, thinned, evidence, violationX };
}

function visible(f: Frame, t0: number, t1: number): boolean {
  return t1 >= f.t0 && t0 <= f.t1;
}

function clampX(f: Frame, t: number): number {
  return Math.max(f.gutter, Math.min(f.width, f.x(Math.min(t, horizon(f)))));
}

function drawAxis(f: Frame, ticks: number[]): void {
  const { ctx } = f;
  ctx.strokeStyle = '#e5e7eb';
  for (const t of ticks) {
    const x = f.x(t);
    ctx.beginPath();
    ctx.moveTo(x, f.top - 4);
    ctx.lineTo(x, f.height);
    ctx.stroke();
    f.labels.add(formatTime(t), x, f.top - 18, PRIORITY.tick, { align: 'center', colour: SOFT_TEXT });
  }
}

function drawLanes(f: Frame, scene: Scene): void {
  const { ctx } = f;
  const m = scene.model;
  m.lanes.forEach((id, lane) => {
    const y = laneY(f, lane);
    ctx.strokeStyle = lane < m.servers ? '#1f2937' : '#6b7280';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(f.gutter, y);
    ctx.lineTo(f.width, y);
    ctx.stroke();
    ctx.fillStyle = TEXT;
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.fillText(id, 4, y + 4);
    const kind = scene.laneKinds[lane];
    if (kind !== undefined) {
      ctx.font = '9px system-ui, sans-serif';
      ctx.fillStyle = SOFT_TEXT;
      ctx.fillText(kind.slice(0, 11), 4, y + 15);
    }
    ctx.font = '11px system-ui, sans-serif';
    const note = scene.laneNotes[lane];
    if (note !== undefined) {
      f.labels.add(note, f.gutter + 4, y - f.laneHeight / 2 + 11, PRIORITY.note,
        { colour: '#92400e' });
    }
  });
}

function drawCuts(f: Frame, scene: Scene): void {
  const { ctx } = f;
  for (const epoch of scene.derived.cuts) {
    if (!visible(f, epoch.t0, epoch.t1) || epoch.t0 > horizon(f)) continue;
    const x0 = clampX(f, epoch.t0);
    const x1 = clampX(f, epoch.t1);
    epoch.isolatedFrom.forEach((others, lane) => {
      if (others.length === 0) return;
      const y = laneY(f, lane) - f.laneHeight / 2 + 2;
      ctx.fillStyle = CUT_FILL;
      ctx.fillRect(x0, y, Math.max(1, x1 - x0), f.laneHeight - 4);
      const label = `cut off from ${others.map((o) => scene.model.lanes[o]).join(', ')}`;
      f.labels.add(label, x0 + 3, y + f.laneHeight - 7, PRIORITY.cut, { colour: CUT_TEXT });
    });
  }
}

function drawRoles(f: Frame, scene: Scene): void {
  const { ctx } = f;
  for (const seg of scene.derived.roles) {
    if (seg.t0 > f.t1) break;
    if (!visible(f, seg.t0, seg.t1) || !shown(f, seg.i0)) continue;
    const x0 = clampX(f, seg.t0);
    // A role taken at the run's last instant still gets a visible band.
    const x1 = Math.max(clampX(f, seg.t1), Math.min(f.width, x0 + 4));
    const y = laneY(f, seg.lane);
    const word = roleWord(scene, seg.role);
    ctx.fillStyle = toneColour(word.tone);
    ctx.fillRect(x0, y - 4, x1 - x0, 8);
    if (seg.number !== '') {
      // A thin stripe coloured by the term (ballot, epoch): a change of term shows at a glance.
      ctx.fillStyle = numberColour(numberOf(seg.number));
      ctx.fillRect(x0, y - 7, x1 - x0, 3);
    }
    if (x1 - x0 > 30) {
      f.labels.add(`${word.label} ${seg.number}`.trim(), x0 + 2, y - 9, PRIORITY.role,
        { colour: toneColour(word.tone) });
    }
  }
}

function drawIntervals(f: Frame, list: readonly Interval[], colour: string, label: string): void {
  const { ctx } = f;
  for (const it of list) {
    if (!visible(f, it.t0, it.t1) || it.t0 > horizon(f)) continue;
    const x0 = clampX(f, it.t0);
    const x1 = clampX(f, it.t1);
    const y = laneY(f, it.lane) - f.laneHeight / 2 + 1;
    ctx.fillStyle = colour;
    ctx.fillRect(x0, y, Math.max(2, x1 - x0), f.laneHeight - 2);
    f.labels.add(label, x0 + 3, y + f.laneHeight - 5, PRIORITY.band, { colour: TEXT });
  }
}

/** Sub-rows of a lane for bands, by tone: a transaction's locks, prepared, blocked. */
const BAND_ROW: Readonly<Record<string, number>> = { info: 0, lead: 0, warn: 1, bad: 2 };

function drawBands(f: Frame, scene: Scene): void {
  const { ctx } = f;
  for (const b of scene.timeline.bands as readonly Band[]) {
    if (b.t0 > f.t1) break;
    if (!visible(f, b.t0, b.t1) || !shown(f, b.index)) continue;
    const lane = scene.model.laneOf.get(b.node);
    if (lane === undefined) continue;
    const x0 = clampX(f, b.t0);
    const x1 = Math.max(clampX(f, b.t1), x0 + 2);
    const y = laneY(f, lane) + 6 + 4 * (BAND_ROW[b.tone] ?? 1);
    ctx.fillStyle = toneColour(b.tone);
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x0, y, x1 - x0, 3);
    ctx.globalAlpha = 1;
    if (x1 - x0 > 40) {
      f.labels.add(b.label, x0 + 2, laneY(f, lane) + f.laneHeight / 2 - 2, PRIORITY.band,
        { colour: toneColour(b.tone), font: '10px system-ui, sans-serif' });
    }
  }
}

function drawMarks(f: Frame, scene: Scene): void {
  const { ctx } = f;
  for (const mark of scene.timeline.marks as readonly Mark[]) {
    if (mark.t < f.t0 || mark.t > f.t1 || !shown(f, mark.index)) continue;
    const lane = scene.model.laneOf.get(mark.node);
    if (lane === undefined) continue;
    const x = f.x(mark.t);
    const y = laneY(f, lane) - 11;
    ctx.fillStyle = toneColour(mark.tone);
    ctx.beginPath();
    ctx.moveTo(x - 4, y - 5);
    ctx.lineTo(x + 4, y - 5);
    ctx.lineTo(x, y + 1);
    ctx.fill();
    f.labels.add(mark.label, x + 5, y - 1, PRIORITY.mark, { colour: toneColour(mark.tone),
      font: '10px system-ui, sans-serif' });
  }
}

function drawOps(f: Frame, scene: Scene): void {
  const { ctx } = f;
  const d = scene.derived;
  const from = firstStarting(d.ops, f.t0 - d.maxOpSpan);
  const to = firstStarting(d.ops, f.t1 + 1);
  const stride = Math.max(1, Math.ceil((to - from) / MAX_OPS));
  const labels = (to - from) / stride < 300;
  for (let i = from; i < to; i += stride) {
    const op = d.ops[i] as ClientOp;
    if (op.t1 < f.t0 || !shown(f, op.invoke)) continue;
    const done = shown(f, op.done) && op.done >= 0;
    const x0 = clampX(f, op.t0);
    const x1 = clampX(f, op.t1);
    const y = laneY(f, op.lane);
    const focused = f.focusOps?.has(op.invoke) ?? false;
    ctx.globalAlpha = f.focusOps !== null && !focused ? 0.18 : 1;
    ctx.fillStyle = OUTCOME_COLOURS[done ? op.meaning : 'pending'];
    ctx.fillRect(x0, y - 5, Math.max(2, x1 - x0), 10);
    if (focused) {
      ctx.strokeStyle = EVIDENCE_COLOUR;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, y - 7, Math.max(2, x1 - x0) + 2, 14);
      ctx.lineWidth = 1;
    }
    ctx.globalAlpha = 1;
    if ((labels && x1 - x0 > 40) || focused) {
      f.labels.add(opLabel(scene.model, op), x0 + 1, y - 8, focused ? PRIORITY.evidence : PRIORITY.op);
    }
  }
}

function drawViolation(f: Frame, scene: Scene): number | undefined {
  const d = scene.derived;
  if (d.violation < 0 || !shown(f, d.violation)) return undefined;
  const t = scene.model.t[d.violation] as number;
  if (t < f.t0 || t > f.t1) return undefined;
  const { ctx } = f;
  const x = f.x(t);
  ctx.strokeStyle = VIOLATION_COLOUR;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, f.top);
  ctx.lineTo(x, f.height - 12);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = VIOLATION_COLOUR;
  ctx.beginPath();
  ctx.moveTo(x, f.top - 1);
  ctx.lineTo(x - 6, f.top - 8);
  ctx.lineTo(x, f.top - 15);
  ctx.lineTo(x + 6, f.top - 8);
  ctx.fill();
  f.labels.add(`violation: ${d.violationName}`, x - 9, f.top - 4, PRIORITY.violation,
    { colour: VIOLATION_COLOUR, font: 'bold 11px system-ui, sans-serif', align: 'end' });
  return x;
}

/** Numbered markers at each piece of evidence, a bracket over a span, and its label. */
function drawEvidence(f: Frame, scene: Scene): { x: number; y: number; k: number }[] {
  const { ctx } = f;
  const out: { x: number; y: number; k: number }[] = [];
  scene.evidence.forEach((e, k) => {
    if (!shown(f, e.index)) return;
    const lane = e.node === undefined ? undefined : scene.model.laneOf.get(e.node);
    const y = lane === undefined ? f.top + 8 : laneY(f, lane);
    if (e.from !== undefined && visible(f, e.from.time, e.time)) {
      const x0 = clampX(f, e.from.time);
      const x1 = clampX(f, e.time);
      ctx.strokeStyle = EVIDENCE_COLOUR;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, y - 8, Math.max(3, x1 - x0) + 2, 16);
      ctx.lineWidth = 1;
    }
    if (e.time < f.t0 || e.time > f.t1) return;
    const x = f.x(e.time);
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = EVIDENCE_COLOUR;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, 7, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = EVIDENCE_COLOUR;
    ctx.font = 'bold 10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(String(k + 1), x, y + 3.5);
    ctx.textAlign = 'left';
    ctx.font = '11px system-ui, sans-serif';
    f.labels.add(`${k + 1}. ${e.label}`, x + 9, y + 18, PRIORITY.evidence,
      { colour: EVIDENCE_COLOUR, font: 'bold 11px system-ui, sans-serif' });
    out.push({ x, y, k });
  });
  return out;
}

function drawCursor(f: Frame): void {
  if (f.cursor < f.t0 || f.cursor > f.t1) return;
  const { ctx } = f;
  const x = f.x(f.cursor);
  ctx.strokeStyle = CURSOR_COLOUR;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x, f.top - 4);
  ctx.lineTo(x, f.height);
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** A dashed vertical marker with a label at the bottom (where two runs diverge). */
function drawMarker(f: Frame, time: number, label: string): void {
  if (time < f.t0 || time > f.t1) return;
  const x = f.x(time);
  verticalRule(f, x, DIVERGENCE_COLOUR, [6, 3], 2);
  f.labels.add(label, x + 6, f.height - 2, PRIORITY.divergence,
    { colour: DIVERGENCE_COLOUR, font: 'bold 11px system-ui, sans-serif' });
}
