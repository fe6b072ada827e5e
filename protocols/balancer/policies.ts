/**
 * Load-balancing policies: how a balancer picks the backend for one request among those in
 * rotation. Each is a small object with its own state (a rotation counter, current weights, a
 * cached hash map), fed what it needs through `PickInput`:
 * - `round-robin`: each backend in turn;
 * - `weighted-round-robin`: nginx's smooth weighted round robin (ngx_http_upstream_round_robin.c):
 *   every pick raises each backend's current weight by its weight, takes the highest and lowers
 *   it by the total, so a 5:1:1 pool goes a a b a c a a, not a a a a a b c;
 * - `random` and `weighted-random` (a draw proportional to weight);
 * - `least-connections`: the fewest requests this balancer has open at a backend, per unit of
 *   weight (nginx `least_conn`): its own accounting, which forgets a request at its timeout;
 * - `least-outstanding-requests`: the fewest requests a backend reports queued or in service
 *   (in its last reply or health-check answer) plus those sent to it since: the backend's own
 *   count, which still holds work the balancer gave up on (AWS ALB's algorithm, with the load
 *   reports of Envoy's ORCA);
 * - `power-of-two`: two distinct backends at random, the one with fewer open requests
 *   (Mitzenmacher, "The power of two choices", 2001): near least-connections balance without a
 *   scan, and without sending everyone to the one idle backend at once;
 * - `ring` and `maglev`: the owner of the request's key (hashing.ts), for affinity;
 * - `feedback`: smooth weighted round robin over weights that the balancer's controller moves
 *   with each backend's measured load (feedback.ts).
 * Ties go round robin. A policy never draws from anything but the prng it is given.
 */
import type { NodeId, Prng } from '../../sim/index.js';
import { type HashKind, type HashSettings, type KeyMap, keyMap } from './hashing.js';

/** Policy names, as parameters write them. */
export const POLICIES = ['round-robin', 'weighted-round-robin', 'random', 'weighted-random',
  'least-connections', 'least-outstanding-requests', 'power-of-two', 'ring', 'maglev',
  'feedback'] as const;
export type PolicyName = (typeof POLICIES)[number];

/** The policies that map keys to backends. */
export const HASH_POLICIES: ReadonlySet<PolicyName> = new Set(['ring', 'maglev']);

/** What a policy reads to pick. */
export interface PickInput {
  /** The candidates: backends in rotation, not yet tried for this request, sorted by id. */
  readonly pool: readonly NodeId[];
  readonly key: string | undefined;
  readonly prng: Prng;
  /** Requests this balancer has open at a backend. */
  inflight(id: NodeId): number;
  /** Requests a backend reports outstanding, plus those sent to it since its report. */
  outstanding(id: NodeId): number;
  weight(id: NodeId): number;
}

/** A policy with its state. */
export interface Policy {
  /** A backend of `input.pool`, or undefined when the pool is empty. */
  pick(input: PickInput): NodeId | undefined;
}

/** Each in turn. */
export class RoundRobin implements Policy {
  private next = 0;

  pick({ pool }: Pick<PickInput, 'pool'>): NodeId | undefined {
    if (pool.length === 0) return undefined;
    return pool[this.next++ % pool.length];
  }
}

/** nginx's smooth weighted round robin; see the file comment. */
export class SmoothWeighted implements Policy {
  private readonly current = new Map<NodeId, number>();

  pick({ pool, weight }: Pick<PickInput, 'pool' | 'weight'>): NodeId | undefined {
    let total = 0;
    let best: NodeId | undefined;
    let bestValue = -Infinity;
    for (const id of pool) {
      const w = weight(id);
      const value = (this.current.get(id) ?? 0) + w;
      this.current.set(id, value);
      total += w;
      if (value > bestValue) {
        best = id;
        bestValue = value;
      }
    }
    if (best !== undefined) this.current.set(best, bestValue - total);
    return best;
  }
}

/** Uniformly at random. */
export class UniformRandom implements Policy {
  pick({ pool, prng }: Pick<PickInput, 'pool' | 'prng'>): NodeId | undefined {
    return pool.length === 0 ? undefined : prng.pick(pool);
  }
}

/** At random, in proportion to weight. */
export class WeightedRandom implements Policy {
  pick({ pool, prng, weight }: PickInput): NodeId | undefined {
    const total = pool.reduce((sum, id) => sum + weight(id), 0);
    let draw = prng.float() * total;
    for (const id of pool) {
      draw -= weight(id);
      if (draw < 0) return id;
    }
    return pool[pool.length - 1];
  }
}

/** The least of a score, ties round robin. */
class LeastScore implements Policy {
  private next = 0;

  constructor(private readonly score: (input: PickInput, id: NodeId) => number) {}

  pick(input: PickInput): NodeId | undefined {
    const { pool } = input;
    if (pool.length === 0) return undefined;
    const start = this.next++ % pool.length;
    let best: NodeId | undefined;
    let bestScore = Infinity;
    for (let k = 0; k < pool.length; k++) {
      const id = pool[(start + k) % pool.length] as NodeId;
      const score = this.score(input, id);
      if (score < bestScore) {
        best = id;
        bestScore = score;
      }
    }
    return best;
  }
}

/** Two at random, the less loaded by open requests. */
export class PowerOfTwo implements Policy {
  pick({ pool, prng, inflight }: PickInput): NodeId | undefined {
    if (pool.length <= 1) return pool[0];
    const i = prng.int(0, pool.length - 1);
    const j = (i + prng.int(1, pool.length - 1)) % pool.length;
    const a = pool[i] as NodeId;
    const b = pool[j] as NodeId;
    return inflight(b) < inflight(a) ? b : a;
  }
}

/** The owner of the key in a map of the pool, rebuilt when the pool changes. */
export class Affinity implements Policy {
  private cached: { signature: string; map: KeyMap } | undefined;
  private readonly fallback = new RoundRobin();

  constructor(private readonly kind: HashKind, private readonly settings: HashSettings) {}

  /** The map over `pool` (kept until the pool changes). */
  map(pool: readonly NodeId[]): KeyMap {
    const signature = pool.join(',');
    if (this.cached?.signature !== signature) {
      this.cached = { signature, map: keyMap(this.kind, pool, this.settings) };
    }
    return this.cached.map;
  }

  pick(input: PickInput): NodeId | undefined {
    if (input.pool.length === 0) return undefined;
    if (input.key === undefined) return this.fallback.pick(input);
    return this.map(input.pool).owner(input.key);
  }
}

/** A fresh policy of `name`; `modulo` replaces the hash maps (the bug `hash-mod-n`). */
export function makePolicy(name: PolicyName, settings: HashSettings, modulo = false): Policy {
  switch (name) {
    case 'round-robin':
      return new RoundRobin();
    case 'weighted-round-robin':
    case 'feedback':
      return new SmoothWeighted();
    case 'random':
      return new UniformRandom();
    case 'weighted-random':
      return new WeightedRandom();
    case 'least-connections':
      return new LeastScore((input, id) => input.inflight(id) / input.weight(id));
    case 'least-outstanding-requests':
      return new LeastScore((input, id) => input.outstanding(id) / input.weight(id));
    case 'power-of-two':
      return new PowerOfTwo();
    case 'ring':
    case 'maglev':
      return new Affinity(modulo ? 'modulo' : name, settings);
  }
}
