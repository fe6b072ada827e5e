/**
 * The visualizer's view of one trace: records held column by column (times, kinds, lanes,
 * peers, message ids, tags) so a trace of a million events fits in typed arrays and every
 * view can binary-search the visible time window. Payloads (message bodies, note data) are
 * fetched on demand through `record(i)`, from the engine's trace or from the file's lines,
 * so they are never copied up front.
 *
 * Two sources fill a model: a run in the page (`fromRecords` over engine.trace) and a trace
 * file (traceFile.ts). Both give the same columns, so the views do not care which it was.
 */
import { TRACE_KINDS, type TraceKind, type TraceRecord } from '../../../sim/index.js';

/** Kind codes, as stored in `kind`. */
export const KIND: Readonly<Record<TraceKind, number>> = Object.fromEntries(
  TRACE_KINDS.map((k, i) => [k, i]),
) as Record<TraceKind, number>;

/** What a trace file's header (or a run) says about the trace. */
export interface TraceInfo {
  readonly seed: string;
  readonly nodes: readonly string[];
  readonly clients: readonly string[];
  /** The trace hash when known (a run computes it; a file's is recomputed on demand). */
  readonly hash?: string;
  /** The header's `meta`: the scenario text and file a run was made from, when written. */
  readonly meta?: { readonly scenario?: string; readonly file?: string; readonly name?: string };
}

/**
 * The columns of a trace, transferable between threads: typed arrays, and tags as codes into
 * a small table (a trace has few distinct tags).
 */
export interface Columns {
  readonly t: Float64Array;
  readonly kind: Uint8Array;
  readonly node: Int16Array;
  readonly peer: Int16Array;
  readonly mid: Float64Array;
  /** Tag of each record as an index into `tagTable`; 0 for none. */
  readonly tagCode: Uint16Array;
  readonly tagTable: readonly (string | undefined)[];
}

/** One trace, in columns. Indexes are record positions (0..n-1), in time order. */
export class TraceModel {
  /** Lane ids: servers first, then clients. */
  readonly lanes: readonly string[];
  readonly laneOf: ReadonlyMap<string, number>;
  readonly t: Float64Array;
  readonly kind: Uint8Array;
  /** Lane of the record's node, -1 for none. */
  readonly node: Int16Array;
  /** Lane of the peer (`to` of a send, `from` of a delivery or drop), -1 for none. */
  readonly peer: Int16Array;
  /** Message id, -1 for none. */
  readonly mid: Float64Array;
  private readonly tagCode: Uint16Array;
  private readonly tagTable: readonly (string | undefined)[];

  constructor(
    readonly info: TraceInfo,
    readonly n: number,
    readonly columns: Columns,
    private readonly fetch: (i: number) => TraceRecord,
  ) {
    this.lanes = [...info.nodes, ...info.clients];
    this.laneOf = new Map(this.lanes.map((id, i) => [id, i]));
    this.t = columns.t;
    this.kind = columns.kind;
    this.node = columns.node;
    this.peer = columns.peer;
    this.mid = columns.mid;
    this.tagCode = columns.tagCode;
    this.tagTable = columns.tagTable;
  }

  /** The tag of record `i` (message type, timer name, note kind, fault kind), if any. */
  tag(i: number): string | undefined {
    return this.tagTable[this.tagCode[i] as number];
  }

  /** The code of record `i`'s tag (0 for none): equal codes, equal tags. */
  tagCodeAt(i: number): number {
    return this.tagCode[i] as number;
  }

  /** Number of server lanes (the first lanes). */
  get servers(): number {
    return this.info.nodes.length;
  }

  /** True time of the last record (0 for an empty trace). */
  get end(): number {
    return this.n === 0 ? 0 : (this.t[this.n - 1] as number);
  }

  /** Record `i` as a plain object, with its payload. */
  record(i: number): TraceRecord {
    return this.fetch(i);
  }

  /** Kind name of record `i`. */
  kindOf(i: number): TraceKind {
    return TRACE_KINDS[this.kind[i] as number] as TraceKind;
  }

  /** First record index with time >= `time` (n when none). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.t[mid] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First record index with time > `time` (n when none). */
  upperBound(time: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.t[mid] as number) <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Builds column arrays of capacity `n`, filled by `put`. */
export class ColumnBuilder implements Columns {
  t: Float64Array;
  kind: Uint8Array;
  node: Int16Array;
  peer: Int16Array;
  mid: Float64Array;
  tagCode: Uint16Array;
  readonly tagTable: (string | undefined)[] = [undefined];
  private readonly codes = new Map<string, number>();
  count = 0;

  constructor(capacity: number, private readonly laneOf: ReadonlyMap<string, number>) {
    this.t = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.node = new Int16Array(capacity);
    this.peer = new Int16Array(capacity);
    this.mid = new Float64Array(capacity);
    this.tagCode = new Uint16Array(capacity);
  }

  /** Appends one record; returns false (and appends nothing) when its kind is unknown. */
  put(r: TraceRecord): boolean {
    const k = KIND[r.kind];
    if (k === undefined) return false;
    const peer = r.kind === 'send' ? r.to : r.from;
    this.putFields(r.t, k, r.node, peer, r.id ?? -1, r.tag);
    return true;
  }

  /** The columns, cut to the records appended (views on the same buffers). */
  trimmed(): Columns {
    const n = this.count;
    return { t: this.t.subarray(0, n), kind: this.kind.subarray(0, n),
      node: this.node.subarray(0, n), peer: this.peer.subarray(0, n),
      mid: this.mid.subarray(0, n), tagCode: this.tagCode.subarray(0, n), tagTable: this.tagTable };
  }

  /** Doubles the capacity (a trace read as it arrives has no known length). */
  private grow(): void {
    const size = Math.max(16, this.t.length * 2);
    const copy = <A extends Float64Array | Uint8Array | Int16Array | Uint16Array>(a: A,
      make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.t = copy(this.t, (n) => new Float64Array(n));
    this.kind = copy(this.kind, (n) => new Uint8Array(n));
    this.node = copy(this.node, (n) => new Int16Array(n));
    this.peer = copy(this.peer, (n) => new Int16Array(n));
    this.mid = copy(this.mid, (n) => new Float64Array(n));
    this.tagCode = copy(this.tagCode, (n) => new Uint16Array(n));
  }

  /** Appends one record given field by field (`kind` as its code). */
  putFields(t: number, kind: number, node: string | undefined, peer: string | undefined,
    id: number, tag: string | undefined): void {
    if (this.count === this.t.length) this.grow();
    const i = this.count++;
    this.t[i] = t;
    this.kind[i] = kind;
    this.node[i] = node === undefined ? -1 : (this.laneOf.get(node) ?? -1);
    this.peer[i] = peer === undefined ? -1 : (this.laneOf.get(peer) ?? -1);
    this.mid[i] = id;
    this.tagCode[i] = tag === undefined ? 0 : this.code(tag);
  }

  private code(tag: string): number {
    let c = this.codes.get(tag);
    if (c === undefined) {
      if (this.tagTable.length >= 65_535) throw new Error('more than 65535 distinct tags');
      c = this.tagTable.length;
      this.tagTable.push(tag);
      this.codes.set(tag, c);
    }
    return c;
  }
}

/** A model over records already in memory (a run in the page). */
export function fromRecords(
  info: TraceInfo, count: number, recordAt: (i: number) => TraceRecord,
): TraceModel {
  const laneOf = new Map([...info.nodes, ...info.clients].map((id, i) => [id, i]));
  const b = new ColumnBuilder(count, laneOf);
  for (let i = 0; i < count; i++) b.put(recordAt(i));
  return new TraceModel(info, b.count, b, recordAt);
}
