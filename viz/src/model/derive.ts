/**
 * Facts derived from a trace once, for drawing: message arrows (a send paired with each of
 * its deliveries and drops), intervals when a node was down or paused, role segments from
 * `role` notes, network cuts over time, client operations (invoke to completion) and the
 * violation. One pass over the columns each; a million records take well under a second.
 */
import type { TraceModel } from './traceModel.js';
import { KIND } from './traceModel.js';
import { cutsAfter, type CutSet } from './partitions.js';

/** A stretch of time on one lane. */
export interface Interval {
  readonly lane: number;
  readonly t0: number;
  /** End time; the trace end when it never ended. */
  readonly t1: number;
}

/** True when `it` covers time `t`; an interval that runs to the trace's end covers the end. */
export function covers(it: Interval, t: number, end: number): boolean {
  return it.t0 <= t && (t < it.t1 || it.t1 === end);
}

/** A role held by a node from `t0` to `t1`, with its term (or ballot, epoch). */
export interface RoleSegment extends Interval {
  readonly role: string;
  /** `term 3`, `ballot 2.1`, `epoch 4`, or empty. */
  readonly number: string;
}

/** A client operation from invoke to completion. */
export interface ClientOp extends Interval {
  readonly invoke: number;
  /** Index of the completion record, -1 while pending. */
  readonly done: number;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
}

/** An operation's label, `put k1 "x"`, read from its invoke record (on demand: it parses). */
export function opLabel(model: TraceModel, op: ClientOp): string {
  const data = model.record(op.invoke).data as { key?: unknown; value?: unknown } | undefined;
  const key = data?.key === undefined ? '' : ` ${String(data.key)}`;
  const value = data?.value === undefined ? '' : ` ${JSON.stringify(data.value)}`;
  return `${model.tags[op.invoke] ?? '?'}${key}${value}`;
}

/** The network's cuts from `t0` to `t1`. */
export interface CutEpoch {
  readonly t0: number;
  readonly t1: number;
  readonly cuts: CutSet;
  /** Per lane: the lanes it cannot send to. */
  readonly isolatedFrom: readonly (readonly number[])[];
}

/** Everything derived. Arrays of arrows are sorted by send index, hence by send time. */
export interface Derived {
  readonly arrowSend: Int32Array;
  readonly arrowEnd: Int32Array;
  /** Longest send-to-end time of any arrow, for windowed searches. */
  readonly maxSpan: number;
  /** Send record index by message id. */
  readonly sendOf: { get(id: number): number | undefined };
  readonly down: readonly Interval[];
  readonly paused: readonly Interval[];
  readonly roles: readonly RoleSegment[];
  readonly ops: readonly ClientOp[];
  /** Longest client operation, for windowed searches. */
  readonly maxOpSpan: number;
  readonly cuts: readonly CutEpoch[];
  /** Index of the first violation record (or the record a post-run check blames), -1 if none. */
  readonly violation: number;
  /** The violated property's name, empty when none. */
  readonly violationName: string;
}

/** Derives everything views need from a model. */
export function derive(model: TraceModel): Derived {
  const arrows = pairMessages(model);
  return {
    ...arrows,
    ...lifeIntervals(model),
    roles: roleSegments(model),
    ...opsOf(model),
    cuts: cutEpochs(model),
    ...violationOf(model),
  };
}

function violationOf(model: TraceModel): Pick<Derived, 'violation' | 'violationName'> {
  const i = firstOf(model, KIND.violation);
  return { violation: i, violationName: i < 0 ? '' : (model.tags[i] ?? 'violation') };
}

/**
 * Marks a violation that the trace does not record, such as a history found not
 * linearizable after the run, at the record it names.
 */
export function withViolation(derived: Derived, model: TraceModel, index: number,
  name: string): Derived {
  if (derived.violation >= 0 || model.n === 0) return derived;
  return { ...derived, violation: Math.max(0, Math.min(index, model.n - 1)), violationName: name };
}

function firstOf(model: TraceModel, kind: number): number {
  for (let i = 0; i < model.n; i++) if (model.kind[i] === kind) return i;
  return -1;
}

function pairMessages(model: TraceModel): Pick<Derived, 'arrowSend' | 'arrowEnd' | 'maxSpan' |
  'sendOf'> {
  const sendOf = new IdIndex(model);
  // Ends by send index: the first in `firstEnd`, any further copies in `more`. Emitting in
  // send order then needs no sort.
  const firstEnd = new Int32Array(model.n).fill(-1);
  const more = new Map<number, number[]>();
  let count = 0;
  let maxSpan = 0;
  const { kind, mid, t } = model;
  for (let i = 0; i < model.n; i++) {
    const k = kind[i];
    if (k === KIND.send) sendOf.set(mid[i] as number, i);
    else if (k === KIND.deliver || k === KIND.drop) {
      const s = sendOf.get(mid[i] as number);
      if (s === undefined) continue;
      if (firstEnd[s] === -1) firstEnd[s] = i;
      else more.set(s, [...(more.get(s) ?? []), i]);
      count++;
      maxSpan = Math.max(maxSpan, (t[i] as number) - (t[s] as number));
    }
  }
  const arrowSend = new Int32Array(count);
  const arrowEnd = new Int32Array(count);
  let a = 0;
  for (let s = 0; s < model.n; s++) {
    const e = firstEnd[s] as number;
    if (e < 0) continue;
    arrowSend[a] = s;
    arrowEnd[a++] = e;
    for (const extra of more.get(s) ?? []) {
      arrowSend[a] = s;
      arrowEnd[a++] = extra;
    }
  }
  return { arrowSend, arrowEnd, maxSpan, sendOf };
}

/**
 * Message id to send index. The engine numbers messages 0, 1, 2, …, so a typed array indexed
 * by id is enough; ids beyond it (a hand-made file) go to a Map.
 */
class IdIndex {
  private readonly dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  constructor(model: TraceModel) {
    this.dense = new Int32Array(Math.min(model.n + 1, 2 ** 26)).fill(-1);
  }

  set(id: number, index: number): void {
    if (Number.isInteger(id) && id >= 0 && id < this.dense.length) this.dense[id] = index;
    else this.sparse.set(id, index);
  }

  get(id: number): number | undefined {
    if (Number.isInteger(id) && id >= 0 && id < this.dense.length) {
      const v = this.dense[id] as number;
      return v < 0 ? undefined : v;
    }
    return this.sparse.get(id);
  }
}

function lifeIntervals(model: TraceModel): { down: Interval[]; paused: Interval[] } {
  const down: Interval[] = [];
  const paused: Interval[] = [];
  const downSince = new Map<number, number>();
  const pausedSince = new Map<number, number>();
  const close = (open: Map<number, number>, out: Interval[], lane: number, t1: number) => {
    const t0 = open.get(lane);
    if (t0 === undefined) return;
    out.push({ lane, t0, t1 });
    open.delete(lane);
  };
  for (let i = 0; i < model.n; i++) {
    const k = model.kind[i];
    const lane = model.node[i] as number;
    const t = model.t[i] as number;
    if (k === KIND.crash) {
      close(pausedSince, paused, lane, t);
      if (!downSince.has(lane)) downSince.set(lane, t);
    } else if (k === KIND.restart) close(downSince, down, lane, t);
    else if (k === KIND.pause) pausedSince.set(lane, t);
    else if (k === KIND.resume) close(pausedSince, paused, lane, t);
  }
  for (const lane of [...downSince.keys()]) close(downSince, down, lane, model.end);
  for (const lane of [...pausedSince.keys()]) close(pausedSince, paused, lane, model.end);
  return { down, paused };
}

/** The role and its number from a `role` note's data. */
export function roleOf(data: unknown): { role: string; number: string } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.role !== 'string') return undefined;
  for (const name of ['term', 'ballot', 'epoch', 'view']) {
    const v = d[name];
    if (typeof v === 'number' || typeof v === 'string') {
      return { role: d.role, number: `${name} ${v}` };
    }
  }
  return { role: d.role, number: '' };
}

function roleSegments(model: TraceModel): RoleSegment[] {
  const out: RoleSegment[] = [];
  const open = new Map<number, { t0: number; role: string; number: string }>();
  const close = (lane: number, t1: number) => {
    const seg = open.get(lane);
    if (seg !== undefined && t1 > seg.t0) out.push({ lane, t1, ...seg });
    open.delete(lane);
  };
  for (let i = 0; i < model.n; i++) {
    const k = model.kind[i];
    const lane = model.node[i] as number;
    if (k === KIND.crash) close(lane, model.t[i] as number);
    if (k !== KIND.note || model.tags[i] !== 'role' || lane < 0) continue;
    const role = roleOf(model.record(i).data);
    if (role === undefined) continue;
    close(lane, model.t[i] as number);
    open.set(lane, { t0: model.t[i] as number, ...role });
  }
  for (const lane of [...open.keys()]) close(lane, model.end);
  return out.sort((a, b) => a.t0 - b.t0);
}

function opsOf(model: TraceModel): { ops: ClientOp[]; maxOpSpan: number } {
  const ops = clientOps(model);
  let maxOpSpan = 0;
  for (const op of ops) maxOpSpan = Math.max(maxOpSpan, op.t1 - op.t0);
  return { ops, maxOpSpan };
}

function clientOps(model: TraceModel): ClientOp[] {
  const out: ClientOp[] = [];
  const open = new Map<number, { invoke: number }>();
  for (let i = 0; i < model.n; i++) {
    const k = model.kind[i];
    const lane = model.node[i] as number;
    if (k === KIND.invoke) {
      open.set(lane, { invoke: i });
    } else if (k === KIND.ok || k === KIND.fail || k === KIND.info) {
      const op = open.get(lane);
      if (op === undefined) continue;
      open.delete(lane);
      const outcome = k === KIND.ok ? 'ok' : k === KIND.fail ? 'fail' : 'info';
      out.push({ lane, t0: model.t[op.invoke] as number, t1: model.t[i] as number, done: i,
        outcome, ...op });
    }
  }
  for (const [lane, op] of open) {
    out.push({ lane, t0: model.t[op.invoke] as number, t1: model.end, done: -1,
      outcome: 'pending', ...op });
  }
  return out.sort((a, b) => a.t0 - b.t0);
}

function cutEpochs(model: TraceModel): CutEpoch[] {
  const out: CutEpoch[] = [];
  let cuts: CutSet = new Set();
  let since = 0;
  const push = (t1: number) => {
    if (cuts.size === 0 || t1 < since) return;
    out.push({ t0: since, t1, cuts, isolatedFrom: isolation(model, cuts) });
  };
  for (let i = 0; i < model.n; i++) {
    if (model.kind[i] !== KIND.fault && model.kind[i] !== KIND.phase) continue;
    const next = cutsAfter(cuts, model, i);
    if (next === cuts) continue;
    push(model.t[i] as number);
    cuts = next;
    since = model.t[i] as number;
  }
  push(model.end);
  return out;
}

function isolation(model: TraceModel, cuts: CutSet): number[][] {
  const out: number[][] = model.lanes.map(() => []);
  for (const key of cuts) {
    const [from, to] = key.split('>');
    const a = model.laneOf.get(from ?? '');
    const b = model.laneOf.get(to ?? '');
    if (a !== undefined && b !== undefined) out[a]?.push(b);
  }
  return out;
}
