/**
 * Shrinks a non-linearizable partition to a small witness that is still provably not
 * linearizable, so that a violation report names a handful of operations instead of hundreds.
 *
 * Every step is a weakening, so the witness stays sound: "these operations cannot be ordered"
 * remains true of the full history.
 * 1. Cut at time t: keep operations called by t, and make those still running at t unknown.
 *    Any linearization of the history yields one of the cut, so non-linearizability is
 *    monotone in t and a binary search finds the earliest failing cut (Knossos and Porcupine
 *    report the same point as the end of the longest linearizable prefix).
 * 2. Remove operations that leave every reachable state unchanged (reads, failed CAS): a
 *    linearization with them is one without them, so removing them is a weakening.
 * 2b. Remove operations with a known outcome while the witness stays non-linearizable on its
 *    own, never one whose written value another operation mentions (the write a read saw, the
 *    value a compare-and-set expected). Not a weakening, like step 5, but each removal makes
 *    the next proofs cheaper, so a long history shrinks to the few operations a reader needs.
 * 3. Weaken one operation at a time to "outcome unknown" while the witness stays
 *    non-linearizable (greedy; the result is 1-minimal when the budget allows). Each proof
 *    attempt gets a step cap (ten times the last proof, at least 50 000): weakening adds
 *    branching, and an attempt that would be slow is counted as "keep the operation".
 * 4. Drop unknown operations that cannot matter: those called after every known operation
 *    returned (they can always go last), and those that leave every reachable state unchanged
 *    (reads whose result is unknown).
 * 5. Remove unknown operations while the witness stays non-linearizable. This is not a
 *    weakening (the full history's reason may involve them), but the reported set is then
 *    non-linearizable on its own, which is what a reader checks by hand. Operations with a
 *    known outcome are never removed this way, nor weakened writes that a read in the witness
 *    saw: removing the writes of a value a read saw would produce a misleading witness (a read
 *    alone, impossible from the initial state, where the writes it saw show what is missing).
 * @internal
 */
import type { AnyModel } from '../model.js';
import { UNKNOWN } from '../model.js';
import type { PreparedOperation } from './preparedOperation.js';
import { searchPrepared, weaken } from './preparedOperation.js';
import type { StateTable } from './stateTable.js';
import { ILLEGAL_ID } from './stateTable.js';
import type { SearchBudget } from './wglSearch.js';

/** A minimised witness with the longest legal order found for it. @internal */
export interface Witness {
  readonly ops: readonly PreparedOperation[];
  /** Indices into `ops` of the longest legal order found. */
  readonly longest: readonly number[];
  readonly states: StateTable;
  readonly initialState: number;
  /** False when the budget ran out before minimisation finished. */
  readonly minimal: boolean;
}

/** Search steps spent looking for the longest legal order of the final witness. */
const LONGEST_STEPS = 200_000;

/** Search steps a single proof attempt may take at least, and as a multiple of the last. */
const MIN_STEPS_PER_PROOF = 50_000;
const PROOF_STEPS_GROWTH = 10;

/** Minimises a non-linearizable partition; see the file comment. @internal */
export function minimiseViolation(
  model: AnyModel,
  ops: readonly PreparedOperation[],
  budget: SearchBudget,
  firstProofSteps = 0,
): Witness {
  let spent = 0;
  let lastProofSteps = firstProofSteps;
  let complete = true;
  let lastStates: StateTable | undefined;
  const proveViolation = (candidate: readonly PreparedOperation[]): boolean => {
    const cap = Math.max(MIN_STEPS_PER_PROOF, PROOF_STEPS_GROWTH * lastProofSteps);
    const left = Math.min(budget.maxSteps - spent, cap);
    if (left <= 0) {
      complete = false;
      return false;
    }
    const outcome = searchPrepared(model, candidate, { ...budget, maxSteps: left });
    spent += outcome.steps;
    if (outcome.verdict === 'unknown') complete = false;
    if (outcome.verdict !== 'not-linearizable') return false;
    lastProofSteps = outcome.steps;
    lastStates = outcome.states;
    return true;
  };
  let witness = earliestFailingCut(ops, proveViolation);
  if (lastStates === undefined || !proveViolation(witness)) {
    return finish(model, witness, budget, false);
  }
  const preserving = statePreserving(witness, lastStates);
  // Removing an operation that never changes a reachable state is a weakening; try it first,
  // since it also makes later proofs cheaper.
  const removable = new Set(witness.filter((_, i) => preserving[i]).map((p) => p.op.id));
  witness = shrinkInChunks(witness, removable, (ws, chosen) =>
    ws.filter((p) => !chosen.has(p.op.id)), proveViolation);
  // Remove known operations the violation does not need, keeping every one whose written
  // value another operation mentions (the write a read saw, the value a CAS expected). Each
  // removal makes later proofs cheaper, where weakening makes them dearer.
  const cited = citedOperations(witness);
  const spare = new Set(witness.filter((p) => p.output !== UNKNOWN && !cited.has(p.op.id))
    .map((p) => p.op.id));
  witness = shrinkInChunks(witness, spare, (ws, chosen) =>
    ws.filter((p) => !chosen.has(p.op.id)), proveViolation);
  const known = new Set(witness.filter((p) => p.output !== UNKNOWN).map((p) => p.op.id));
  witness = shrinkInChunks(witness, known, (ws, chosen) =>
    ws.map((p) => (chosen.has(p.op.id) ? weaken(p) : p)), proveViolation);
  witness = dropIrrelevantUnknowns(model, witness);
  // Finally remove unknown operations the violation does not need, so the report shows a set
  // that is not linearizable on its own (and no weakened operation it could do without, unless
  // a read in it saw what that operation wrote).
  const unknowns = new Set(removableUnknowns(model, witness).map((p) => p.op.id));
  witness = shrinkInChunks(witness, unknowns, (ws, chosen) =>
    ws.filter((p) => !chosen.has(p.op.id)), proveViolation);
  return finish(model, witness, budget, complete);
}

/**
 * Applies `change` to chunks of the eligible operations (halves, then quarters, … then one at
 * a time, as in delta debugging) and keeps each change that still proves a violation.
 */
function shrinkInChunks(
  start: PreparedOperation[],
  eligible: ReadonlySet<number>,
  change: (ops: PreparedOperation[], chosen: ReadonlySet<number>) => PreparedOperation[],
  proveViolation: (candidate: readonly PreparedOperation[]) => boolean,
): PreparedOperation[] {
  let witness = start;
  let left = [...eligible];
  for (let size = 2 ** Math.floor(Math.log2(Math.max(1, left.length))); size >= 1; size /= 2) {
    const kept: number[] = [];
    for (let from = 0; from < left.length; from += size) {
      const chunk = left.slice(from, from + size);
      const candidate = change(witness, new Set(chunk));
      if (proveViolation(candidate)) witness = candidate;
      else kept.push(...chunk);
    }
    left = kept;
  }
  return witness;
}

/** The strings and numbers inside a value (a written value, a CAS's expected and new values). */
function leaves(value: unknown, out: (string | number)[] = []): (string | number)[] {
  if (typeof value === 'string') out.push(value.trim());
  else if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) leaves(v, out);
  }
  return out;
}

/**
 * Operations whose input another operation's input or output mentions: with the unique values
 * workloads write, the write a read returned, or the value a compare-and-set expected. A
 * number is mentioned when it appears itself; a string also when it appears inside another
 * (appends concatenate). They stay in a witness, so that removing operations never leaves a
 * read of a value no one wrote.
 */
function citedOperations(witness: readonly PreparedOperation[]): Set<number> {
  const others = witness.map((p) => leaves([p.op.input, p.op.output]));
  const cited = new Set<number>();
  witness.forEach((p, i) => {
    const mine = leaves(p.op.input).filter((v) => typeof v === 'number' || v.length > 0);
    const mentioned = mine.some((v) => others.some((theirs, j) => j !== i && theirs.some((w) =>
      w === v || (typeof v === 'string' && typeof w === 'string' && w.includes(v)))));
    if (mentioned) cited.add(p.op.id);
  });
  return cited;
}

/** For each operation: does it leave every state of `states` unchanged (or is illegal)? */
function statePreserving(witness: readonly PreparedOperation[], states: StateTable): boolean[] {
  const reached = states.size;
  return witness.map((_, i) => {
    for (let s = 0; s < reached; s++) {
      const after = states.next(s, i);
      if (after !== s && after !== ILLEGAL_ID) return false;
    }
    return true;
  });
}

/** Searches the final witness for its longest legal order. */
function finish(
  model: AnyModel,
  witness: readonly PreparedOperation[],
  budget: SearchBudget,
  minimal: boolean,
): Witness {
  const proof = searchPrepared(model, witness, { ...budget, maxSteps: 10_000_000 });
  // The longest order is for the reader: a thorough search finds it early, on its first
  // descent, and need not run to the end (with many unknown operations it could not).
  const thorough = searchPrepared(model, witness, { ...budget, maxSteps: LONGEST_STEPS }, true);
  return {
    ops: witness,
    longest: thorough.longest ?? [],
    states: thorough.states,
    initialState: thorough.states.intern(model.init()),
    minimal: minimal && proof.verdict === 'not-linearizable',
  };
}

/** Cuts the history at the earliest return time where it is already not linearizable. */
function earliestFailingCut(
  ops: readonly PreparedOperation[],
  proveViolation: (candidate: readonly PreparedOperation[]) => boolean,
): PreparedOperation[] {
  const times = [...new Set(ops.map((p) => p.returnTime).filter((t) => t !== Infinity))];
  times.sort((a, b) => a - b);
  const cut = (t: number): PreparedOperation[] =>
    ops.filter((p) => p.op.callTime <= t).map((p) => (p.returnTime > t ? weaken(p) : p));
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (proveViolation(cut(times[mid]!))) hi = mid;
    else lo = mid + 1;
  }
  return hi < 0 ? [...ops] : cut(times[hi]!);
}

/**
 * Drops unknown operations called after the last known return, and unknown operations that
 * map every state reached by a search of the witness to itself.
 */
function dropIrrelevantUnknowns(
  model: AnyModel,
  witness: readonly PreparedOperation[],
): PreparedOperation[] {
  let lastReturn = -Infinity;
  for (const p of witness) {
    if (p.returnTime !== Infinity) lastReturn = Math.max(lastReturn, p.returnTime);
  }
  const kept = witness.filter((p) => p.returnTime !== Infinity || p.op.callTime <= lastReturn);
  const probeBudget = { maxSteps: 10_000_000, maxMemoEntries: 10_000_000, deadline: Infinity };
  const probe = searchPrepared(model, kept, probeBudget);
  if (probe.verdict !== 'not-linearizable') return kept;
  const reached = probe.states.states.length;
  return kept.filter((p, i) => {
    if (p.returnTime !== Infinity) return true;
    for (let s = 0; s < reached; s++) if (probe.states.next(s, i) !== s) return true;
    return false;
  });
}

/** Unknown operations step 5 may try to remove: not weakened writes a known read saw. */
function removableUnknowns(
  model: AnyModel,
  witness: readonly PreparedOperation[],
): PreparedOperation[] {
  const observed = model.observers?.(witness);
  const seenByRead = (i: number): boolean => observed?.observers[i]?.some((j) =>
    witness[j]!.output !== UNKNOWN && observed.adders[j] === undefined) === true;
  return witness.filter((p, i) => p.output === UNKNOWN &&
    (p.original === undefined || !seenByRead(i)));
}
