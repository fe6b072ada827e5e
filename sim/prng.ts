/**
 * Seeded randomness. One root seed fixes every random choice in a run; each component draws
 * from its own named stream (`net/n1/n2`, `node/n3`, `clock/n2`, `faults`, …) derived from
 * the root seed and the stream's name. Adding a node or a fault therefore creates new streams
 * without shifting the draws of existing ones, which keeps shrinking stable (TigerBeetle's
 * PRNG discipline; FoundationDB's deterministic random).
 *
 * The generator is seedrandom's Alea: fast, with a 2^116 period, and identical in Node and
 * in the browser.
 */
import seedrandom from 'seedrandom';
import { assert, AssertionError } from './assert.js';

/** A run's root seed: an integer or a string. */
export type Seed = number | string;

/** A stream of random numbers. Every draw advances only this stream. */
export class Prng {
  private readonly next: () => number;

  constructor(readonly name: string, seed: string) {
    this.next = seedrandom.alea(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) {
      throw new AssertionError(`prng.int: bounds ${min}..${max} are not integers in order`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p` (0 ≤ p ≤ 1). A probability of 0 never draws. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'prng.pick from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A new array with the items in a uniformly random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Standard normal deviate (Box–Muller; draws two uniforms). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) is not allowed
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential deviate with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/**
 * The root of a run's randomness: hands out named streams. Asking twice for one name gives
 * the same stream object, so a component may look its stream up instead of keeping it.
 */
export class PrngRoot {
  private readonly streams = new Map<string, Prng>();

  constructor(readonly seed: Seed) {}

  /** The stream called `name`, created on first use from `seed` and `name` alone. */
  stream(name: string): Prng {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new Prng(name, `${String(this.seed)}\u0000${name}`);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
