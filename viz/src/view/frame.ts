/**
 * The geometry and state of one frame of the space-time diagram, shared by the modules that
 * draw it.
 */
import type { LabelLayer } from './labels.js';
import type { Choices } from './scene.js';

/** Geometry and state of a frame. */
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
  /** The current instant as a record index (-1 before the first). */
  readonly cursorIndex: number;
  /** 1 for highlighted (causal past) records; null when nothing is highlighted. */
  readonly highlight: Uint8Array | null;
  readonly choices: Choices;
  /** Invoke indexes of client operations to emphasise (a violation's minimal set), or null. */
  readonly focusOps: ReadonlySet<number> | null;
  readonly labels: LabelLayer;
}

/** What a frame drew, for hit testing. */
export interface Drawn {
  readonly arrows: number[];
  readonly points: number[];
  readonly thinned: number;
  /** Evidence markers: their positions and evidence numbers. */
  readonly evidence: { x: number; y: number; k: number }[];
  /** Where the violation marker is (x), when drawn. */
  readonly violationX: number | undefined;
}

/** Lane centre y. */
export function laneY(f: Frame, lane: number): number {
  return f.top + lane * f.laneHeight + f.laneHeight / 2;
}

/** Whether record `i` is drawn (the future may be hidden). */
export function shown(f: Frame, i: number): boolean {
  return f.choices.future || i <= f.cursorIndex;
}

/** A dashed vertical rule across the lanes at `x` (a fault, the first divergence). */
export function verticalRule(f: Frame, x: number, colour: string, dash: readonly number[],
  width = 1): void {
  const { ctx } = f;
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash([...dash]);
  ctx.beginPath();
  ctx.moveTo(x, f.top);
  ctx.lineTo(x, f.height - 12);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
}
