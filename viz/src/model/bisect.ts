/**
 * Binary search over the model's sorted arrays: the views draw only what is visible, so they
 * look up where a time window starts in arrays of up to millions of items.
 */
import type { Derived, Interval } from './derive.js';

/** The first index in [0, length) whose key is >= `value`, for keys sorted ascending. */
export function firstAtLeast(length: number, keyAt: (i: number) => number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first arrow whose send index is >= `index`. */
export function firstArrow(d: Derived, index: number): number {
  return firstAtLeast(d.arrowSend.length, (i) => d.arrowSend[i] as number, index);
}

/** The first of `list` (sorted by t0) starting at or after `time`. */
export function firstStarting(list: readonly Interval[], time: number): number {
  return firstAtLeast(list.length, (i) => (list[i] as Interval).t0, time);
}
