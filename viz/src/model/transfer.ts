/**
 * Moving a read trace between threads. A Web Worker reads the file, builds the columns and
 * derives arrows, intervals, roles and client operations, and hashes the records; the page
 * receives typed arrays (transferred, not copied), the file's bytes, and small arrays of
 * intervals. So the page's thread never spends long on a large trace: it only builds the
 * tag column and draws.
 */
import { hashRecords, TRACE_KINDS, type TraceRecord } from '../../../sim/index.js';
import { type Derived, derive, IdIndex } from './derive.js';
import { modelOf, type ReadTrace, readTrace } from './traceFile.js';
import type { TraceModel } from './traceModel.js';

/** Records beyond this are not hashed: the check would cost more than the reading. */
export const HASHED_RECORDS = 300_000;

/** A read trace and what is derived from it, ready to post. */
export interface PackedTrace {
  readonly read: ReadTrace;
  readonly derived: Omit<Derived, 'sendOf'> & { readonly sendDense: Int32Array;
    readonly sendSparse: Map<number, number> };
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
  const { sendOf, ...rest } = derived;
  const hash = model.n <= HASHED_RECORDS ? columnHash(model) : undefined;
  const c = read.columns;
  const transfer = [read.bytes, read.lineStart, read.lineEnd, c.t, c.kind, c.node, c.peer, c.mid,
    c.tagCode, derived.arrowSend, derived.arrowEnd, sendOf.dense].map((a) => a.buffer as ArrayBuffer);
  return { packed: { read: { ...read, columns: { t: c.t, kind: c.kind, node: c.node,
    peer: c.peer, mid: c.mid, tagCode: c.tagCode, tagTable: [...c.tagTable] } },
  derived: { ...rest, sendDense: sendOf.dense, sendSparse: sendOf.sparse }, hash },
  transfer: [...new Set(transfer)] };
}

/** The model and derived facts of a packed trace (on the page). */
export function unpackTrace(packed: PackedTrace): { model: TraceModel; derived: Derived;
  hash: string | undefined } {
  const { sendDense, sendSparse, ...rest } = packed.derived;
  return { model: modelOf(packed.read), derived: { ...rest, sendOf: new IdIndex(sendDense,
    sendSparse) }, hash: packed.hash };
}
