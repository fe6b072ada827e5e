/**
 * Facts derived from a trace once, for drawing: message arrows (a send paired with each of
 * its deliveries and drops), intervals when a node was down or paused, role segments from
 * `role` notes, network cuts over time, client operations (invoke to completion) and the
 * violation. One pass over the columns each; a million records take well under a second.
 */
import type { Evidence } from '../../../sim/check/property.js';
import type { TraceModel } from './traceModel.js';
import { KIND } from './traceModel.js';
import { cutsAfter, type CutSet } from './partitions.js';

/** A stretch of time on one lane. */
export interface Interval {
  readonly lane: number;
  readonly t0: number;
  /** End time; the trace end when it never ended. */
  readonly t1: number;
  /** Index of the record that began it. */
  readonly i0: number;
  /** Index of the record that ended it (the trace length when it never ended). */
  readonly i1: number;
}

/** True when `it` covers time `t`; an interval that runs to the trace's end covers the end. */
export function covers(it: Interval, t: number, end: number): boolean {
  return it.t0 <= t && (t < it.t1 || it.t1 === end);
}

/** True when `it` covers the instant after record `index` (it began there or before). */
export function coversIndex(it: Interval, index: number): boolean {
  return it.i0 <= index && index < it.i1;
}

/** The interval of `list` on `lane` that covers the instant after record `index`, if any. */
export function atIndex<T extends Interval>(list: readonly T[], lane: number,
  index: number): T | undefined {
  let found: T | undefined;
  for (const it of list) {
    if (it.i0 > index) break;
    if (it.lane === lane && coversIndex(it, index)) found = it;
  }
  return found;
}

/** A role held by a node from `t0` to `t1`, with its term (or ballot, epoch). */
export interface RoleSegment extends Interval {
  readonly role: string;
  /** `term 3`, `ballot 2.1`, `epoch 4`, or empty. */
  readonly number: string;
}

/**
 * What a client operation's outcome means: `ok` it happened; `answered` it was answered with a
 * correct refusal (a compare-and-set whose expected value did not match: the service is up
 * and right); `refused` it definitely did not happen (not the leader, unavailable, aborted);
 * `unknown` it may or may not have happened (a timeout); `pending` it never completed.
 */
export type Meaning = 'ok' | 'answered' | 'refused' | 'unknown' | 'pending';

/** Errors that are correct answers rather than failures of the service. */
const ANSWERS = new Set(['cas-mismatch']);

/** A client operation from invoke to completion. */
export interface ClientOp extends Interval {
  readonly invoke: number;
  /** Index of the completion record, -1 while pending. */
  readonly done: number;
  readonly outcome: 'ok' | 'fail' | 'info' | 'pending';
  readonly meaning: Meaning;
}

/** An operation's label, `put k1 "x"`, read from its invoke record (on demand: it parses). */
export function opLabel(model: TraceModel, op: ClientOp): string {
  const data = model.record(op.invoke).data as { key?: unknown; value?: unknown } | undefined;
  const key = data?.key === undefined ? '' : ` ${String(data.key)}`;
  const value = data?.value === undefined ? '' : ` ${JSON.stringify(data.value)}`;
  return `${model.tag(op.invoke) ?? '?'}${key}${value}`;
}

/** The network's cuts from `t0` to `t1`. */
export interface CutEpoch {
  readonly t0: number;
  readonly t1: number;
  /** The record indexes it runs over, [i0, i1). */
  readonly i0: number;
  readonly i1: number;
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
  readonly sendOf: IdIndex;
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
  /** The events that prove the violation, earliest first (empty when none are named). */
  readonly evidence: readonly Evidence[];
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

function violationOf(model: TraceModel): Pick<Derived, 'violation' | 'violationName' |
  'evidence'> {
  const i = firstOf(model, KIND.violation);
  if (i < 0) return { violation: i, violationName: '', evidence: [] };
  const data = model.record(i).data as { evidence?: unknown } | undefined;
  return { violation: i, violationName: model.tag(i) ?? 'violation',
    evidence: validEvidence(model, data?.evidence) };
}

/** The pieces of `value` that are evidence of this trace (a file's may be anything). */
export function validEvidence(model: TraceModel, value: unknown): Evidence[] {
  if (!Array.isArray(value)) return [];
  const inRange = (i: unknown): i is number => typeof i === 'number' && Number.isInteger(i) &&
    i >= 0 && i < model.n;
  return value.filter((e): e is Evidence => {
    const x = e as Partial<Evidence> | null;
    return typeof x === 'object' && x !== null && inRange(x.index) &&
      typeof x.label === 'string' && (x.from === undefined || inRange(x.from.index));
  }).map((e) => ({ ...e, time: model.t[e.index] as number }));
}

/**
 * Marks a violation that the trace does not record, such as a history found not
 * linearizable after the run, at the record it names, with its evidence.
 */
export function withViolation(derived: Derived, model: TraceModel, index: number,
  name: string, evidence: readonly Evidence[] = []): Derived {
  if (derived.violation >= 0 || model.n === 0) return derived;
  return { ...derived, violation: Math.max(0, Math.min(index, model.n - 1)), violationName: name,
    evidence };
}

function firstOf(model: TraceModel, kind: number): number {
  for (let i = 0; i < model.n; i++) if (model.kind[i] === kind) return i;
  return -1;
}

function pairMessages(model: TraceModel): Pick<Derived, 'arrowSend' | 'arrowEnd' | 'maxSpan' |
  'sendOf'> {
  const sendOf = IdIndex.forRecords(model.n);
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
export class IdIndex {
  constructor(
    readonly dense: Int32Array,
    readonly sparse = new Map<number, number>(),
  ) {}

  /** An empty index for a trace of `n` records. */
  static forRecords(n: number): IdIndex {
    return new IdIndex(new Int32Array(Math.min(n + 1, 2 ** 26)).fill(-1));
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
  const close = (open: Map<number, number>, out: Interval[], lane: number, i1: number) => {
    const i0 = open.get(lane);
    if (i0 === undefined) return;
    out.push({ lane, t0: model.t[i0] as number, i0, i1,
      t1: i1 < model.n ? model.t[i1] as number : model.end });
    open.delete(lane);
  };
  for (let i = 0; i < model.n; i++) {
    const k = model.kind[i];
    const lane = model.node[i] as number;
    if (k === KIND.crash) {
      close(pausedSince, paused, lane, i);
      if (!downSince.has(lane)) downSince.set(lane, i);
    } else if (k === KIND.restart) close(downSince, down, lane, i);
    else if (k === KIND.pause) pausedSince.set(lane, i);
    else if (k === KIND.resume) close(pausedSince, paused, lane, i);
  }
  for (const lane of [...downSince.keys()]) close(downSince, down, lane, model.n);
  for (const lane of [...pausedSince.keys()]) close(pausedSince, paused, lane, model.n);
  return { down: down.sort((a, b) => a.i0 - b.i0), paused: paused.sort((a, b) => a.i0 - b.i0) };
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

/**
 * Role segments from `role` notes. A segment runs from its note to the next note or crash of
 * its node, by record index, so a role taken at the last event of a run (a leader elected
 * just as the run stops at a violation) has its segment too, however short in time.
 */
function roleSegments(model: TraceModel): RoleSegment[] {
  const out: RoleSegment[] = [];
  const open = new Map<number, { i0: number; t0: number; role: string; number: string }>();
  const close = (lane: number, i1: number) => {
    const seg = open.get(lane);
    if (seg !== undefined) {
      out.push({ lane, i1, t1: i1 < model.n ? model.t[i1] as number : model.end, ...seg });
    }
    open.delete(lane);
  };
  for (let i = 0; i < model.n; i++) {
    const k = model.kind[i];
    const lane = model.node[i] as number;
    if (k === KIND.crash) close(lane, i);
    if (k !== KIND.note || model.tag(i) !== 'role' || lane < 0) continue;
    const role = roleOf(model.record(i).data);
    if (role === undefined) continue;
    close(lane, i);
    open.set(lane, { i0: i, t0: model.t[i] as number, ...role });
  }
  for (const lane of [...open.keys()]) close(lane, model.n);
  return out.sort((a, b) => a.i0 - b.i0);
}

function opsOf(model: TraceModel): { ops: ClientOp[]; maxOpSpan: number } {
  const ops = clientOps(model);
  let maxOpSpan = 0;
  for (const op of ops) maxOpSpan = Math.max(maxOpSpan, op.t1 - op.t0);
  return { ops, maxOpSpan };
}

/** A failed operation's meaning, from the error its completion carries. */
function failMeaning(model: TraceModel, done: number): Meaning {
  const data = model.record(done).data as { error?: unknown } | undefined;
  return typeof data?.error === 'string' && ANSWERS.has(data.error) ? 'answered' : 'refused';
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
      const meaning: Meaning = k === KIND.ok ? 'ok' : k === KIND.info ? 'unknown'
        : failMeaning(model, i);
      out.push({ lane, t0: model.t[op.invoke] as number, t1: model.t[i] as number, done: i,
        i0: op.invoke, i1: i, outcome, meaning, ...op });
    }
  }
  for (const [lane, op] of open) {
    out.push({ lane, t0: model.t[op.invoke] as number, t1: model.end, done: -1,
      i0: op.invoke, i1: model.n, outcome: 'pending', meaning: 'pending', ...op });
  }
  return out.sort((a, b) => a.t0 - b.t0);
}

function cutEpochs(model: TraceModel): CutEpoch[] {
  const out: CutEpoch[] = [];
  let cuts: CutSet = new Set();
  let since = 0;
  let from = 0;
  const push = (t1: number, i1: number) => {
    if (cuts.size === 0 || t1 < since) return;
    out.push({ t0: since, t1, i0: from, i1, cuts, isolatedFrom: isolation(model, cuts) });
  };
  for (let i = 0; i < model.n; i++) {
    if (model.kind[i] !== KIND.fault && model.kind[i] !== KIND.phase) continue;
    const next = cutsAfter(cuts, model, i);
    if (next === cuts) continue;
    push(model.t[i] as number, i);
    cuts = next;
    since = model.t[i] as number;
    from = i;
  }
  push(model.end, model.n);
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
