/**
 * The space-time diagram: a canvas with a lane per node along simulated time, zoomed and
 * panned with d3-zoom (wheel, drag, or the zoom buttons), redrawn on the next animation
 * frame after any change. Hovering shows the record under the pointer as text; a click sets
 * the current instant, and a click on the violation marker asks to jump there.
 */
import { scaleLinear, select, zoom, type ZoomBehavior, zoomIdentity, type ZoomTransform } from 'd3';
import type { Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import { type Drawn, drawFrame, drawMarker, type Frame, laneY } from './drawTrace.js';
import { showJson } from './dom.js';
import { formatTime } from './palette.js';

const GUTTER = 44;
const TOP = 30;

/** What the diagram tells its owner. */
export interface SpaceTimeEvents {
  onCursor(time: number): void;
  onViolation(): void;
  /** A click on a message arrow: the index of its delivery or drop record. */
  onMessage(end: number): void;
}

/** The diagram widget. */
export class SpaceTime {
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private base = scaleLinear();
  private transform: ZoomTransform = zoomIdentity;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private pending = 0;
  private drawn: Drawn = { arrows: [], points: [], thinned: 1 };
  private cursor = 0;
  private highlight: Uint8Array | null = null;
  private marker: { time: number; label: string } | undefined;
  private laneNotes: readonly (string | undefined)[] = [];
  /** Milliseconds the last frame took to draw (for the benchmark). */
  lastFrameMs = 0;
  frames = 0;
  /** performance.now() when the current trace was first drawn (NaN until then). */
  firstFrameAt = NaN;

  constructor(
    private readonly host: HTMLElement,
    private model: TraceModel,
    private derived: Derived,
    private readonly events: SpaceTimeEvents,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'spacetime';
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    host.replaceChildren(this.canvas, this.tip);
    this.zoomer = zoom<HTMLCanvasElement, unknown>().scaleExtent([1, 1e7])
      .on('zoom', (e: { transform: ZoomTransform }) => {
        this.transform = e.transform;
        this.request();
      });
    select(this.canvas).call(this.zoomer).on('dblclick.zoom', null);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => (this.tip.hidden = true));
    this.canvas.addEventListener('click', (e) => this.click(e));
    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
  }

  /** Shows another trace (a re-run); keeps the zoom when the time span is similar. */
  setTrace(model: TraceModel, derived: Derived): void {
    this.model = model;
    this.derived = derived;
    this.highlight = null;
    this.firstFrameAt = NaN;
    this.resize();
  }

  setCursor(time: number): void {
    this.cursor = time;
    this.request();
  }

  /** Notes drawn at the start of lanes (a node's drifting clock). */
  setLaneNotes(notes: readonly (string | undefined)[]): void {
    this.laneNotes = notes;
    this.request();
  }

  /** A labelled vertical marker (where a forked run diverges), or none. */
  setMarker(marker: { time: number; label: string } | undefined): void {
    this.marker = marker;
    this.request();
  }

  setHighlight(mask: Uint8Array | null): void {
    this.highlight = mask;
    this.request();
  }

  /** The visible time window. */
  get window(): [number, number] {
    const [a, b] = this.transform.rescaleX(this.base).domain();
    return [a as number, b as number];
  }

  /** Zooms by a factor around the centre (or the cursor when it is visible). */
  zoomBy(factor: number): void {
    const [a, b] = this.window;
    const centre = this.cursor >= a && this.cursor <= b ? this.cursor : (a + b) / 2;
    select(this.canvas).call(this.zoomer.scaleBy, factor, [this.base(centre), 0]);
  }

  /** Pans by a fraction of the visible width (positive: later). */
  panBy(fraction: number): void {
    const [a, b] = this.window;
    this.showWindow(a + (b - a) * fraction, b + (b - a) * fraction);
  }

  /** Shows the time window [t0, t1]. */
  showWindow(t0: number, t1: number): void {
    const [r0, r1] = this.base.range() as [number, number];
    const k = Math.max(1, (r1 - r0) / Math.max(1e-9, this.base(t1) - this.base(t0)));
    const tx = r0 - k * this.base(t0);
    select(this.canvas).call(this.zoomer.transform, zoomIdentity.translate(tx, 0).scale(k));
  }

  /** Whole trace in view. */
  reset(): void {
    select(this.canvas).call(this.zoomer.transform, zoomIdentity);
  }

  private resize(): void {
    const width = Math.max(300, this.host.clientWidth);
    const laneHeight = this.laneHeight();
    const height = TOP + this.model.lanes.length * laneHeight + 16;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const end = Math.max(1, this.model.end);
    this.base = scaleLinear().domain([0, end * 1.01]).range([GUTTER, width - 8]);
    this.zoomer.extent([[GUTTER, 0], [width - 8, height]])
      .translateExtent([[GUTTER, 0], [width - 8, height]]);
    this.request();
  }

  private laneHeight(): number {
    const lanes = this.model.lanes.length;
    return lanes <= 10 ? 42 : lanes <= 30 ? 26 : 14;
  }

  private request(): void {
    if (this.pending !== 0) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  /** Draws now (the animation frame calls this). */
  draw(): void {
    const start = performance.now();
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const frame = this.frame(ctx);
    const x = this.transform.rescaleX(this.base);
    this.drawn = drawFrame(frame, this.model, this.derived, x.ticks(8));
    if (this.marker !== undefined) drawMarker(frame, this.marker.time, this.marker.label);
    const end = performance.now();
    this.lastFrameMs = end - start;
    if (Number.isNaN(this.firstFrameAt)) this.firstFrameAt = end;
    this.frames++;
    this.canvas.dataset.frames = String(this.frames);
  }

  private frame(ctx: CanvasRenderingContext2D): Frame {
    const x = this.transform.rescaleX(this.base);
    const [t0, t1] = x.domain() as [number, number];
    return { ctx, width: this.canvas.width / (window.devicePixelRatio || 1),
      height: this.canvas.height / (window.devicePixelRatio || 1), x: (t) => x(t), t0, t1,
      gutter: GUTTER, top: TOP, laneHeight: this.laneHeight(), cursor: this.cursor,
      highlight: this.highlight, laneNotes: this.laneNotes };
  }

  /** The record nearest the pointer within a few pixels: an arrow's send or a point event. */
  private pick(px: number, py: number): number | undefined {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return undefined;
    const f = this.frame(ctx);
    const m = this.model;
    let best: number | undefined;
    let bestD = 6;
    for (const i of this.drawn.points) {
      const lane = m.node[i] as number;
      if (lane < 0) continue;
      const dd = Math.hypot(f.x(m.t[i] as number) - px, laneY(f, lane) - py);
      if (dd < bestD) [best, bestD] = [i, dd];
    }
    for (const a of this.drawn.arrows) {
      const s = this.derived.arrowSend[a] as number;
      const e = this.derived.arrowEnd[a] as number;
      const dd = segmentDistance(px, py, f.x(m.t[s] as number), laneY(f, m.node[s] as number),
        f.x(m.t[e] as number), laneY(f, m.node[e] as number));
      if (dd < bestD) [best, bestD] = [e, dd];
    }
    return best;
  }

  private hover(e: MouseEvent): void {
    const i = this.pick(e.offsetX, e.offsetY);
    if (i === undefined) {
      this.tip.hidden = true;
      return;
    }
    const r = this.model.record(i);
    const send = r.id === undefined ? undefined : this.derived.sendOf.get(r.id);
    const body = send !== undefined && send !== i ? this.model.record(send).data : r.data;
    const head = `#${r.i} ${formatTime(r.t)} ${r.kind} ${r.node ?? ''}` +
      `${r.from === undefined ? '' : ` from ${r.from}`}${r.tag === undefined ? '' : ` [${r.tag}]`}`;
    this.tip.textContent = `${head}\n${body === undefined ? '' : showJson(body, 1_500)}`;
    this.tip.style.left = `${Math.min(e.offsetX + 14, this.canvas.clientWidth - 260)}px`;
    this.tip.style.top = `${e.offsetY + 14}px`;
    this.tip.hidden = false;
  }

  private click(e: MouseEvent): void {
    const x = this.transform.rescaleX(this.base);
    const v = this.derived.violation;
    if (v >= 0 && e.offsetY < TOP + 4 &&
      Math.abs(x(this.model.t[v] as number) - e.offsetX) < 10) {
      this.events.onViolation();
      return;
    }
    if (e.offsetX < GUTTER) return;
    this.events.onCursor(Math.max(0, x.invert(e.offsetX)));
    const hit = this.pick(e.offsetX, e.offsetY);
    if (hit !== undefined && this.model.peer[hit] !== -1 && (this.model.mid[hit] ?? -1) >= 0 &&
      this.model.kindOf(hit) !== 'send') this.events.onMessage(hit);
  }
}

function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number,
  y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len));
  return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
}
