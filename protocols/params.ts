/**
 * Building blocks for protocol parameter schemas (zod), shared so every protocol reads
 * durations, ranges and bug lists the same way in scenario files:
 * - a duration is a string with a unit (`500us`, `150ms`, `1.5s`, `2m`) or an integer number
 *   of microseconds, and becomes integer microseconds;
 * - a duration range is `[min, max]` of durations, min <= max;
 * - `bugs` is a list of names from the protocol's bug catalogue, without repeats.
 */
import { z } from 'zod';
import type { Micros } from '../sim/index.js';

const UNITS: Readonly<Record<string, number>> = { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)$/;

/** Parses `150ms`-style text to integer microseconds; undefined when it is not a duration. */
export function parseDuration(text: string): Micros | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const micros = Number(match[1]) * (UNITS[match[2] as string] as number);
  return Number.isFinite(micros) ? Math.round(micros) : undefined;
}

/** Formats microseconds the way a person writes them: `150ms`, `1.5s`, `800us`. */
export function formatDuration(micros: Micros): string {
  if (micros >= 1_000_000 && micros % 1_000 === 0) return `${micros / 1_000_000}s`;
  if (micros >= 1_000) return `${micros / 1_000}ms`;
  return `${micros}us`;
}

/** Durations beyond a simulated year are a typo, not a scenario. */
export const MAX_DURATION: Micros = 365 * 24 * 3_600 * 1_000_000;

/** A zod schema for a duration (see the file comment). */
export function duration(): z.ZodType<Micros, string | number> {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const micros = typeof value === 'number'
      ? (Number.isInteger(value) ? value : undefined)
      : parseDuration(value);
    if (micros === undefined) {
      ctx.addIssue({ code: 'custom',
        message: `a duration such as "150ms", "2s" or "500us", got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (micros < 0 || micros > MAX_DURATION) {
      ctx.addIssue({ code: 'custom', message: `a duration between 0 and 365 days, got ${value}` });
      return z.NEVER;
    }
    return micros;
  }).meta({ title: 'duration' });
}

/** A zod schema for `[min, max]` durations with min <= max. */
export function durationRange(): z.ZodType<readonly [Micros, Micros], unknown> {
  return z.tuple([duration(), duration()]).refine(([min, max]) => min <= max, {
    message: 'a range [min, max] with min <= max',
  }).meta({ title: 'duration range' }) as unknown as z.ZodType<readonly [Micros, Micros], unknown>;
}

/** A zod schema for a list of bug switches from `names`. */
export function bugList<const N extends string>(names: readonly [N, ...N[]]) {
  return z.array(z.enum(names)).default([]).refine((list) => new Set(list).size === list.length, {
    message: 'each bug at most once',
  });
}
