/**
 * The Wing–Gong linearizability search with Lowe's memoisation (WGL; Wing and Gong 1993,
 * Lowe 2017), as Porcupine implements it in checker.go `checkSingle`.
 *
 * The history becomes a doubly linked list of call and return entries in time order. The search
 * walks the list from its head: at a call entry it tries to linearize that operation next
 * (legal in the current model state, and the resulting (linearized set, state) pair not seen
 * before); if so it "lifts" the call and its return out of the list and starts again from the
 * head. Reaching a return entry means the operation it belongs to must have been linearized
 * already (real-time order), so the search backtracks: it pops the last choice, "unlifts" it
 * and tries the next call after it. An empty stack at a return entry proves the history is not
 * linearizable.
 *
 * Ties: at equal times calls sort before returns, so an operation returning at t and one
 * called at t count as concurrent (closed intervals), as in Porcupine's `byTime`.
 *
 * Operations with unknown outcome (`returnTime = Infinity`) have no return entry: nothing has
 * to precede them and they never force a backtrack, so each may be linearized anywhere after
 * its call or never; the search succeeds once every operation with a known return is placed.
 * @internal
 */
import { MemoTable } from './memoTable.js';
import type { StateTable } from './stateTable.js';

/** What the search may spend before giving up with `unknown`. @internal */
export interface SearchBudget {
  /** Search steps allowed (one step = one list entry visited). */
  readonly maxSteps: number;
  /** Memo entries (and interned states) allowed in this search. */
  readonly maxMemoEntries: number;
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
 * A resumable WGL search over one partition. `run` searches for a number of steps and can be
 * called again to continue, so a checker can interleave partitions (as Porcupine runs them in
 * parallel goroutines) and stop at the first violation without finishing a hard partition.
 * @internal
 */
export class WglSearch {
  /** Steps taken so far. */
  steps = 0;
  /** The longest linearized sequence (operation indices), when tracking was asked for. */
  longest: number[] | undefined;
  private readonly problem: SearchProblem;
  private readonly finite: Uint8Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly zobrist: Int32Array;
  private readonly bits: Uint32Array;
  readonly memo: MemoTable;
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  private finiteLeft = 0;
  private depth = 0;
  private state: number;
  private hash = 0;
  private entry: number;
  private done: RunResult | undefined;

  constructor(problem: SearchProblem, trackLongest = false) {
    const n = problem.callTimes.length;
    this.problem = problem;
    this.finite = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (problem.returnTimes[i]! !== Infinity) {
        this.finite[i] = 1;
        this.finiteLeft++;
      }
    }
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    linkEntries(problem, this.finite, this.next, this.prev);
    this.zobrist = zobristKeys(n);
    this.bits = new Uint32Array(Math.max(1, (n + 31) >>> 5));
    this.memo = new MemoTable(this.bits.length);
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.state = problem.initialState;
    this.entry = this.next[2 * n]!;
    this.longest = trackLongest ? [] : undefined;
  }

  /** Searches for at most `maxSteps` more steps; see `RunResult`. */
  run(maxSteps: number, budget: Omit<SearchBudget, 'maxSteps'>): RunResult {
    if (this.done !== undefined) return this.done;
    const checkClock = budget.now !== undefined && budget.deadline !== Infinity;
    const watched = checkClock || budget.overMemory !== undefined;
    const stepLimit = this.steps + maxSteps;
    const next = this.next;
    const head = 2 * this.finite.length;
    let result: RunResult | undefined;
    while (result === undefined) {
      if (this.finiteLeft === 0) result = 'linearizable';
      else if (this.steps >= stepLimit) return 'paused';
      else if ((++this.steps & 0xffff) === 0 && watched &&
        (result = spent(budget, checkClock)) !== undefined) {
        // Out of time or memory: `result` says which, and the loop ends.
      } else if (this.entry >= 0 && (this.entry & 1) === 0) {
        if (this.tryLinearize(this.entry >>> 1)) {
          this.entry = next[head]!;
          const memoEntries = Math.max(this.memo.size, this.problem.states.size);
          if (memoEntries > budget.maxMemoEntries) result = 'memory';
          else if (this.memoFull() && budget.overMemory?.() === true) result = 'memory';
        } else {
          this.entry = next[this.entry]!;
        }
      } else if (this.depth === 0) {
        result = 'not-linearizable';
      } else {
        this.backtrack();
      }
    }
    this.done = result;
    return result;
  }

  /**
   * Whether the memo is full, so that its next entry doubles it. An entry holds a bitset of
   * every operation, so a large partition's memo grows by gigabytes: the caller's memory
   * budget is asked here, before each doubling, and not only every 65536 steps.
   */
  private memoFull(): boolean {
    const size = this.memo.size;
    return size >= 1024 && (size & (size - 1)) === 0;
  }

  /**
   * Tries `op` as the next linearized operation: legal in the current state and leading to a
   * configuration not explored before. On success it is pushed and lifted out of the list.
   */
  private tryLinearize(op: number): boolean {
    const after = this.problem.states.next(this.state, op);
    if (after < 0) return false;
    const bits = this.bits;
    const word = op >>> 5;
    const mask = 1 << (op & 31);
    bits[word]! |= mask;
    const lifted = this.hash ^ this.zobrist[op]!;
    if (!this.memo.addIfAbsent(bits, lifted ^ Math.imul(after + 1, 0x9e3779b1), after)) {
      bits[word]! &= ~mask;
      return false;
    }
    this.stackOp[this.depth] = op;
    this.stackState[this.depth] = this.state;
    this.depth++;
    this.hash = lifted;
    this.state = after;
    lift(2 * op, this.finite[op] === 1, this.next, this.prev);
    this.finiteLeft -= this.finite[op]!;
    if (this.longest !== undefined && this.depth > this.longest.length) {
      this.longest = Array.from(this.stackOp.subarray(0, this.depth));
    }
    return true;
  }

  /** Undoes the last choice and continues with the entry after it. */
  private backtrack(): void {
    this.depth--;
    const op = this.stackOp[this.depth]!;
    this.state = this.stackState[this.depth]!;
    this.bits[op >>> 5]! &= ~(1 << (op & 31));
    this.hash ^= this.zobrist[op]!;
    unlift(2 * op, this.finite[op] === 1, this.next, this.prev);
    this.finiteLeft += this.finite[op]!;
    this.entry = this.next[2 * op]!;
  }
}

/** Runs a whole search at once within `budget`. @internal */
export function wglSearch(
  problem: SearchProblem,
  budget: SearchBudget,
  trackLongest = false,
): SearchOutcome {
  const search = new WglSearch(problem, trackLongest);
  const result = search.run(budget.maxSteps, budget);
  const base = { steps: search.steps, memoEntries: search.memo.size };
  const withLongest = search.longest === undefined ? base : { ...base, longest: search.longest };
  if (result === 'linearizable' || result === 'not-linearizable') {
    return { ...withLongest, verdict: result };
  }
  return { ...withLongest, verdict: 'unknown', exhausted: result === 'paused' ? 'steps' : result };
}

/** Whether the search has spent its time or its memory, by the caller's clock and probe. */
function spent(budget: Omit<SearchBudget, 'maxSteps'>, checkClock: boolean):
  'time' | 'memory' | undefined {
  if (checkClock && (budget.now as () => number)() > budget.deadline) return 'time';
  return budget.overMemory?.() === true ? 'memory' : undefined;
}

/**
 * Builds the entry list: op i has call entry 2i and, if its return time is finite, return
 * entry 2i + 1; entry 2n is the head. Sorted by time, calls before returns at equal times.
 */
function linkEntries(
  problem: SearchProblem,
  finite: Uint8Array,
  next: Int32Array,
  prev: Int32Array,
): void {
  const n = finite.length;
  const entries: number[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(2 * i);
    if (finite[i] === 1) entries.push(2 * i + 1);
  }
  const time = (e: number): number =>
    (e & 1) === 0 ? problem.callTimes[e >>> 1]! : problem.returnTimes[e >>> 1]!;
  entries.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
  let last = 2 * n;
  for (const e of entries) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = -1;
}

/** Removes a call entry and its return entry (if any) from the list. */
function lift(call: number, hasReturn: boolean, next: Int32Array, prev: Int32Array): void {
  const callNext = next[call]!;
  next[prev[call]!] = callNext;
  if (callNext !== -1) prev[callNext] = prev[call]!;
  if (!hasReturn) return;
  const ret = call + 1;
  const retNext = next[ret]!;
  next[prev[ret]!] = retNext;
  if (retNext !== -1) prev[retNext] = prev[ret]!;
}

/** Puts back what `lift` removed, in reverse order (dancing links). */
function unlift(call: number, hasReturn: boolean, next: Int32Array, prev: Int32Array): void {
  if (hasReturn) {
    const ret = call + 1;
    next[prev[ret]!] = ret;
    if (next[ret] !== -1) prev[next[ret]!] = ret;
  }
  next[prev[call]!] = call;
  if (next[call] !== -1) prev[next[call]!] = call;
}

/** Deterministic random 32-bit keys per operation, for an incremental bitset hash. */
function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    keys[i] = z ^ (z >>> 16);
  }
  return keys;
}
