/**
 * The trace: one record per engine event, in the order the engine ran them. It is what the
 * visualizer draws, what tests compare, and what the determinism check hashes.
 *
 * Records are kept compactly in memory: times in a Float64Array, kinds in a Uint8Array, node
 * and peer as indexes into the run's id list (Int16Array), and a payload reference (the
 * frozen message, the fault, the note's data). `record(i)` builds a plain object on demand.
 *
 * Levels: `off` keeps nothing but still counts and hashes; `memory` keeps compact records;
 * `stream` keeps nothing either, and hands every record as a JSON line to a sink as it happens
 * (a trace file), so a streamed run holds no more of its trace than a run with tracing off.
 * The hash is the same at every level, because it reads only fields every level has: index, time,
 * kind, node, peer, message id and a short tag (message type, timer name, note kind, drop
 * cause, fault kind). So a run with tracing off can still be checked for determinism, and a
 * trace file re-read from disk gives the hash of the run that wrote it.
 *
 * The JSON Lines format is versioned (TRACE_FORMAT_VERSION) and documented in README.md.
 */
import { assert } from './assert.js';
import { fnv1a, RunningHash } from './hash.js';
import type { Micros, NodeId } from './types.js';

/** Bump when a field changes meaning; readers reject versions they do not know. */
export const TRACE_FORMAT_VERSION = 1;

/** Event kinds, in a fixed order (their index is stored). */
export const TRACE_KINDS = [
  'send', 'deliver', 'drop', 'timer', 'start', 'crash', 'restart', 'pause', 'resume',
  'fault', 'sync', 'synced', 'corrupt', 'note', 'invoke', 'ok', 'fail', 'info', 'violation',
  'phase',
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];
/** Kind to stored code; a plain object, as property loads with constant keys are cached. */
const KIND_CODE = Object.freeze(Object.fromEntries(TRACE_KINDS.map((k, i) => [k, i]))) as
  Readonly<Record<TraceKind, number>>;

const DATA_CHUNK_BITS = 12;
const DATA_CHUNK = 1 << DATA_CHUNK_BITS;

/** How much of the trace to keep: nothing, compact records, or nothing but a line per record. */
export type TraceLevel = 'off' | 'memory' | 'stream';

/**
 * One record as a plain object: the JSON Lines form. `peer` is printed as `to` for a send
 * and as `from` for a delivery or drop. `data` holds kind-specific fields.
 */
export interface TraceRecord {
  readonly i: number;
  readonly t: Micros;
  readonly kind: TraceKind;
  readonly node?: NodeId;
  readonly to?: NodeId;
  readonly from?: NodeId;
  readonly id?: number;
  readonly tag?: string;
  readonly data?: unknown;
}

/** The first line of a trace file. */
export interface TraceHeader {
  readonly format: 'faultline-trace';
  readonly version: number;
  readonly seed: string;
  readonly nodes: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly meta?: unknown;
}

/** The trace of one run. */
export class Trace {
  private times = new Float64Array(1024);
  private kinds = new Uint8Array(1024);
  private nodes = new Int16Array(1024);
  private peers = new Int16Array(1024);
  private ids = new Float64Array(1024);
  private tags: (string | undefined)[] = [];
  /**
   * Payloads in chunks of DATA_CHUNK. A payload is usually a message allocated an instant
   * before; stored into one huge, long-lived array, every store crossed the generations and was
   * remembered for the next scavenge. A chunk is young while it fills, so those stores are
   * cheap, and it is promoted whole with its payloads.
   */
  private datas: unknown[][] = [];
  private chunk: unknown[] = [];
  private stored = 0;
  private total = 0;
  private readonly hasher = new RunningHash();
  private readonly nodeIndex = new Map<NodeId, number>();

  constructor(
    readonly level: TraceLevel,
    readonly names: readonly NodeId[],
    private readonly sink?: (line: string) => void,
  ) {
    names.forEach((id, i) => this.nodeIndex.set(id, i));
    assert(level !== 'stream' || sink !== undefined, 'a streamed trace needs a sink for its lines');
  }

  /** Events recorded so far (at every level). */
  get length(): number {
    return this.total;
  }

  /** Records kept in memory (0 at level `off`). */
  get storedLength(): number {
    return this.stored;
  }

  /** The trace hash so far: 16 hex digits. */
  hash(): string {
    return this.hasher.hex();
  }

  /** The index of a node id in this trace (for `add`); asserts the node exists. */
  indexOf(id: NodeId): number {
    const n = this.nodeIndex.get(id);
    assert(n !== undefined, () => `trace: unknown node ${id}`);
    return n;
  }

  /**
   * Appends one event; returns its index. `node` and `peer` are indexes from `indexOf`, or -1
   * for none (the engine keeps each node's index, so the hot path does no lookups).
   */
  add(
    t: Micros, kind: TraceKind, node: number, peer = -1, id = -1, tag?: string, data?: unknown,
  ): number {
    const i = this.total++;
    const k = KIND_CODE[kind];
    const n = node;
    const p = peer;
    mix(this.hasher, t, k, n, p, id, tag);
    if (this.level !== 'memory') {
      if (this.level === 'stream') {
        (this.sink as (line: string) => void)(JSON.stringify(this.toRecord(i, t, k, n, p, id, tag,
          data)));
      }
      return i;
    }
    if (this.stored === this.times.length) this.grow();
    const s = this.stored++;
    this.times[s] = t;
    this.kinds[s] = k;
    this.nodes[s] = n;
    this.peers[s] = p;
    this.ids[s] = id;
    this.tags[s] = tag;
    if ((s & (DATA_CHUNK - 1)) === 0) {
      this.chunk = new Array<unknown>(DATA_CHUNK);
      this.datas.push(this.chunk);
    }
    this.chunk[s & (DATA_CHUNK - 1)] = data;
    return i;
  }

  /** Record `i` as a plain object. */
  record(i: number): TraceRecord {
    assert(i >= 0 && i < this.stored, () => `trace record ${i} not kept`);
    return this.toRecord(i, this.times[i] as number, this.kinds[i] as number,
      this.nodes[i] as number, this.peers[i] as number, this.ids[i] as number, this.tags[i],
      (this.datas[i >> DATA_CHUNK_BITS] as unknown[])[i & (DATA_CHUNK - 1)]);
  }

  /** One record's fields as the plain object of the JSON Lines form (its keys in that order). */
  private toRecord(i: number, t: Micros, k: number, n: number, p: number, id: number,
    tag: string | undefined, data: unknown): TraceRecord {
    const kind = TRACE_KINDS[k] as TraceKind;
    const out: Record<string, unknown> = { i, t, kind };
    if (n >= 0) out.node = this.names[n];
    if (p >= 0) out[kind === 'send' ? 'to' : 'from'] = this.names[p];
    if (id >= 0) out.id = id;
    if (tag !== undefined) out.tag = tag;
    if (data !== undefined) out.data = data;
    return out as unknown as TraceRecord;
  }

  /** Every kept record, in order. */
  *records(): IterableIterator<TraceRecord> {
    for (let i = 0; i < this.stored; i++) yield this.record(i);
  }

  /** The whole trace as JSON Lines: a header line, then one line per record. */
  toJsonl(header: Omit<TraceHeader, 'format' | 'version' | 'nodes' | 'clients'> &
    Partial<TraceHeader>): string {
    const lines = [JSON.stringify(this.header(header))];
    for (let i = 0; i < this.stored; i++) lines.push(JSON.stringify(this.record(i)));
    return lines.join('\n') + '\n';
  }

  /** The header for this trace's file. */
  header(extra: { seed: string; meta?: unknown; nodes?: readonly NodeId[];
    clients?: readonly NodeId[] }): TraceHeader {
    return {
      format: 'faultline-trace',
      version: TRACE_FORMAT_VERSION,
      nodes: extra.nodes ?? this.names.filter((id) => id.startsWith('n')),
      clients: extra.clients ?? this.names.filter((id) => !id.startsWith('n')),
      seed: extra.seed,
      ...(extra.meta === undefined ? {} : { meta: extra.meta }),
    };
  }

  private grow(): void {
    const size = this.times.length * 2;
    const grow = <A extends Float64Array | Uint8Array | Int16Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.times = grow(this.times, (n) => new Float64Array(n));
    this.kinds = grow(this.kinds, (n) => new Uint8Array(n));
    this.nodes = grow(this.nodes, (n) => new Int16Array(n));
    this.peers = grow(this.peers, (n) => new Int16Array(n));
    this.ids = grow(this.ids, (n) => new Float64Array(n));
  }
}

/** Hashes a sequence of records exactly as `Trace` hashes them (for trace files read back). */
export function hashRecords(records: Iterable<TraceRecord>, ids: readonly NodeId[]): string {
  const index = new Map(ids.map((id, i) => [id, i]));
  const h = new RunningHash();
  for (const r of records) {
    const peer = r.kind === 'send' ? r.to : r.from;
    const n = r.node === undefined ? -1 : (index.get(r.node) ?? -2);
    const p = peer === undefined ? -1 : (index.get(peer) ?? -2);
    mix(h, r.t, KIND_CODE[r.kind] ?? 255, n, p, r.id ?? -1, r.tag);
  }
  return h.hex();
}

/**
 * The fields of one record that the trace hash covers (-1 for an absent node or id), all as
 * integers: the tag enters as its 30-bit FNV-1a code (`tagCode`), not character by character.
 */
function mix(
  h: RunningHash, t: Micros, kind: number, node: number, peer: number, id: number, tag?: string,
): void {
  h.int(t);
  h.int(kind);
  h.int(node + 1);
  h.int(peer + 1);
  h.int(id + 1);
  if (tag !== undefined) h.int(tagCode(tag));
}

/**
 * Codes of tags longer than SHORT_TAG already computed. Most records carry one of a few dozen
 * tags (message types, timer names, note kinds), so a lookup replaces hashing the characters
 * again; a short tag is hashed directly, as cheap as the lookup (a trivial-handler engine
 * with 1000 timer names was 13% slower with every name in the map). Some timer names hold a
 * transaction or request id, so the cache stops growing at TAG_CACHE entries; past that a
 * tag's code is computed each time, the same code either way.
 */
const tagCodes = new Map<string, number>();
const TAG_CACHE = 4096;
const SHORT_TAG = 8;

/**
 * A tag as the integer the trace hash mixes: its FNV-1a hash cut to 30 bits, so that V8 keeps
 * it a small integer (a full 32-bit code became a heap number: the engine ran 5% slower).
 */
function tagCode(tag: string): number {
  if (tag.length <= SHORT_TAG) return fnv1a(tag) & 0x3fffffff;
  let code = tagCodes.get(tag);
  if (code === undefined) {
    code = fnv1a(tag) & 0x3fffffff;
    if (tagCodes.size < TAG_CACHE) tagCodes.set(tag, code);
  }
  return code;
}
