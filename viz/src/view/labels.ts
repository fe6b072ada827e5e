/**
 * Labels on the canvas without collisions. While a frame draws its shapes it asks for labels
 * with a priority (the violation and its evidence first, then faults, roles, bands, client
 * operations, and the time axis last); at the end the layer places them in priority order and
 * drops any label that would overlap one already placed or run off the canvas. Each placed
 * label gets a faint white backing so it reads over arrows and bands.
 */
import { TEXT } from './palette.js';

/** Priorities: lower places first. */
export const PRIORITY = {
  violation: 0, evidence: 1, divergence: 2, fault: 3, mark: 4, role: 5, band: 6, cut: 7,
  op: 8, tick: 9, note: 10,
} as const;

interface Request {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly priority: number;
  readonly colour: string;
  readonly font: string;
  /** `start`: x is the left edge; `center`; `end`: x is the right edge. */
  readonly align: 'start' | 'center' | 'end';
  readonly seq: number;
}

interface Box { x0: number; y0: number; x1: number; y1: number }

/** The labels of one frame. */
export class LabelLayer {
  private readonly requests: Request[] = [];
  readonly placed: (Box & { text: string })[] = [];

  constructor(private readonly ctx: CanvasRenderingContext2D, private readonly width: number,
    private readonly height: number, private readonly left = 0) {}

  /** Asks for a label; `y` is its baseline. */
  add(text: string, x: number, y: number, priority: number, options: { colour?: string;
    font?: string; align?: Request['align'] } = {}): void {
    if (text === '') return;
    this.requests.push({ text, x, y, priority, colour: options.colour ?? TEXT,
      font: options.font ?? '11px system-ui, sans-serif', align: options.align ?? 'start',
      seq: this.requests.length });
  }

  /** Places and draws every label that fits, in priority order. */
  draw(): void {
    const { ctx } = this;
    this.requests.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
    for (const r of this.requests) {
      ctx.font = r.font;
      const w = ctx.measureText(r.text).width;
      let x0 = r.align === 'start' ? r.x : r.align === 'center' ? r.x - w / 2 : r.x - w;
      // Keep a label that would run off the right edge inside, when that moves it little.
      if (x0 + w > this.width && x0 - (x0 + w - this.width) >= this.left) x0 = this.width - w - 2;
      const box = { x0: x0 - 2, y0: r.y - 10, x1: x0 + w + 2, y1: r.y + 3 };
      if (box.x0 < this.left - 2 || box.x1 > this.width + 1 || box.y0 < 0 || box.y1 > this.height) {
        continue;
      }
      if (this.placed.some((p) => p.x0 < box.x1 && box.x0 < p.x1 && p.y0 < box.y1 && box.y0 < p.y1)) {
        continue;
      }
      this.placed.push({ ...box, text: r.text });
      ctx.fillStyle = 'rgba(255,255,255,0.82)';
      ctx.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
      ctx.fillStyle = r.colour;
      ctx.textAlign = 'left';
      ctx.fillText(r.text, x0, r.y);
    }
    ctx.font = '11px system-ui, sans-serif';
  }
}
