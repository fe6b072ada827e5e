/**
 * The fuzz progress line on stderr: runs, runs per second, failures, elapsed time and, with a
 * known total, a bar. Drawn only when stderr is a terminal and `--json` is off, at most ten
 * times a second, and erased at the end.
 */
import { performance } from 'node:perf_hooks';

/** A progress line; a no-op when not drawn. */
export class Progress {
  private readonly start = performance.now();
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly total: number | undefined,
    private readonly budgetMs: number | undefined,
    enabled: boolean,
  ) {
    this.enabled = enabled && process.stderr.isTTY === true;
  }

  /** Redraws with the current counts (throttled). */
  update(runs: number, failures: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const seconds = (now - this.start) / 1000;
    const fraction = this.total !== undefined ? runs / Math.max(1, this.total)
      : this.budgetMs !== undefined ? Math.min(1, (now - this.start) / this.budgetMs) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const rate = seconds > 0 ? runs / seconds : 0;
    const count = `${runs}${this.total === undefined ? '' : `/${this.total}`} runs`;
    const found = `${failures} failure${failures === 1 ? '' : 's'}`;
    process.stderr.write(`\r${bar} ${count}  ${rate.toFixed(1)} runs/s  ${found}  ${
      seconds.toFixed(0)}s `);
  }

  /** Erases the line. */
  end(): void {
    if (this.enabled) process.stderr.write('\r\x1b[2K');
  }
}
