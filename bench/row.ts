/**
 * One benchmark row: a measured figure with its unit, and where a row has a baseline
 * measured in the same run, the name of that baseline and the ratio value / baseline.
 * Rows are produced side by side in one process so that a ratio compares like with like
 * on a shared, noisy machine.
 */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
  readonly ratio?: number;
  readonly goal?: string;
  /** A goal as a number: `npm run bench` says whether it is met, from this run's figures. */
  readonly target?: Target;
}

/** A numeric goal on a row's value or on its ratio to its baseline. */
export interface Target {
  /** Which figure the goal bounds. */
  readonly of: 'value' | 'ratio';
  readonly at: '>=' | '<=';
  readonly goal: number;
}

/** A row judged against its target, as `npm run bench -- --json` prints it. */
export interface JudgedRow extends BenchRow {
  /** Whether the goal is met in this run. */
  readonly met?: boolean;
  /** The figure the goal bounds divided by the goal, in this run (>= 1 meets a `>=` goal). */
  readonly ofGoal?: number;
}

/** `row` with a numeric goal, which also becomes its `goal` text. */
export function withTarget(row: BenchRow, at: Target['at'], goal: number,
  of: Target['of'] = 'value'): BenchRow {
  const text = `${at} ${goal}${of === 'ratio' ? 'x' : ` ${row.unit}`}`;
  return { ...row, goal: text, target: { of, at, goal } };
}

/** Whether a row meets its target, and by what ratio, from the figures of this run. */
export function judge(row: BenchRow): JudgedRow {
  const target = row.target;
  if (target === undefined) return row;
  const figure = target.of === 'ratio' ? row.ratio : row.value;
  if (figure === undefined || !Number.isFinite(figure)) return { ...row, met: false };
  const met = target.at === '>=' ? figure >= target.goal : figure <= target.goal;
  return { ...row, met, ofGoal: figure / target.goal };
}

/** A group of rows measured together (one file of bench/ each). */
export type BenchSuite = () => Promise<BenchRow[]> | BenchRow[];

/** Runs `fn` until at least `minMs` of wall time passed; returns operations per second. */
export function measureRate(fn: () => number, minMs = 500): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedNs = 0n;
  while (elapsedNs < BigInt(minMs) * 1_000_000n) {
    ops += fn();
    elapsedNs = process.hrtime.bigint() - start;
  }
  return ops / (Number(elapsedNs) / 1e9);
}

/** Wall-clock milliseconds taken by `fn`, best of `repeats` runs. */
export function bestMs(fn: () => void, repeats = 3): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}
