/**
 * The space-time diagram: a canvas with a lane per node along simulated time, zoomed and
 * panned with d3-zoom (wheel, drag, or the zoom buttons), redrawn on the next animation
 * frame after any change. Hovering shows the record under the pointer as text; a click sets
 * the current instant; a click on the violation marker or on a numbered evidence marker asks
 * to go there. While playing, the view follows the current instant. Two diagrams can share
 * one time axis (comparing runs): each reports its zoom, and the other takes it.
 */
import { scaleLinear, select, zoom, type ZoomBehavior, zoomIdentity, type ZoomTransform } from 'd3';
import { drawFrame, type Drawn, type Frame, laneY } from './drawTrace.js';
import { showJson } from './dom.js';
import { LabelLayer } from './labels.js';
import { formatTime } from './palette.js';
import { type Choices, type Scene, SHOW_ALL } from './scene.js';

const GUTTER = 64;
const TOP = 36;

/** What the diagram tells its owner. */
export interface SpaceTimeEvents {
  onCursor(time: number): void;
  onViolation(): void;
  /** A click on evidence marker `k` (0-based). */
  onEvidence(k: number): void;
  /** A click on a message arrow: the index of its delivery or drop record. */
  onMessage(end: number): void;
  /** The view was zoomed or panned by the reader (not by `applyZoom`). */
  onZoom?(transform: ZoomTransform): void;
}

/** The diagram widget. */
export class SpaceTime {
  readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLDivElement;
  private base = scaleLinear();
  private transform: ZoomTransform = zoomIdentity;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private pending = 0;
  private drawn: Drawn = { arrows: [], points: [], thinned: 1, evidence: [],
    violationX: undefined };
  private cursor = 0;
  private cursorIndex = -1;
  private highlight: Uint8Array | null = null;
  private focusOps: ReadonlySet<number> | null = null;
  private marker: { time: number; label: string } | undefined;
  private choices: Choices = SHOW_ALL;
  /** The end of the time axis, when shared with another diagram (else this trace's end). */
  private domainEnd: number | undefined;
  private mirroring = false;
  private zoomListener: ((transform: ZoomTransform) => void) | undefined;
  /** Milliseconds the last frame took to draw (for the benchmark). */
  lastFrameMs = 0;
  frames = 0;
  /** performance.now() when the current trace was first drawn (NaN until then). */
  firstFrameAt = NaN;

  constructor(private readonly host: HTMLElement, private scene: Scene,
    private readonly events: SpaceTimeEvents) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'spacetime';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'space-time diagram: a lane per node along time');
    this.tip = document.createElement('div');
    this.tip.className = 'tooltip';
    this.tip.hidden = true;
    host.replaceChildren(this.canvas, this.tip);
    this.zoomer = zoom<HTMLCanvasElement, unknown>().scaleExtent([1, 1e7])
      .on('zoom', (e: { transform: ZoomTransform }) => {
        this.transform = e.transform;
        if (!this.mirroring) {
          this.events.onZoom?.(e.transform);
          this.zoomListener?.(e.transform);
        }
        this.request();
      });
    select(this.canvas).call(this.zoomer).on('dblclick.zoom', null);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => (this.tip.hidden = true));
    this.canvas.addEventListener('click', (e) => this.click(e));
    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
  }

  /** Shows another trace (a re-run); keeps the zoom. */
  setScene(scene: Scene): void {
    this.scene = scene;
    this.highlight = null;
    this.focusOps = null;
    this.firstFrameAt = NaN;
    this.resize();
  }

  get model(): Scene['model'] {
    return this.scene.model;
  }

  setChoices(choices: Choices): void {
    this.choices = choices;
    this.request();
  }

  /** Moves the current instant; with `follow`, pans so that it stays in view. */
  setCursor(time: number, index: number, follow = false): void {
    this.cursor = time;
    this.cursorIndex = index;
    if (follow) this.keepInView(time);
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

  /** Client operations to emphasise by invoke index (the others dimmed), or null for none. */
  setFocusOps(ops: ReadonlySet<number> | null): void {
    this.focusOps = ops;
    this.request();
  }

  /** Shares a time axis ending at `end` (comparing runs), or undefined for this trace's own. */
  setDomainEnd(end: number | undefined): void {
    this.domainEnd = end;
    this.resize();
  }

  /** Hears of the reader's zooms and pans (a diagram sharing this one's axis). */
  setZoomListener(listener: ((transform: ZoomTransform) => void) | undefined): void {
    this.zoomListener = listener;
  }

  /** Takes another diagram's zoom, without reporting it back. */
  applyZoom(transform: ZoomTransform): void {
    this.mirroring = true;
    select(this.canvas).call(this.zoomer.transform, transform);
    this.mirroring = false;
  }

  /** The visible time window. */
  get window(): [number, number] {
    const [a, b] = this.transform.rescaleX(this.base).domain();
    return [a as number, b as number];
  }

  /** Zooms by a factor around the current instant when it is visible, else the centre. */
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

  /** Pans, keeping the zoom, so that `time` is in view (a fifth in from the left). */
  private keepInView(time: number): void {
    const [a, b] = this.window;
    const span = b - a;
    if (time >= a && time <= b - span * 0.04) return;
    const start = Math.max(0, time - span * 0.2);
    this.showWindow(start, start + span);
  }

  private resize(): void {
    const width = Math.max(320, this.host.clientWidth);
    const laneHeight = this.laneHeight();
    const height = TOP + this.scene.model.lanes.length * laneHeight + 16;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const end = Math.max(1, this.domainEnd ?? this.scene.model.end);
    this.base = scaleLinear().domain([0, end * 1.01]).range([GUTTER, width - 8]);
    this.zoomer.extent([[GUTTER, 0], [width - 8, height]])
      .translateExtent([[GUTTER, 0], [width - 8, height]]);
    this.request();
  }

  private laneHeight(): number {
    const lanes = this.scene.model.lanes.length;
    return lanes <= 10 ? 44 : lanes <= 30 ? 28 : 14;
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
    this.drawn = drawFrame(frame, this.scene, x.ticks(8), this.marker);
    const end = performance.now();
    this.lastFrameMs = end - start;
    if (Number.isNaN(this.firstFrameAt)) this.firstFrameAt = end;
    this.frames++;
    this.canvas.dataset.frames = String(this.frames);
    this.canvas.dataset.labels = JSON.stringify(frame.labels.placed.map((p) =>
      [Math.round(p.x0), Math.round(p.y0), Math.round(p.x1), Math.round(p.y1)]));
  }

  private frame(ctx: CanvasRenderingContext2D): Frame {
    const x = this.transform.rescaleX(this.base);
    const [t0, t1] = x.domain() as [number, number];
    const width = this.canvas.width / (window.devicePixelRatio || 1);
    const height = this.canvas.height / (window.devicePixelRatio || 1);
    return { ctx, width, height, x: (t) => x(t), t0, t1, gutter: GUTTER, top: TOP,
      laneHeight: this.laneHeight(), cursor: this.cursor, cursorIndex: this.cursorIndex,
      highlight: this.highlight, choices: this.choices, focusOps: this.focusOps,
      labels: new LabelLayer(ctx, width, height, GUTTER) };
  }

  /** The record nearest the pointer within a few pixels: an arrow's end or a point event. */
  private pick(px: number, py: number): number | undefined {
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return undefined;
    const f = this.frame(ctx);
    const { model: m, derived: d } = this.scene;
    let best: number | undefined;
    let bestD = 6;
    for (const i of this.drawn.points) {
      const lane = m.node[i] as number;
      if (lane < 0) continue;
      const dd = Math.hypot(f.x(m.t[i] as number) - px, laneY(f, lane) - py);
      if (dd < bestD) [best, bestD] = [i, dd];
    }
    for (const a of this.drawn.arrows) {
      const s = d.arrowSend[a] as number;
      const e = d.arrowEnd[a] as number;
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
    const { model, derived } = this.scene;
    const r = model.record(i);
    const send = r.id === undefined ? undefined : derived.sendOf.get(r.id);
    const body = send !== undefined && send !== i ? model.record(send).data : r.data;
    const head = `#${r.i} ${formatTime(r.t)} ${r.kind} ${r.node ?? ''}` +
      `${r.from === undefined ? '' : ` from ${r.from}`}${r.tag === undefined ? '' : ` [${r.tag}]`}`;
    this.tip.textContent = `${head}\n${body === undefined ? '' : showJson(body, 1_500)}`;
    this.tip.style.left = `${Math.min(e.offsetX + 14, this.canvas.clientWidth - 260)}px`;
    this.tip.style.top = `${e.offsetY + 14}px`;
    this.tip.hidden = false;
  }

  private click(e: MouseEvent): void {
    const hitEvidence = this.drawn.evidence.find((m) =>
      Math.hypot(m.x - e.offsetX, m.y - e.offsetY) < 9);
    if (hitEvidence !== undefined) return this.events.onEvidence(hitEvidence.k);
    const vx = this.drawn.violationX;
    if (vx !== undefined && e.offsetY < TOP + 2 && Math.abs(vx - e.offsetX) < 10) {
      return this.events.onViolation();
    }
    if (e.offsetX < GUTTER) return;
    const x = this.transform.rescaleX(this.base);
    this.events.onCursor(Math.max(0, x.invert(e.offsetX)));
    const hit = this.pick(e.offsetX, e.offsetY);
    const m = this.scene.model;
    if (hit !== undefined && m.peer[hit] !== -1 && (m.mid[hit] ?? -1) >= 0 &&
      m.kindOf(hit) !== 'send') this.events.onMessage(hit);
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
