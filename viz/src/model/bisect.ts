/**
 * Binary search over the model's sorted arrays: the views draw only what is visible, so they
 * look up where a time window starts in arrays of up to millions of items. d3's bisectors do
 * the search; typed arrays are array-likes to them, so nothing is copied.
 */
import { bisectLeft, bisector } from 'd3';
import type { Derived, Interval } from './derive.js';

const byStart = bisector((interval: Interval) => interval.t0);

/** The first arrow whose send index is >= `index`. */
export function firstArrow(d: Derived, index: number): number {
  return bisectLeft(d.arrowSend as unknown as ArrayLike<number>, index);
}

/** The first of `list` (sorted by t0) starting at or after `time`. */
export function firstStarting(list: readonly Interval[], time: number): number {
  return byStart.left(list, time);
}
