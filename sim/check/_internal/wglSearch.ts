/**
 * The Wing–Gong linearizability search with Lowe's memoisation (WGL; Wing and Gong 1993,
 * Lowe 2017), as Porcupine implements it in checker.go `checkSingle`, with additions that
 * keep it fast and small where Porcupine is not: forced reads, deadline order, covering of
 * operations of unknown outcome, leaving out writes that nothing left could observe, and
 * dropping states that the next read rules out.
 *
 * A configuration is a set of linearized operations and the model state after them. From a
 * configuration the search may linearize any operation called no later than the earliest
 * return among the known operations not yet linearized (that one must come before anything
 * called after it returned: real-time order). It tries them depth first, and backtracks when
 * none is legal or leads to a configuration not explored before. It succeeds once every
 * operation with a known outcome is linearized; operations of unknown outcome
 * (`returnTime = Infinity`) may be linearized after their call, or never.
 *
 * Ties: at equal times calls come before returns, so an operation returning at t and one
 * called at t count as concurrent (closed intervals), as in Porcupine's `byTime`.
 *
 * The additions, each of which leaves the verdict unchanged:
 * 1. Forced reads. An operation that never changes a state (`Model.readOnly`) and is legal now
 *    is linearized at once, as the configuration's only choice. Any linearization from here
 *    can move it to the front: it was legal in the current state, it leaves every state as it
 *    was, and nothing had to precede it (it is a candidate). So the configuration succeeds
 *    exactly when the one after it does.
 * 2. Deadline order. Known operations are tried earliest return first, and operations of
 *    unknown outcome after them. The first is the order in which a linearizable history most
 *    likely took effect; the second lets covering (3) prune.
 * 3. Covering. Configurations with the same known operations and state, of which one has
 *    linearized a subset of the other's operations of unknown outcome: the smaller one covers
 *    the larger, since it can do all the larger can by leaving the extra ones out. The memo
 *    skips a configuration covered by one already explored (`memoTable.ts`), and an operation
 *    of unknown outcome that leaves the state unchanged is never tried (the current
 *    configuration covers the result). Nor is an operation that leads to the same state from
 *    a configuration a few operations of unknown outcome back (`absorbs`): that one covers it.
 * 4. Writes nothing left could observe. A write of unknown outcome is not tried where none of
 *    its observers (`Model.observers`, models/unseenWrites.ts) still to place could tell
 *    whether it took effect: any linearization that places it here stays legal without it.
 *    It may still be placed later, after an operation that makes it observable.
 * 5. Dead states. A configuration is dropped when the first read still to place saw a value
 *    its state cannot become before that read: each write that replaces the value and could
 *    come first wrote a value the read's cannot come from, or is a compare-and-set that
 *    cannot swap (the value it expects cannot come about), and the writes that add to the
 *    value cannot make it from this state (`WriteObservers.grows`: a KV append only
 *    lengthens it). On append-heavy
 *    keys a read lists the order of the appends, and an append placed too early is
 *    abandoned at once instead of after every order of the rest.
 * Why skipping covered configurations is sound: when the search fails, every configuration it
 * explored had all its successors explored or covered by explored ones (a forced one: its one
 * successor, which succeeds exactly when it does; a write left out by 4: the successors that
 * do without it; a dead state has no success to find). Covering is a simulation, so by induction along any successful
 * linearization, each of its configurations is covered by an explored one, including the last,
 * which would then be a success.
 * @internal
 */
import type { WriteObservers } from '../model.js';
import { MEMO_FULL, MemoTable } from './memoTable.js';
import { ILLEGAL_ID, type StateTable } from './stateTable.js';

/** How many writes that could come before a read `dead` looks at, before it gives up. */
const MAX_RESETS = 64;

/** How many operations of unknown outcome in a row `absorbs` looks back over. */
const MAX_ABSORBED = 8;

/** What the search may spend before giving up with `unknown`. @internal */
export interface SearchBudget {
  /** Search steps allowed (one step = one operation tried, or one backtrack). */
  readonly maxSteps: number;
  /** Memo entries allowed in this search. */
  readonly maxMemoEntries: number;
  /** Bytes the memo and the model states may take (default: no limit). */
  readonly maxMemoryBytes?: number;
  /** A clock and the time at which to stop; checked every 65536 steps. */
  readonly now?: (() => number) | undefined;
  readonly deadline: number;
  /** The caller's memory budget, asked with the clock: true stops with `memory`. */
  readonly overMemory?: (() => boolean) | undefined;
}

/** One partition to search: operation intervals and the interned model. @internal */
export interface SearchProblem {
  readonly callTimes: ArrayLike<number>;
  readonly returnTimes: ArrayLike<number>;
  readonly states: StateTable;
  readonly initialState: number;
  /** Per operation, 1 when it never changes a state (`Model.readOnly`). */
  readonly readOnly?: ArrayLike<number>;
  /** What could observe each write of unknown outcome (`Model.observers`). */
  readonly observers?: WriteObservers;
}

/** The answer of a whole search. `longest` is set when asked for. @internal */
export interface SearchOutcome {
  readonly verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  readonly steps: number;
  readonly memoEntries: number;
  readonly exhausted?: 'steps' | 'memory' | 'time';
  /** Operation indices of the longest linearizable sequence found, in order. */
  readonly longest?: readonly number[];
}

/** How a call to `WglSearch.run` ended. @internal */
export type RunResult = 'linearizable' | 'not-linearizable' | 'paused' | 'memory' | 'time';

/**
 * A resumable search over one partition. `run` searches for a number of steps and can be
 * called again to continue, so a checker can interleave partitions (as Porcupine runs them in
 * parallel goroutines) and stop at the first violation without finishing a hard partition.
 * @internal
 */
export class WglSearch {
  /** Steps taken so far. */
  steps = 0;
  /** The longest linearized sequence (operation indices), when tracking was asked for. */
  longest: number[] | undefined;
  readonly memo: MemoTable;
  // The problem's parts, as fields of one shape (problems differ in shape, which would make
  // every access in the hot loop polymorphic).
  private readonly callTimes: Float64Array;
  private readonly returnTimes: Float64Array;
  private readonly states: StateTable;
  private readonly observers: WriteObservers | undefined;
  private readonly grows: ((op: number, state: unknown) => boolean) | undefined;
  private readonly n: number;
  private readonly known: Uint8Array;
  private readonly readOnly: Uint8Array;
  /** Rank of each operation among the known (or unknown-outcome) ones by call time. */
  private readonly rank: Int32Array;
  private readonly knownCount: number;
  private readonly infoCount: number;
  /** Lists of operations not linearized, head at index n, -1 at the end (dancing links). */
  private readonly callNext: Int32Array;
  private readonly callPrev: Int32Array;
  private readonly returnNext: Int32Array;
  private readonly returnPrev: Int32Array;
  private readonly infoNext: Int32Array;
  private readonly infoPrev: Int32Array;
  /** Writes that replace the value, in call order, and reads of known outcome, by return. */
  private readonly replacing: Uint8Array;
  private readonly replaceNext: Int32Array;
  private readonly replacePrev: Int32Array;
  private readonly reads: Uint8Array;
  private readonly readNext: Int32Array;
  private readonly readPrev: Int32Array;
  /** The current configuration: linearized sets by rank, and their upper ends. */
  private readonly knownBits: Uint32Array;
  private readonly infoBits: Uint32Array;
  private readonly zobrist: Int32Array;
  private readonly infoZobrist: Int32Array;
  /** Per depth: operation that led there, state, hash and upper ends of the sets. */
  private readonly frameOp: Int32Array;
  private readonly frameState: Int32Array;
  private readonly frameHash: Int32Array;
  private readonly frameInfoHash: Int32Array;
  private readonly frameKnownHi: Int32Array;
  private readonly frameInfoHi: Int32Array;
  /** Per depth: the known candidates still to try, `candidates[cursor … end)`. */
  private readonly frameCursor: Int32Array;
  private readonly frameEnd: Int32Array;
  /** Per depth: the next operation of unknown outcome to try, or -1. */
  private readonly frameInfo: Int32Array;
  private candidates: Int32Array;
  private knownLeft: number;
  private depth = 0;
  private done: RunResult | undefined;
  private readonly maxMemoryBytes: number;
  private readonly thorough: boolean;

  /**
   * With `trackLongest` (for an explanation) the search is thorough: it keeps the longest
   * order it can find rather than pruning, so it neither covers nor leaves writes of unknown
   * outcome out (only forced reads and the exact memo stay). The verdict is the same.
   */
  constructor(problem: SearchProblem, trackLongest = false, budget?: Partial<SearchBudget>) {
    const n = problem.callTimes.length;
    this.callTimes = Float64Array.from(problem.callTimes);
    this.returnTimes = Float64Array.from(problem.returnTimes);
    this.states = problem.states;
    this.observers = problem.observers;
    this.grows = problem.observers?.grows;
    this.n = n;
    this.known = new Uint8Array(n);
    this.readOnly = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.known[i] = problem.returnTimes[i]! !== Infinity ? 1 : 0;
      this.readOnly[i] = problem.readOnly?.[i] === 1 ? 1 : 0;
    }
    const { callTimes, returnTimes } = problem;
    const knownOps: number[] = [];
    const infoOps: number[] = [];
    for (let i = 0; i < n; i++) (this.known[i] === 1 ? knownOps : infoOps).push(i);
    // Operations usually come in call order already: sort only when they do not.
    const byCall = (a: number, b: number) => callTimes[a]! - callTimes[b]! || a - b;
    const byReturnTime = (a: number, b: number) => returnTimes[a]! - returnTimes[b]! || byCall(a, b);
    sortUnlessSorted(knownOps, byCall);
    sortUnlessSorted(infoOps, byCall);
    const byReturn = sortUnlessSorted(knownOps.slice(), byReturnTime);
    this.rank = new Int32Array(n);
    knownOps.forEach((op, r) => (this.rank[op] = r));
    infoOps.forEach((op, r) => (this.rank[op] = r));
    this.knownCount = knownOps.length;
    this.infoCount = infoOps.length;
    this.knownLeft = knownOps.length;
    [this.callNext, this.callPrev] = linkList(n, knownOps);
    [this.returnNext, this.returnPrev] = linkList(n, byReturn);
    [this.infoNext, this.infoPrev] = linkList(n, infoOps);
    const observers = problem.observers;
    this.replacing = new Uint8Array(n);
    this.reads = new Uint8Array(n);
    for (let i = 0; i < n && observers !== undefined && !trackLongest; i++) {
      this.replacing[i] = observers.replacing[i] === true ? 1 : 0;
      this.reads[i] = observers.reads[i] === true && this.known[i] === 1 ? 1 : 0;
    }
    const all = [...knownOps, ...infoOps];
    [this.replaceNext, this.replacePrev] = linkList(n,
      sortUnlessSorted(all.filter((i) => this.replacing[i] === 1), byCall));
    [this.readNext, this.readPrev] = linkList(n, byReturn.filter((i) => this.reads[i] === 1));
    this.knownBits = new Uint32Array(((knownOps.length + 31) >>> 5) + 1);
    this.infoBits = new Uint32Array(((infoOps.length + 31) >>> 5) + 1);
    this.zobrist = zobristKeys(knownOps.length, 0x2545f491);
    this.infoZobrist = zobristKeys(infoOps.length, 0x61c88647);
    const depths = n + 1;
    this.frameOp = new Int32Array(depths);
    this.frameState = new Int32Array(depths);
    this.frameHash = new Int32Array(depths);
    this.frameInfoHash = new Int32Array(depths);
    this.frameKnownHi = new Int32Array(depths);
    this.frameInfoHi = new Int32Array(depths);
    this.frameCursor = new Int32Array(depths);
    this.frameEnd = new Int32Array(depths);
    this.frameInfo = new Int32Array(depths);
    this.candidates = new Int32Array(Math.max(16, 4 * n));
    this.maxMemoryBytes = budget?.maxMemoryBytes ?? Infinity;
    this.thorough = trackLongest;
    this.memo = new MemoTable(this.maxMemoryBytes, budget?.maxMemoEntries ?? Infinity,
      2 ** Math.ceil(Math.log2(Math.max(1024, 2 * n))), !trackLongest);
    this.longest = trackLongest ? [] : undefined;
    this.frameOp[0] = -1;
    this.frameState[0] = problem.initialState;
    const initial = problem.initialState;
    this.memo.visit(Math.imul(initial + 1, 0x9e3779b1), initial, 0, 0, this.knownBits, 0, 0,
      this.infoBits, 0);
    this.enter(0, 0);
  }

  /** Searches for at most `maxSteps` more steps; see `RunResult`. */
  run(maxSteps: number, budget: Omit<SearchBudget, 'maxSteps'>): RunResult {
    if (this.done !== undefined) return this.done;
    const checkClock = budget.now !== undefined && budget.deadline !== Infinity;
    const stepLimit = this.steps + maxSteps;
    const states = this.states;
    const { known, frameCursor, frameEnd, frameInfo, infoNext } = this;
    const callTimes = this.callTimes;
    let result: RunResult | undefined;
    while (result === undefined) {
      if (this.knownLeft === 0) {
        result = 'linearizable';
        break;
      }
      if (this.steps >= stepLimit) return 'paused';
      if ((++this.steps & 0xffff) === 0) {
        if (checkClock && budget.now!() > budget.deadline) {
          result = 'time';
          break;
        }
        if (this.memo.bytes + states.bytes > this.maxMemoryBytes ||
          budget.overMemory?.() === true) {
          result = 'memory';
          break;
        }
      }
      const d = this.depth;
      let op: number;
      const cursor = frameCursor[d]!;
      if (cursor < frameEnd[d]!) {
        op = this.candidates[cursor]!;
        frameCursor[d] = cursor + 1;
      } else if (frameInfo[d]! >= 0) {
        op = frameInfo[d]!;
        const following = infoNext[op]!;
        frameInfo[d] = following >= 0 && callTimes[following]! <= this.deadline() ? following : -1;
      } else {
        if (d === 0) result = 'not-linearizable';
        else this.backtrack();
        continue;
      }
      const state = this.frameState[d]!;
      const after = states.next(state, op);
      if (after < 0) continue;
      if (!this.thorough) {
        if (known[op] === 0 && (after === state || this.unobserved(op, state))) continue;
        if (this.absorbs(op, after)) continue;
      }
      const visited = this.tryLinearize(op, after);
      if (visited === MEMO_FULL) result = 'memory';
      else if (visited === 1 && budget.overMemory !== undefined && this.memoAtPowerOfTwo() &&
        budget.overMemory()) {
        result = 'memory';
      }
    }
    this.done = result;
    return result;
  }

  /**
   * Whether the memo has just reached 1024, 2048, 4096, … entries: the caller's memory budget
   * (`overMemory`) is asked there too, and not only every 65536 steps, so that a search whose
   * memo grows fast stops soon after the budget is spent.
   */
  private memoAtPowerOfTwo(): boolean {
    const size = this.memo.size;
    return size >= 1024 && (size & (size - 1)) === 0;
  }

  /**
   * Whether nothing still to place could observe the write of unknown outcome `op` if it took
   * effect now (models/unseenWrites.ts). Each of its observers is placed, or comes after a
   * write still to place that replaces the value (a fence, which ends the effect of `op`), or
   * is a mismatch that expects a value other than the current one which no write still to
   * place could complete by adding to it. Then it need not be tried here.
   */
  private unobserved(op: number, state: number): boolean {
    const observers = this.observers;
    const watching = observers?.observers[op];
    if (observers === undefined || watching === undefined) return false;
    next: for (const w of watching) {
      if (this.placed(w)) continue;
      for (const z of observers.fences[w] ?? []) if (!this.placed(z)) continue next;
      const adders = observers.adders[w];
      if (adders === undefined) return false;
      const states = this.states;
      if (this.grows?.(w, states.states[state]) === false) continue;
      if (states.next(state, w) === ILLEGAL_ID) return false;
      for (const a of adders) if (!this.placed(a)) return false;
    }
    return true;
  }

  /**
   * Whether `state` cannot lead anywhere: the first read still to place must see a value that
   * the state cannot become before it. No write that replaces the value and could come first
   * (called before that read returned) wrote a value the read's could come from
   * (`WriteObservers.derives`), and the writes that add to the value cannot make it from this
   * state (`WriteObservers.grows`).
   */
  private dead(state: number): boolean {
    const read = this.readNext[this.n]!;
    if (read < 0) return false;
    const deadline = this.returnTimes[read]!;
    const observers = this.observers!;
    let looked = 0;
    for (let z = this.replaceNext[this.n]!; z >= 0 && this.callTimes[z]! <= deadline;
      z = this.replaceNext[z]!) {
      if (++looked > MAX_RESETS) return false;
      if (observers.derives(read, z) && this.canTakeEffect(z, state, deadline)) return false;
    }
    const states = this.states;
    if (states.next(state, read) !== ILLEGAL_ID) return false;
    return this.grows?.(read, states.states[state]) !== true;
  }

  /**
   * Whether replacing write `z` could take effect before `deadline`: unconditionally, or, for
   * a compare-and-set, if the value it expects could come about: from `state` by additions,
   * or from another replacing write still to place before then.
   */
  private canTakeEffect(z: number, state: number, deadline: number): boolean {
    const observers = this.observers!;
    if (!observers.conditional[z]) return true;
    if (this.grows === undefined || this.grows(z, this.states.states[state])) return true;
    let looked = 0;
    for (let w = this.replaceNext[this.n]!; w >= 0 && this.callTimes[w]! <= deadline;
      w = this.replaceNext[w]!) {
      if (++looked > MAX_RESETS) return true;
      if (w !== z && observers.derives(z, w)) return true;
    }
    return false;
  }

  /** Whether an operation is linearized in the current configuration. */
  private placed(op: number): boolean {
    const r = this.rank[op]!;
    const bits = this.known[op] === 1 ? this.knownBits : this.infoBits;
    return (bits[r >>> 5]! & (1 << (r & 31))) !== 0;
  }

  /**
   * Whether `op`, leading to `after`, undoes the operations of unknown outcome just linearized:
   * it leads to the same state from the configuration before some of them, which has the
   * same known operations and fewer unknown ones, so it covers the result (see covering).
   */
  private absorbs(op: number, after: number): boolean {
    const states = this.states;
    const stop = Math.max(1, this.depth - MAX_ABSORBED);
    for (let j = this.depth; j >= stop && this.known[this.frameOp[j]!] === 0; j--) {
      if (states.next(this.frameState[j - 1]!, op) === after) return true;
    }
    return false;
  }

  /** The earliest return among known operations not linearized (Infinity if none). */
  private deadline(): number {
    const first = this.returnNext[this.n]!;
    return first < 0 ? Infinity : this.returnTimes[first]!;
  }

  /**
   * Linearizes `op` (legal, leading to state `after`) if the configuration it leads to is new:
   * then pushes it and returns 1. Returns 0 when covered, `MEMO_FULL` when out of memory.
   */
  private tryLinearize(op: number, after: number): number {
    const d = this.depth;
    const r = this.rank[op]!;
    const isKnown = this.known[op] === 1;
    const word = r >>> 5;
    const mask = 1 << (r & 31);
    let hash = this.frameHash[d]!;
    let infoHash = this.frameInfoHash[d]!;
    let knownHi = this.frameKnownHi[d]!;
    let infoHi = this.frameInfoHi[d]!;
    if (isKnown) {
      this.knownBits[word]! |= mask;
      hash ^= this.zobrist[r]!;
      if (r >= knownHi) knownHi = r + 1;
    } else {
      this.infoBits[word]! |= mask;
      infoHash ^= this.infoZobrist[r]!;
      if (r >= infoHi) infoHi = r + 1;
    }
    this.lift(op, isKnown);
    if (this.dead(after)) {
      this.unlift(op, isKnown);
      if (isKnown) this.knownBits[word]! &= ~mask;
      else this.infoBits[word]! &= ~mask;
      return 0;
    }
    const n = this.n;
    const firstKnown = this.callNext[n]!;
    const firstInfo = this.infoNext[n]!;
    const kLo = firstKnown < 0 ? this.knownCount : this.rank[firstKnown]!;
    const iLo = firstInfo < 0 ? this.infoCount : this.rank[firstInfo]!;
    const visited = this.memo.visit(hash ^ Math.imul(after + 1, 0x9e3779b1), after,
      kLo, knownHi, this.knownBits, iLo, infoHi, this.infoBits, infoHash);
    if (visited !== 1) {
      this.unlift(op, isKnown);
      if (isKnown) this.knownBits[word]! &= ~mask;
      else this.infoBits[word]! &= ~mask;
      return visited;
    }
    const next = d + 1;
    this.depth = next;
    this.frameOp[next] = op;
    this.frameState[next] = after;
    this.frameHash[next] = hash;
    this.frameInfoHash[next] = infoHash;
    this.frameKnownHi[next] = knownHi;
    this.frameInfoHi[next] = infoHi;
    if (isKnown) this.knownLeft--;
    if (this.longest !== undefined && next > this.longest.length) {
      this.longest = Array.from(this.frameOp.subarray(1, next + 1));
    }
    this.enter(next, this.frameEnd[d]!);
    return 1;
  }

  /**
   * Sets up the choices of the configuration at `depth`, storing its known candidates from
   * `from` in `candidates`: a legal read-only one alone (forced), else all by deadline.
   */
  private enter(depth: number, from: number): void {
    const n = this.n;
    const deadline = this.deadline();
    const callTimes = this.callTimes;
    const returnTimes = this.returnTimes;
    const state = this.frameState[depth]!;
    if (this.candidates.length < from + n) {
      const grown = new Int32Array(Math.max(2 * this.candidates.length, from + n));
      grown.set(this.candidates);
      this.candidates = grown;
    }
    const candidates = this.candidates;
    let end = from;
    for (let op = this.callNext[n]!; op >= 0 && callTimes[op]! <= deadline; op = this.callNext[op]!) {
      if (this.readOnly[op] === 1 && this.states.next(state, op) === state) {
        candidates[from] = op;
        this.frameCursor[depth] = from;
        this.frameEnd[depth] = from + 1;
        this.frameInfo[depth] = -1;
        return;
      }
      // Insertion by return time: candidates are few (about the concurrency).
      let at = end++;
      while (at > from && returnTimes[candidates[at - 1]!]! > returnTimes[op]!) {
        candidates[at] = candidates[at - 1]!;
        at--;
      }
      candidates[at] = op;
    }
    this.frameCursor[depth] = from;
    this.frameEnd[depth] = end;
    const firstInfo = this.infoNext[n]!;
    this.frameInfo[depth] = firstInfo >= 0 && callTimes[firstInfo]! <= deadline ? firstInfo : -1;
  }

  /** Undoes the last choice; the configuration below continues with its next candidate. */
  private backtrack(): void {
    const d = this.depth;
    const op = this.frameOp[d]!;
    const r = this.rank[op]!;
    const isKnown = this.known[op] === 1;
    this.unlift(op, isKnown);
    if (isKnown) {
      this.knownBits[r >>> 5]! &= ~(1 << (r & 31));
      this.knownLeft++;
    } else {
      this.infoBits[r >>> 5]! &= ~(1 << (r & 31));
    }
    this.depth = d - 1;
  }

  private lift(op: number, isKnown: boolean): void {
    if (this.replacing[op] === 1) unlink(op, this.replaceNext, this.replacePrev);
    if (this.reads[op] === 1) unlink(op, this.readNext, this.readPrev);
    if (isKnown) {
      unlink(op, this.callNext, this.callPrev);
      unlink(op, this.returnNext, this.returnPrev);
    } else {
      unlink(op, this.infoNext, this.infoPrev);
    }
  }

  private unlift(op: number, isKnown: boolean): void {
    if (isKnown) {
      relink(op, this.returnNext, this.returnPrev);
      relink(op, this.callNext, this.callPrev);
    } else {
      relink(op, this.infoNext, this.infoPrev);
    }
    if (this.reads[op] === 1) relink(op, this.readNext, this.readPrev);
    if (this.replacing[op] === 1) relink(op, this.replaceNext, this.replacePrev);
  }
}

/** Runs a whole search at once within `budget`. @internal */
export function wglSearch(
  problem: SearchProblem,
  budget: SearchBudget,
  trackLongest = false,
): SearchOutcome {
  const search = new WglSearch(problem, trackLongest, budget);
  const result = search.run(budget.maxSteps, budget);
  const base = { steps: search.steps, memoEntries: search.memo.size };
  const withLongest = search.longest === undefined ? base : { ...base, longest: search.longest };
  if (result === 'linearizable' || result === 'not-linearizable') {
    return { ...withLongest, verdict: result };
  }
  return { ...withLongest, verdict: 'unknown', exhausted: result === 'paused' ? 'steps' : result };
}

/** Sorts `items` in place by `compare` unless they already are in order; returns them. */
function sortUnlessSorted(items: number[], compare: (a: number, b: number) => number): number[] {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1]!, items[i]!) > 0) return items.sort(compare);
  }
  return items;
}

/** A doubly linked list of `order` over nodes 0 … n-1, head at n, -1 at the end. */
function linkList(n: number, order: readonly number[]): [Int32Array, Int32Array] {
  const next = new Int32Array(n + 1).fill(-1);
  const prev = new Int32Array(n + 1).fill(-1);
  let last = n;
  for (const node of order) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = -1;
  return [next, prev];
}

/** Removes a node from its list; `relink` puts it back (dancing links, in reverse order). */
function unlink(node: number, next: Int32Array, prev: Int32Array): void {
  const after = next[node]!;
  next[prev[node]!] = after;
  if (after !== -1) prev[after] = prev[node]!;
}

function relink(node: number, next: Int32Array, prev: Int32Array): void {
  next[prev[node]!] = node;
  const after = next[node]!;
  if (after !== -1) prev[after] = node;
}

/** Deterministic random 32-bit keys per rank, for an incremental set hash. */
function zobristKeys(n: number, seed: number): Int32Array {
  const keys = new Int32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}
