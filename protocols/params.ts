/**
 * Building blocks for protocol parameter schemas (zod), shared so every protocol reads
 * durations, ranges and bug lists the same way in scenario files:
 * - a duration is a string with a unit (`500us`, `150ms`, `1.5s`, `2m`) or an integer number
 *   of microseconds, and becomes integer microseconds (durations.ts);
 * - a timer (a period, a timeout, a back-off) is a duration of at least `MIN_TIMER`: a timer
 *   of 0 fires again at the same instant for ever, so a run never gets past that instant;
 * - a range is `[min, max]` of either, min <= max;
 * - `bugs` is a list of names from the protocol's bug catalogue, without repeats.
 */
import { z } from 'zod';
import { duration, durationRange, MIN_TIMER } from './durations.js';

export { duration, durationRange } from './durations.js';

/** A zod schema for a protocol timer: a duration of at least `MIN_TIMER` (1ms). */
export function timer() {
  return duration({ min: MIN_TIMER });
}

/** A zod schema for a `[min, max]` range of timer durations, each at least `MIN_TIMER`. */
export function timerRange() {
  return durationRange({ min: MIN_TIMER });
}

/** A zod schema for a list of bug switches from `names`. */
export function bugList<const N extends string>(names: readonly [N, ...N[]]) {
  return z.array(z.enum(names)).default([]).refine((list) => new Set(list).size === list.length, {
    message: 'each bug at most once',
  });
}
