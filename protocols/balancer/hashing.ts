/**
 * Key-to-backend maps for affinity routing, each a pure function of the backends in rotation:
 * - `ring`: consistent hashing (Karger et al., STOC 1997) with virtual nodes: every backend
 *   owns `vnodes` points on a 32-bit ring, and a key belongs to the first point at or after
 *   its hash. A backend that leaves hands its arcs to the next points; one that joins takes
 *   arcs from them. So a key moves only when its owner leaves or a newcomer takes its arc:
 *   about 1/n of the keys on a resize of n backends.
 * - `maglev`: Maglev hashing (Eisenbud et al., NSDI 2016, §3.4, Pseudocode 1): every backend
 *   has a permutation of the M slots of a lookup table (an offset and a skip from two hashes
 *   of its name), and the backends take turns claiming the next free slot of their
 *   permutation until the table is full. Each backend gets M/n slots within one, so load is
 *   near even; a resize moves a little more than 1/n of the keys (the paper's "minimal
 *   disruption" is approximate: a few keys move between backends that stay).
 * - `modulo`: `hash(key) mod n` over the sorted backends, the naive map behind the bug
 *   `hash-mod-n`: a resize from n to n ± 1 moves about n/(n+1) of the keys.
 * Hashes are FNV-1a with the MurmurHash3 finaliser for avalanche; nothing here is random.
 */
import { fnv1a, type NodeId } from '../../sim/index.js';

/** A 32-bit hash of `text` with good avalanche (FNV-1a, then MurmurHash3's fmix32). */
export function hash32(text: string, seed?: number): number {
  let h = seed === undefined ? fnv1a(text) : fnv1a(text, seed);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A key-to-backend map over one set of backends. */
export interface KeyMap {
  readonly backends: readonly NodeId[];
  owner(key: string): NodeId;
}

/** The kinds of map. */
export type HashKind = 'ring' | 'maglev' | 'modulo';

/** Consistent hashing with virtual nodes; see the file comment. */
export class HashRing implements KeyMap {
  private readonly points: Uint32Array;
  private readonly owners: NodeId[];

  constructor(readonly backends: readonly NodeId[], vnodes: number) {
    const all: { point: number; id: NodeId }[] = [];
    for (const id of backends) {
      for (let v = 0; v < vnodes; v++) all.push({ point: hash32(`${id}#${v}`), id });
    }
    // Ties (two equal points) go to the smaller id, so the ring does not depend on input order.
    all.sort((a, b) => a.point - b.point || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.points = Uint32Array.from(all.map((p) => p.point));
    this.owners = all.map((p) => p.id);
  }

  owner(key: string): NodeId {
    const h = hash32(key);
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === this.points.length ? 0 : lo] as NodeId;
  }
}

const OFFSET_SEED = 0x2545f491;
const SKIP_SEED = 0x9e3779b9;

/** Maglev's lookup table; see the file comment. `size` must be a prime above the backends. */
export class MaglevTable implements KeyMap {
  private readonly slots: Int32Array;

  constructor(readonly backends: readonly NodeId[], readonly size: number) {
    const n = backends.length;
    this.slots = new Int32Array(size).fill(-1);
    if (n === 0) return;
    const offset = backends.map((id) => hash32(id, OFFSET_SEED) % size);
    const skip = backends.map((id) => (hash32(id, SKIP_SEED) % (size - 1)) + 1);
    const next = new Array<number>(n).fill(0);
    let filled = 0;
    while (filled < size) {
      for (let i = 0; i < n && filled < size; i++) {
        let slot = ((offset[i] as number) + (next[i] as number) * (skip[i] as number)) % size;
        while ((this.slots[slot] as number) >= 0) {
          next[i] = (next[i] as number) + 1;
          slot = ((offset[i] as number) + (next[i] as number) * (skip[i] as number)) % size;
        }
        this.slots[slot] = i;
        next[i] = (next[i] as number) + 1;
        filled++;
      }
    }
  }

  owner(key: string): NodeId {
    return this.backends[this.slots[hash32(key) % this.size] as number] as NodeId;
  }

  /** Slots each backend holds, for the balance tests. */
  shares(): Map<NodeId, number> {
    const out = new Map<NodeId, number>();
    for (const slot of this.slots) {
      const id = this.backends[slot] as NodeId;
      out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }
}

/** The naive map `hash mod n`; see the file comment. */
export class ModuloMap implements KeyMap {
  constructor(readonly backends: readonly NodeId[]) {}

  owner(key: string): NodeId {
    return this.backends[hash32(key) % this.backends.length] as NodeId;
  }
}

/** Settings of the maps. */
export interface HashSettings {
  readonly vnodes: number;
  readonly maglevSize: number;
}

/** Virtual nodes per backend on the ring, and Maglev's table size (a prime), by default. */
export const DEFAULT_HASH_SETTINGS: HashSettings = { vnodes: 100, maglevSize: 4_099 };

/** Builds the map of `kind` over `backends` (sorted, non-empty). */
export function keyMap(kind: HashKind, backends: readonly NodeId[], settings: HashSettings): KeyMap {
  switch (kind) {
    case 'ring':
      return new HashRing(backends, settings.vnodes);
    case 'maglev':
      return new MaglevTable(backends, settings.maglevSize);
    case 'modulo':
      return new ModuloMap(backends);
  }
}

/** Whether `n` is prime (Maglev's table size must be). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * The share of `keys` whose owner differs between two maps (keys moved by a resize), and the
 * ideal share, the least a resize must move: 1/n when one of n backends leaves, 1/(n+1) when
 * one joins n.
 */
export function keysMoved(before: KeyMap, after: KeyMap, keys: readonly string[]):
{ moved: number; ideal: number } {
  let moved = 0;
  for (const key of keys) if (before.owner(key) !== after.owner(key)) moved++;
  const a = new Set(before.backends);
  const b = new Set(after.backends);
  const removed = [...a].filter((id) => !b.has(id)).length;
  const added = [...b].filter((id) => !a.has(id)).length;
  // The keys of a removed backend must move, and a new one must take its share; one key moved
  // can do both, so the least is the larger of the two shares.
  const ideal = Math.max(a.size === 0 ? 0 : removed / a.size, b.size === 0 ? 0 : added / b.size);
  return { moved: keys.length === 0 ? 0 : moved / keys.length, ideal };
}
