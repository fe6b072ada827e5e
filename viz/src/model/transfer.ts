/**
 * Moving a read trace between threads. A Web Worker reads the file, builds the columns and
 * derives arrows, intervals, roles and client operations, and hashes the records; the page
 * receives typed arrays (transferred, not copied), the file's bytes, and small arrays of
 * intervals. So the page's thread never spends long on a large trace: it only builds the
 * tag column and draws.
 */
import { hashRecords, TRACE_KINDS, type TraceRecord } from '../../../sim/index.js';
import { type ClientOp, type Derived, derive, IdIndex, type Meaning } from './derive.js';
import { modelOf, type ReadTrace, readTrace } from './traceFile.js';
import type { TraceModel } from './traceModel.js';

/** Records beyond this are not hashed: the check would cost more than the reading. */
export const HASHED_RECORDS = 300_000;

/**
 * Client operations column by column. A long run has tens of thousands of them, and posting
 * them as objects costs the page's thread more to take in (structured clone builds each
 * object field by field) than making them again from typed arrays.
 */
export interface PackedOps {
  readonly lane: Int16Array;
  readonly t0: Float64Array;
  readonly t1: Float64Array;
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly invoke: Int32Array;
  readonly done: Int32Array;
  /** Indexes into OUTCOMES and MEANINGS. */
  readonly outcome: Uint8Array;
  readonly meaning: Uint8Array;
}

const OUTCOMES: readonly ClientOp['outcome'][] = ['ok', 'fail', 'info', 'pending'];
const MEANINGS: readonly Meaning[] = ['ok', 'answered', 'refused', 'unknown', 'pending'];

/** Operations as columns, to post. */
export function packOps(ops: readonly ClientOp[]): PackedOps {
  const n = ops.length;
  const p = { lane: new Int16Array(n), t0: new Float64Array(n), t1: new Float64Array(n),
    i0: new Int32Array(n), i1: new Int32Array(n), invoke: new Int32Array(n),
    done: new Int32Array(n), outcome: new Uint8Array(n), meaning: new Uint8Array(n) };
  ops.forEach((o, k) => {
    p.lane[k] = o.lane;
    p.t0[k] = o.t0;
    p.t1[k] = o.t1;
    p.i0[k] = o.i0;
    p.i1[k] = o.i1;
    p.invoke[k] = o.invoke;
    p.done[k] = o.done;
    p.outcome[k] = OUTCOMES.indexOf(o.outcome);
    p.meaning[k] = MEANINGS.indexOf(o.meaning);
  });
  return p;
}

/** Operations made again from their columns. */
export function unpackOps(p: PackedOps): ClientOp[] {
  return Array.from(p.lane, (lane, k): ClientOp => ({ lane, t0: p.t0[k] as number,
    t1: p.t1[k] as number, i0: p.i0[k] as number, i1: p.i1[k] as number,
    invoke: p.invoke[k] as number, done: p.done[k] as number,
    outcome: OUTCOMES[p.outcome[k] as number] as ClientOp['outcome'],
    meaning: MEANINGS[p.meaning[k] as number] as Meaning }));
}

/** A read trace and what is derived from it, ready to post. */
export interface PackedTrace {
  readonly read: ReadTrace;
  readonly derived: Omit<Derived, 'sendOf' | 'ops'> & { readonly sendDense: Int32Array;
    readonly sendSparse: Map<number, number>; readonly ops: PackedOps };
  /** The trace hash recomputed from the records, when not too many. */
  readonly hash: string | undefined;
}

/** The trace hash of a model's records, from its columns (no payload is parsed). */
export function columnHash(model: TraceModel): string {
  const { t, kind, node, peer, mid } = model;
  const lanes = model.lanes;
  function* records(): Generator<TraceRecord> {
    for (let i = 0; i < model.n; i++) {
      const k = TRACE_KINDS[kind[i] as number] as TraceRecord['kind'];
      const n = node[i] as number;
      const p = peer[i] as number;
      const id = mid[i] as number;
      const r: { i: number; t: number; kind: TraceRecord['kind']; node?: string; to?: string;
        from?: string; id?: number; tag?: string } = { i, t: t[i] as number, kind: k };
      if (n >= 0) r.node = lanes[n];
      if (p >= 0) r[k === 'send' ? 'to' : 'from'] = lanes[p];
      if (id >= 0) r.id = id;
      const tag = model.tag(i);
      if (tag !== undefined) r.tag = tag;
      yield r as TraceRecord;
    }
  }
  return hashRecords(records(), lanes);
}

/** Reads, derives and hashes a trace file (in a worker); throws TraceFileError. */
export function packTrace(bytes: Uint8Array, adjust?: (model: TraceModel, d: Derived) => Derived):
  { packed: PackedTrace; transfer: ArrayBuffer[] } {
  return packRead(readTrace(bytes), adjust);
}

/** Derives and hashes a read trace, ready to post with its buffers transferred. */
export function packRead(read: ReadTrace, adjust?: (model: TraceModel, d: Derived) => Derived):
  { packed: PackedTrace; transfer: ArrayBuffer[] } {
  const model = modelOf(read);
  const base = derive(model);
  const derived = adjust === undefined ? base : adjust(model, base);
  const { sendOf, ops, ...rest } = derived;
  const hash = model.n <= HASHED_RECORDS ? columnHash(model) : undefined;
  const c = read.columns;
  const packedOps = packOps(ops);
  const transfer = [...read.pieces, read.lineStart, read.lineEnd, c.t, c.kind, c.node, c.peer, c.mid,
    c.tagCode, derived.arrowSend, derived.arrowEnd, sendOf.dense, ...Object.values(packedOps)]
    .map((a) => a.buffer as ArrayBuffer);
  return { packed: { read: { ...read, columns: { t: c.t, kind: c.kind, node: c.node,
    peer: c.peer, mid: c.mid, tagCode: c.tagCode, tagTable: [...c.tagTable] } },
  derived: { ...rest, sendDense: sendOf.dense, sendSparse: sendOf.sparse, ops: packedOps }, hash },
  transfer: [...new Set(transfer)] };
}

/** The model and derived facts of a packed trace (on the page). */
export function unpackTrace(packed: PackedTrace): { model: TraceModel; derived: Derived;
  hash: string | undefined } {
  const { sendDense, sendSparse, ops, ...rest } = packed.derived;
  return { model: modelOf(packed.read), derived: { ...rest, ops: unpackOps(ops),
    sendOf: new IdIndex(sendDense, sendSparse) }, hash: packed.hash };
}
