/**
 * The linearizability checker: does a concurrent client history have a sequential order,
 * consistent with each operation's real-time interval, that the model accepts? This is the
 * Wing–Gong/Lowe search with memoisation as in Porcupine (see `_internal/wglSearch.ts`), run
 * per partition (P-compositionality: one key at a time for a KV store).
 *
 * The answer is never wrong: when a budget (search steps, memo entries, wall time through an
 * injected clock) runs out, the verdict is `unknown`. On a violation the result names the
 * partition, a small set of operations that cannot be ordered (minimised, see
 * `_internal/minimise.ts`) and an explanation a student can follow.
 *
 * `sim/` never reads a real clock (see test/tidy.test.ts), so a time budget needs the caller
 * to pass `now`: the CLI passes its monotonic millisecond clock.
 */
import type { HistoryEvent, Operation } from './history.js';
import type { AnyModel, Model } from './model.js';
import { explainViolation, type Violation } from './_internal/explain.js';
import { minimiseViolation } from './_internal/minimise.js';
import type { PreparedOperation } from './_internal/preparedOperation.js';
import { preparePartitions, searchProblem } from './_internal/preparedOperation.js';
import type { SearchBudget } from './_internal/wglSearch.js';
import { WglSearch } from './_internal/wglSearch.js';
import { pairOperations } from './operations.js';

/** Limits and presentation options for a check. */
export interface CheckOptions {
  /** Search steps allowed over all partitions (default: unlimited). */
  readonly maxSteps?: number;
  /** Memo entries allowed in one partition's search (default: as many as memory allows). */
  readonly maxMemoEntries?: number;
  /**
   * Bytes the search's memo and model states may take (default 512 MiB); past it the verdict
   * is `unknown` (memory). The check never takes memory without bound.
   */
  readonly maxMemoryBytes?: number;
  /** Wall-time budget in milliseconds, measured with `now` (both needed). */
  readonly timeBudgetMs?: number;
  /** A millisecond clock for `timeBudgetMs` (sim/ never reads a real clock itself). */
  readonly now?: () => number;
  /**
   * Asked with the clock (every 65536 steps): true ends the search as `unknown`, exhausted
   * `memory`. The caller's memory budget (sim/ never reads memory), beside `maxMemoryBytes`.
   */
  readonly overMemory?: () => boolean;
  /** Minimise and explain a violation (default true). */
  readonly explain?: boolean;
  /** Search steps the minimisation may spend (default 2 million, about a second). */
  readonly minimiseSteps?: number;
  /** How a time reads in the explanation (default: microseconds as s/ms/µs). */
  readonly formatTime?: (time: number) => string;
}

/** Why a check ended with `unknown`. */
export type Exhausted = 'steps' | 'memory' | 'time';

export type { Violation };

/** The result of a linearizability check. */
export interface LinearizabilityResult {
  readonly verdict: 'linearizable' | 'not-linearizable' | 'unknown';
  /** Partitions in the history (after dropping operations the model ignores). */
  readonly partitions: number;
  /** Partitions whose search finished (all of them unless a violation or budget stopped). */
  readonly partitionsChecked: number;
  /** Search steps spent, minimisation excluded. */
  readonly steps: number;
  /** Set when the verdict is `unknown`. */
  readonly exhausted?: Exhausted;
  /** The partition whose budget ran out, when the verdict is `unknown`. */
  readonly unknownPartition?: string;
  /** Set when the verdict is `not-linearizable` and `explain` is not false. */
  readonly violation?: Violation;
}

/** The default memory budget of one partition's search, in MiB. */
export const DEFAULT_MEMORY_MIB = 512;
const DEFAULT_MEMORY_BYTES = DEFAULT_MEMORY_MIB * 2 ** 20;

/** First slice of search steps per partition; it doubles every round. */
const FIRST_SLICE_STEPS = 10_000;

/**
 * Checks paired operations against a model. Partitions are searched in rounds of growing step
 * slices, the single-threaded counterpart of Porcupine's parallel goroutines: a partition that
 * fails quickly ends the check even when another partition would take a long time.
 */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  operations: readonly Operation[],
  options: CheckOptions = {},
): LinearizabilityResult {
  const anyModel = model as unknown as AnyModel;
  const partitions = preparePartitions(anyModel, operations);
  const now = options.now;
  const timed = now !== undefined && options.timeBudgetMs !== undefined;
  const deadline = timed ? now() + (options.timeBudgetMs ?? 0) : Infinity;
  const budget = { maxMemoEntries: options.maxMemoEntries ?? Infinity,
    maxMemoryBytes: options.maxMemoryBytes ?? DEFAULT_MEMORY_BYTES, deadline, now,
    overMemory: options.overMemory };
  const maxSteps = options.maxSteps ?? Infinity;
  let active = [...partitions].map(([key, ops]) => ({
    key,
    ops,
    search: new WglSearch(searchProblem(anyModel, ops), false, budget),
  }));
  let steps = 0;
  let checked = 0;
  let unknown: { partition: string; exhausted: Exhausted } | undefined;
  for (let slice = FIRST_SLICE_STEPS; active.length > 0 && unknown === undefined; slice *= 2) {
    const paused: typeof active = [];
    for (const { key, ops, search } of active) {
      const before = search.steps;
      const result = search.run(Math.min(slice, maxSteps - steps), budget);
      steps += search.steps - before;
      if (result === 'paused') {
        if (steps >= maxSteps) unknown ??= { partition: key, exhausted: 'steps' };
        paused.push({ key, ops, search });
      } else if (result === 'memory' || result === 'time') {
        unknown ??= { partition: key, exhausted: result };
      } else if (result === 'linearizable') {
        checked++;
      } else {
        checked++;
        const common = { partitions: partitions.size, partitionsChecked: checked, steps };
        if (options.explain === false) return { verdict: 'not-linearizable', ...common };
        const violation = explain(anyModel, key, ops, options, budget, search.steps);
        return { verdict: 'not-linearizable', ...common, violation };
      }
    }
    active = paused;
  }
  const common = { partitions: partitions.size, partitionsChecked: checked, steps };
  if (unknown === undefined) return { verdict: 'linearizable', ...common };
  return { verdict: 'unknown', ...common, ...unknownFields(unknown) };
}

function unknownFields(unknown: { partition: string; exhausted: Exhausted }) {
  return { exhausted: unknown.exhausted, unknownPartition: unknown.partition };
}

/** Minimises and explains a violating partition. */
function explain(
  model: AnyModel,
  key: string,
  ops: readonly PreparedOperation[],
  options: CheckOptions,
  budget: Omit<SearchBudget, 'maxSteps'>,
  searchSteps: number,
): Violation {
  const maxSteps = options.minimiseSteps ?? 2_000_000;
  const witness = minimiseViolation(model, ops, { ...budget, maxSteps }, searchSteps);
  return explainViolation(model, key, witness, options.formatTime);
}

/** Pairs history events into operations (`pairOperations`) and checks them. */
export function checkHistory<S, I, O>(
  model: Model<S, I, O>,
  events: readonly HistoryEvent[],
  options: CheckOptions = {},
): LinearizabilityResult {
  return checkOperations(model, pairOperations(events), options);
}
