/**
 * An operation ready for the search: the recorded operation, the model's view of it
 * (`Model.convert`), and the return time the search uses (`Infinity` when the outcome is
 * unknown). Partitioning, the search itself and violation minimisation all work on these.
 * @internal
 */
import type { Operation } from '../history.js';
import type { AnyModel, TimedOperation } from '../model.js';
import { UNKNOWN } from '../model.js';
import { StateTable } from './stateTable.js';
import type { SearchBudget, SearchOutcome, SearchProblem } from './wglSearch.js';
import { wglSearch } from './wglSearch.js';

/** An operation with its model input and output, and its interval. @internal */
export interface PreparedOperation extends TimedOperation<unknown, unknown> {
  readonly op: Operation;
  /** Set on a weakened copy: the operation as recorded. */
  readonly original?: PreparedOperation;
}

/**
 * Converts operations with the model, drops those it rejects, and groups the rest by
 * partition key in order of first appearance. @internal
 */
export function preparePartitions(
  model: AnyModel,
  ops: readonly Operation[],
): Map<string, PreparedOperation[]> {
  const partitions = new Map<string, PreparedOperation[]>();
  for (const op of ops) {
    const converted = model.convert(op);
    if (converted === null) continue;
    const unknown = converted.output === UNKNOWN || op.outcome === 'info';
    const prepared: PreparedOperation = {
      op,
      input: converted.input,
      output: unknown ? UNKNOWN : converted.output,
      callTime: op.callTime,
      returnTime: unknown ? Infinity : op.returnTime,
    };
    const key = model.partitionKey?.(op) ?? '';
    const list = partitions.get(key);
    if (list === undefined) partitions.set(key, [prepared]);
    else list.push(prepared);
  }
  if (model.observers === undefined) return partitions;
  for (const [key, list] of partitions) {
    if (!list.some((p) => p.output === UNKNOWN)) continue;
    const { observers } = model.observers(list);
    const unseen = (i: number) => observers[i]?.length === 0 && list[i]!.output === UNKNOWN;
    if (list.some((_, i) => unseen(i))) partitions.set(key, list.filter((_, i) => !unseen(i)));
  }
  return partitions;
}

/** The same operation with its outcome made unknown (a weakening). @internal */
export function weaken(prepared: PreparedOperation): PreparedOperation {
  if (prepared.output === UNKNOWN) return prepared;
  return { ...prepared, output: UNKNOWN, returnTime: Infinity, original: prepared };
}

/** The search problem for prepared operations: intervals and a fresh state table. @internal */
export function searchProblem(model: AnyModel, ops: readonly PreparedOperation[]): SearchProblem {
  const states = new StateTable(model, ops);
  const initialState = states.intern(model.init());
  const callTimes = new Float64Array(ops.length);
  const returnTimes = new Float64Array(ops.length);
  const readOnly = new Uint8Array(ops.length);
  ops.forEach((p, i) => {
    callTimes[i] = p.op.callTime;
    returnTimes[i] = p.returnTime;
    readOnly[i] = model.readOnly?.(p.input, p.output) === true ? 1 : 0;
  });
  const observers = model.observers?.(ops);
  return { callTimes, returnTimes, states, initialState, readOnly,
    ...(observers === undefined ? {} : { observers }) };
}

/** Runs a whole WGL search over prepared operations. @internal */
export function searchPrepared(
  model: AnyModel,
  ops: readonly PreparedOperation[],
  budget: SearchBudget,
  trackLongest = false,
): SearchOutcome & { readonly states: StateTable } {
  const problem = searchProblem(model, ops);
  return { ...wglSearch(problem, budget, trackLongest), states: problem.states };
}
