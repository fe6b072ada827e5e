/**
 * Shrinking a failing run to a 1-minimal fault schedule: one from which removing any single
 * fault loses the failure (Zeller and Hildebrandt's delta debugging, ddmin). The budget goes to
 * the faults first; what is left then simplifies the rest of the run (fewer clients, a calmer
 * network), each change kept only if the run still fails the same way, after which the
 * schedule is made 1-minimal again. A schedule is reported minimal only once a full pass has
 * shown that no single fault can go.
 *
 * "The same way" means the same violated property: a safety violation must not shrink into a
 * liveness failure that a removed restart would cause.
 */
import type { ScheduledFault } from '../../sim/index.js';
import type { RunSpec } from '../spec.js';

/** What a shrink attempt learns of a candidate: whether it still fails the same way. */
export type Attempt<R> = (spec: RunSpec) => R | undefined;

/** The smallest failing spec found. */
export interface Shrunk<R> {
  readonly spec: RunSpec;
  /** The attempt's result for `spec` (undefined when it is the starting spec, not rerun). */
  readonly result: R | undefined;
  /** Reruns spent. */
  readonly runs: number;
  /** Changes kept (faults removed, simplifications). */
  readonly steps: number;
  /** Whether removing any one fault of `spec` was shown to lose the failure. */
  readonly minimal: boolean;
}

/** A shrinker with a budget of reruns. */
class Shrinker<R> {
  runs = 0;
  steps = 0;
  result: R | undefined;

  constructor(private readonly attempt: Attempt<R>, private readonly budget: number) {}

  get exhausted(): boolean {
    return this.runs >= this.budget;
  }

  /** Whether `spec` still fails (spending one rerun); keeps its result when it does. */
  fails(spec: RunSpec): boolean {
    this.runs++;
    const result = this.attempt(spec);
    if (result === undefined) return false;
    this.result = result;
    this.steps++;
    return true;
  }

  /**
   * ddmin over the schedule: removes ever smaller chunks while the run still fails. Returns the
   * spec and whether it ended with every single fault tried (1-minimal).
   */
  ddmin(spec: RunSpec): { spec: RunSpec; minimal: boolean } {
    let current = spec;
    let chunks = 2;
    while (current.faults.length > 0) {
      const faults = current.faults;
      if (chunks > faults.length) chunks = faults.length;
      const size = Math.ceil(faults.length / chunks);
      let removed = false;
      for (let start = 0; start < faults.length; start += size) {
        if (this.exhausted) return { spec: current, minimal: false };
        const candidate = withFaults(current, [...faults.slice(0, start),
          ...faults.slice(start + size)]);
        if (this.fails(candidate)) {
          current = candidate;
          chunks = Math.max(chunks - 1, 2);
          removed = true;
          break;
        }
      }
      if (removed) continue;
      if (chunks >= faults.length) return { spec: current, minimal: true };
      chunks = Math.min(chunks * 2, faults.length);
    }
    return { spec: current, minimal: true };
  }
}

function withFaults(spec: RunSpec, faults: readonly ScheduledFault[]): RunSpec {
  return { ...spec, faults };
}

/** The run with `clients` clients, when it has more and its faults name none of the others. */
function fewerClients(spec: RunSpec, clients: number): RunSpec | undefined {
  const workload = spec.workload;
  if (workload === undefined || clients < 1 || clients >= workload.clients) return undefined;
  const named = JSON.stringify(spec.faults).match(/"c(\d+)"/g) ?? [];
  if (named.some((id) => Number(id.slice(2, -1)) > clients)) return undefined;
  return { ...spec, workload: { ...workload, clients } };
}

/** Ways to simplify a run besides its faults, the most drastic first; undefined when one
 * does not apply. */
const SIMPLIFICATIONS: readonly ((spec: RunSpec) => RunSpec | undefined)[] = [
  (spec) => fewerClients(spec, 1),
  (spec) => fewerClients(spec, (spec.workload?.clients ?? 0) - 1),
  (spec) => spec.workload !== undefined && spec.workload.keys > 1
    ? { ...spec, workload: { ...spec.workload, keys: 1 } } : undefined,
  (spec) => spec.network !== undefined && (spec.network.duplicate ?? 0) > 0
    ? { ...spec, network: { ...spec.network, duplicate: 0 } } : undefined,
  (spec) => spec.network !== undefined && (spec.network.loss ?? 0) > 0
    ? { ...spec, network: { ...spec.network, loss: 0 } } : undefined,
];

/**
 * Shrinks a failing spec within `budget` reruns. `attempt` reruns a candidate and returns its
 * result when it fails the same way.
 */
export function shrinkRun<R>(spec: RunSpec, attempt: Attempt<R>, budget: number): Shrunk<R> {
  const shrinker = new Shrinker(attempt, budget);
  const sorted = withFaults(spec, [...spec.faults].sort((a, b) => a.at - b.at));
  let { spec: best, minimal } = shrinker.ddmin(sorted);
  let bestResult = shrinker.result;
  let proven = minimal ? { spec: best, result: bestResult } : undefined;
  let simplified = false;
  for (const simplify of SIMPLIFICATIONS) {
    if (shrinker.exhausted) break;
    const next = simplify(best);
    if (next !== undefined && shrinker.fails(next)) {
      best = next;
      bestResult = shrinker.result;
      simplified = true;
    }
  }
  if (simplified && !shrinker.exhausted) {
    const again = shrinker.ddmin(best);
    best = again.spec;
    bestResult = shrinker.result;
    minimal = again.minimal;
    if (minimal) proven = { spec: best, result: bestResult };
  } else if (simplified) {
    minimal = false;
  }
  // A 1-minimal schedule proven before the budget ran out beats a smaller, unproven one.
  if (!minimal && proven !== undefined) {
    return { spec: proven.spec, result: proven.result, runs: shrinker.runs,
      steps: shrinker.steps, minimal: true };
  }
  return { spec: best, result: bestResult, runs: shrinker.runs, steps: shrinker.steps, minimal };
}
