/**
 * The memo of the linearizability search (Lowe 2017, §3): the configurations (linearized
 * operations, model state) already explored. Reaching one again, or one it covers, cannot lead
 * anywhere new, so the search skips it.
 *
 * Compact: Porcupine stores a full bitset of the history per entry, which is what made a
 * 20 000-operation history take gigabytes. Here a set of linearized operations is stored as
 * the window where it is not yet settled. With operations ranked by call time, every rank
 * below `lo` (the first operation not linearized) is in the set and every rank from `hi` (one
 * past the last linearized) is not, so (lo, hi, the bits between) identify the set exactly.
 * Real time keeps that window about as wide as the concurrency, so an entry takes a few dozen
 * bytes. The entries live in flat typed arrays with open addressing on a hash of the known
 * operations and the state; an equal hash is always followed by an exact comparison.
 *
 * Operations of unknown outcome are kept in a second window, and they make covering possible:
 * (K, I', s) covers (K, I, s) when I' ⊆ I. Operations of unknown outcome are optional, so
 * from the configuration with fewer of them linearized the search can do everything it can
 * from the one with more (skip the extra ones); if the covering one failed, so does the other.
 * That is why the hash leaves them out.
 * @internal
 */

/** Returned by `visit` when the table would grow past its byte limit. @internal */
export const MEMO_FULL = 2;

/** Fields per group (known set and state): hash, state, lo, hi, words, first set, listed. */
const GROUP = 7;
/** Fields per set of unknowns: lo, hi, offset of the words, next in the list, group, hash. */
const UNKNOWNS = 6;
/**
 * Sets of unknowns a group keeps in its list, which every lookup scans for covering; further
 * sets go to an exact index (found when equal, not when covering), so that a group with many
 * incomparable sets does not make every lookup slow.
 */
const LISTED = 8;

/**
 * A set of configurations with covering; see the file comment. Configurations are grouped by
 * (known set, state); a group keeps up to `LISTED` sets of unknowns as an antichain (none a
 * subset of another), so a lookup scans only sets that could cover.
 * @internal
 */
export class MemoTable {
  /** Number of stored configurations. */
  size = 0;
  private groupCount = 0;
  private unknownCount = 0;
  private groups: Int32Array;
  private unknowns: Int32Array;
  private words: Uint32Array;
  private wordsUsed = 0;
  /** Open-addressing slots over groups: 0 empty, otherwise group index + 1. */
  private slots: Int32Array;
  private mask: number;
  /** Open-addressing slots over sets not listed in their group: 0 empty, else index + 1. */
  private exact: Int32Array;
  private exactMask: number;
  private exactCount = 0;

  /**
   * `covering` false keeps exact configurations only: a set of unknowns then matches only an
   * equal set (for a search that wants every order, not the fewest).
   */
  constructor(
    private readonly maxBytes = Infinity,
    private readonly maxEntries = Infinity,
    initialCapacity = 1024,
    private readonly covering = true,
  ) {
    this.groups = new Int32Array(initialCapacity * GROUP);
    this.unknowns = new Int32Array(initialCapacity * UNKNOWNS);
    this.words = new Uint32Array(initialCapacity * 2);
    this.slots = new Int32Array(initialCapacity * 2);
    this.mask = initialCapacity * 2 - 1;
    this.exact = new Int32Array(64);
    this.exactMask = 63;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.groups.byteLength + this.unknowns.byteLength + this.words.byteLength +
      this.slots.byteLength + this.exact.byteLength;
  }

  /**
   * Records the configuration with known set (kLo, kHi, kBits), unknown set (iLo, iHi, iBits,
   * hashed to `iHash`) and `state`, unless it or a configuration covering it is present.
   * `hash` is a function of the known set and the state. The bit arrays are the full current
   * sets, indexed by rank. Returns 1 when it was new, 0 when it was covered, `MEMO_FULL` when
   * there is no room.
   */
  visit(hash: number, state: number, kLo: number, kHi: number, kBits: Uint32Array,
    iLo: number, iHi: number, iBits: Uint32Array, iHash: number): number {
    const g = this.groups;
    const kFrom = kLo >>> 5;
    const kWords = windowWords(kLo, kHi);
    let slot = hash & this.mask;
    let group = -1;
    for (;;) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      const base = (stored - 1) * GROUP;
      if (g[base] === hash && g[base + 1] === state && g[base + 2] === kLo &&
        g[base + 3] === kHi && this.sameWords(g[base + 4]!, kBits, kFrom, kWords)) {
        group = stored - 1;
        break;
      }
      slot = (slot + 1) & this.mask;
    }
    const iWords = windowWords(iLo, iHi);
    if (group >= 0) {
      if (!this.scanListed(group, iLo, iHi, iBits)) return 0;
      if (g[group * GROUP + 6]! >= LISTED && this.findExact(group, iHash, iLo, iHi, iBits)) return 0;
    }
    const slots = this.slots;
    if (this.size >= this.maxEntries || !this.reserve(kWords + iWords)) return MEMO_FULL;
    if (group < 0) {
      if (this.slots !== slots) {
        // The groups grew and the slots were rebuilt: find a free slot again.
        slot = hash & this.mask;
        while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      }
      group = this.groupCount++;
      const base = group * GROUP;
      const gs = this.groups;
      gs[base] = hash;
      gs[base + 1] = state;
      gs[base + 2] = kLo;
      gs[base + 3] = kHi;
      gs[base + 4] = this.copyWords(kBits, kFrom, kWords);
      gs[base + 5] = -1;
      gs[base + 6] = 0;
      this.slots[slot] = group + 1;
    }
    const u = this.unknownCount++;
    const ub = u * UNKNOWNS;
    const us = this.unknowns;
    us[ub] = iLo;
    us[ub + 1] = iHi;
    us[ub + 2] = this.copyWords(iBits, iLo >>> 5, iWords);
    us[ub + 4] = group;
    us[ub + 5] = iHash;
    const gb = group * GROUP;
    if (this.groups[gb + 6]! < LISTED) {
      us[ub + 3] = this.groups[gb + 5]!;
      this.groups[gb + 5] = u;
      this.groups[gb + 6]!++;
    } else {
      this.addExact(u);
    }
    this.size++;
    return 1;
  }

  /**
   * Scans a group's listed sets of unknowns: false if one covers the new set (is a subset of
   * it, or equal to it when not covering); otherwise unlinks those the new set covers and
   * returns true.
   */
  private scanListed(group: number, iLo: number, iHi: number, iBits: Uint32Array): boolean {
    const us = this.unknowns;
    const link = group * GROUP + 5;
    let previous = -1;
    for (let u = this.groups[link]!; u >= 0; u = us[u * UNKNOWNS + 3]!) {
      const ub = u * UNKNOWNS;
      const lo = us[ub]!;
      const hi = us[ub + 1]!;
      const within = iLo <= lo && iHi <= hi && this.withinStored(iLo, iHi, iBits, us[ub + 2]!, lo);
      if (lo <= iLo && this.storedWithin(us[ub + 2]!, lo, hi, iBits) &&
        (this.covering || within)) return false;
      if (within && this.covering) {
        const next = us[ub + 3]!;
        if (previous < 0) this.groups[link] = next;
        else us[previous * UNKNOWNS + 3] = next;
        this.groups[group * GROUP + 6]!--;
        this.size--;
        continue;
      }
      previous = u;
    }
    return true;
  }

  /** The exact index's slot for a set of unknowns of a group. */
  private exactSlot(group: number, iHash: number): number {
    return (Math.imul(this.groups[group * GROUP]! ^ iHash, 0x9e3779b1) ^ group) & this.exactMask;
  }

  /** Whether the exact index holds this set of unknowns for the group. */
  private findExact(group: number, iHash: number, iLo: number, iHi: number,
    iBits: Uint32Array): boolean {
    const us = this.unknowns;
    const iWords = windowWords(iLo, iHi);
    for (let slot = this.exactSlot(group, iHash); ; slot = (slot + 1) & this.exactMask) {
      const stored = this.exact[slot]!;
      if (stored === 0) return false;
      const ub = (stored - 1) * UNKNOWNS;
      if (us[ub + 4] === group && us[ub + 5] === iHash && us[ub] === iLo && us[ub + 1] === iHi &&
        this.sameWords(us[ub + 2]!, iBits, iLo >>> 5, iWords)) return true;
    }
  }

  /** Adds a set of unknowns to the exact index, doubling it past half full. */
  private addExact(u: number): void {
    if (2 * ++this.exactCount > this.exact.length) {
      this.exact = new Int32Array(this.exact.length * 2);
      this.exactMask = this.exact.length - 1;
      for (let v = 0; v < u; v++) {
        const vb = v * UNKNOWNS;
        if (this.inExact(v)) this.placeExact(v, this.unknowns[vb + 4]!, this.unknowns[vb + 5]!);
      }
    }
    this.placeExact(u, this.unknowns[u * UNKNOWNS + 4]!, this.unknowns[u * UNKNOWNS + 5]!);
  }

  /** Whether set `v` went to the exact index (its group's list does not link it). */
  private inExact(v: number): boolean {
    return this.unknowns[v * UNKNOWNS + 3] === EXACT;
  }

  private placeExact(u: number, group: number, iHash: number): void {
    this.unknowns[u * UNKNOWNS + 3] = EXACT;
    let slot = this.exactSlot(group, iHash);
    while (this.exact[slot] !== 0) slot = (slot + 1) & this.exactMask;
    this.exact[slot] = u + 1;
  }

  /** Whether a stored set (lo, hi, words at `at`) is a subset of the full set `bits`. */
  private storedWithin(at: number, lo: number, hi: number, bits: Uint32Array): boolean {
    const from = lo >>> 5;
    const count = windowWords(lo, hi);
    const words = this.words;
    for (let w = 0; w < count; w++) if ((words[at + w]! & ~bits[from + w]!) !== 0) return false;
    return true;
  }

  /**
   * Whether the full set `bits` (lo, hi) is a subset of the stored set whose words start at
   * `at` from rank `storedLo` (lo <= storedLo and hi <= its hi: words below it hold all).
   */
  private withinStored(lo: number, hi: number, bits: Uint32Array, at: number,
    storedLo: number): boolean {
    const first = storedLo >>> 5;
    const end = windowWords(lo, hi) + (lo >>> 5);
    const words = this.words;
    for (let w = first; w < end; w++) if ((bits[w]! & ~words[at + w - first]!) !== 0) return false;
    return true;
  }

  /** Whether the stored words at `at` equal `bits[from …]`. */
  private sameWords(at: number, bits: Uint32Array, from: number, count: number): boolean {
    const words = this.words;
    for (let w = 0; w < count; w++) if (words[at + w] !== bits[from + w]) return false;
    return true;
  }

  private copyWords(bits: Uint32Array, from: number, count: number): number {
    const at = this.wordsUsed;
    const words = this.words;
    for (let w = 0; w < count; w++) words[at + w] = bits[from + w]!;
    this.wordsUsed = at + count;
    return at;
  }

  /**
   * Makes room for one more group, one more set of unknowns and `words` words, doubling what
   * is full, unless that passes the byte limit (old and new arrays are both held meanwhile).
   */
  private reserve(words: number): boolean {
    const groupsFull = this.groupCount * GROUP === this.groups.length;
    const unknownsFull = this.unknownCount * UNKNOWNS === this.unknowns.length;
    let wordCapacity = this.words.length;
    while (this.wordsUsed + words > wordCapacity) wordCapacity *= 2;
    const wordsFull = wordCapacity !== this.words.length;
    if (!groupsFull && !unknownsFull && !wordsFull) return true;
    const grown = (full: boolean, array: { byteLength: number }) =>
      full ? 3 * array.byteLength : array.byteLength;
    const during = grown(groupsFull, this.groups) + grown(groupsFull, this.slots) +
      grown(unknownsFull, this.unknowns) + (wordsFull ? this.words.byteLength + wordCapacity * 4
      : this.words.byteLength);
    if (during > this.maxBytes) return false;
    if (wordsFull) {
      const next = new Uint32Array(wordCapacity);
      next.set(this.words.subarray(0, this.wordsUsed));
      this.words = next;
    }
    if (unknownsFull) {
      const next = new Int32Array(this.unknowns.length * 2);
      next.set(this.unknowns);
      this.unknowns = next;
    }
    if (groupsFull) this.growGroups();
    return true;
  }

  private growGroups(): void {
    const groups = new Int32Array(this.groups.length * 2);
    groups.set(this.groups);
    this.groups = groups;
    const capacity = groups.length / GROUP;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    for (let i = 0; i < this.groupCount; i++) {
      let slot = groups[i * GROUP]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = i + 1;
    }
  }
}

/** The "next" of a set of unknowns kept in the exact index rather than its group's list. */
const EXACT = -2;

/** Words of a window of ranks [lo, hi) stored from word lo/32 (none for an empty set). */
function windowWords(lo: number, hi: number): number {
  return hi > 0 ? ((hi + 31) >>> 5) - (lo >>> 5) : 0;
}
