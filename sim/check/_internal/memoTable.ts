/**
 * The memo of the WGL search (Lowe 2017, §3): the set of (linearized-operations bitset, model
 * state) configurations already explored. Reaching one again cannot lead anywhere new, so the
 * search skips it. Porcupine keeps a Go map from bitset hash to a list of entries; here the
 * entries live in flat typed arrays with open addressing, so a lookup allocates nothing.
 * @internal
 */

/** A set of (bitset, state id) pairs keyed by a caller-supplied 32-bit hash. @internal */
export class MemoTable {
  /** Number of stored configurations. */
  size = 0;
  private readonly words: number;
  private bits: Uint32Array;
  private states: Int32Array;
  private hashes: Int32Array;
  /** Open-addressing slots: 0 empty, otherwise entry index + 1. */
  private slots: Int32Array;
  private mask: number;

  constructor(words: number, initialCapacity = 1024) {
    this.words = words;
    this.bits = new Uint32Array(initialCapacity * words);
    this.states = new Int32Array(initialCapacity);
    this.hashes = new Int32Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity * 2);
    this.mask = initialCapacity * 2 - 1;
  }

  /**
   * Adds (bits, state) unless present. `hash` must be a function of both. Returns true when
   * the pair was new.
   */
  addIfAbsent(bits: Uint32Array, hash: number, state: number): boolean {
    const words = this.words;
    let slot = hash & this.mask;
    for (;;) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      const e = stored - 1;
      if (this.hashes[e] === hash && this.states[e] === state) {
        const base = e * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (this.bits[base + w] !== bits[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.size === this.states.length) {
      this.grow();
      return this.addIfAbsent(bits, hash, state);
    }
    const e = this.size++;
    this.bits.set(bits.subarray(0, words), e * words);
    this.states[e] = state;
    this.hashes[e] = hash;
    this.slots[slot] = e + 1;
    return true;
  }

  private grow(): void {
    const capacity = this.states.length * 2;
    const bits = new Uint32Array(capacity * this.words);
    bits.set(this.bits);
    this.bits = bits;
    const states = new Int32Array(capacity);
    states.set(this.states);
    this.states = states;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    for (let e = 0; e < this.size; e++) {
      let slot = this.hashes[e]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = e + 1;
    }
  }
}
