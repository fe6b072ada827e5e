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
