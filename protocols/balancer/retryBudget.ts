/**
 * A retry budget (Finagle's RetryBudget; Envoy's retry budgets): every request admitted
 * deposits `ratio` of a token, every retry withdraws one, and the balance never exceeds
 * `reserve` (it starts full). So over any stretch of time, retries are at most `reserve` plus
 * `ratio` times the requests admitted in it: when a backend fails, requests are retried; when
 * everything fails (an overload, a partition), retries cannot multiply the load.
 */

/**
 * Tokens are counted in ten-thousandths, as integers: the budget and its checker (below) then
 * agree exactly, where sums of 0.2 in floating point would drift apart.
 */
const SCALE = 10_000;
const scaled = (x: number): number => Math.round(x * SCALE);

/** A capped token bucket; see the file comment. */
export class RetryBudget {
  private balance: number;
  private readonly ratio: number;
  private readonly reserve: number;

  constructor(ratio: number, reserve: number) {
    this.ratio = scaled(ratio);
    this.reserve = scaled(reserve);
    this.balance = this.reserve;
  }

  /** A request was admitted. */
  deposit(): void {
    this.balance = Math.min(this.reserve, this.balance + this.ratio);
  }

  /** Takes a token for one retry; false when the budget is spent. */
  withdraw(): boolean {
    if (this.balance < SCALE) return false;
    this.balance -= SCALE;
    return true;
  }

  /** The tokens left, for the inspector. */
  get tokens(): number {
    return this.balance / SCALE;
  }
}

/**
 * The worst excess of retries over budget across every stretch of a sequence of admissions
 * and retries (what `retry-budget` checks): the most, over all stretches ending now, of
 * retries − ratio × admissions, as a running maximum (Kadane's). A budget keeps it at most
 * `reserve`.
 */
export class RetryExcess {
  private excess = 0;
  private readonly ratio: number;

  constructor(ratio: number) {
    this.ratio = scaled(ratio);
  }

  admitted(count = 1): void {
    this.excess = Math.max(0, this.excess - this.ratio * count);
  }

  retried(count = 1): void {
    this.excess += SCALE * count;
  }

  /** The most excess of any stretch ending now, in retries (0: the empty stretch). */
  get current(): number {
    return this.excess / SCALE;
  }

  /** Whether it exceeds a reserve of `reserve` retries. */
  exceeds(reserve: number): boolean {
    return this.excess > scaled(reserve);
  }
}
