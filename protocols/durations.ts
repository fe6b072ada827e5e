/**
 * Durations, once for the whole project: how a scenario file, a protocol parameter or a
 * command-line option writes one, how it is checked, and how it is shown.
 *
 * - Text: a number with a unit (`500us`, `150ms`, `1.5s`, `2m`), or an integer number of
 *   microseconds. It becomes integer microseconds (`Micros`), the engine's unit.
 * - Bounds: at most 365 days (a longer one is a typo, not a scenario); not negative unless the
 *   field is signed (clock offsets and jumps); and a lower bound per field where a shorter
 *   value would make a run spin (a protocol timer of 0 fires again at the same instant, for
 *   ever). A value outside its bounds gets a message that names the bound.
 * - Shown two ways: `formatDuration` writes the exact value the way a person writes it in a
 *   file (`1.5s`, `150ms`, `800us`; it reads back to the same µs), `showDuration` rounds to three
 *   decimals for reports and the visualizer (`1.234s`, `12.5ms`, `800µs`).
 *
 * The zod schemas (`duration`, `durationRange`) serve the scenario schema (runner/schema.ts)
 * and every protocol's parameters (params.ts), so a file, a parameter and `--param` read a
 * duration the same way and say the same thing when it is wrong.
 */
import { z } from 'zod';
import type { Micros } from '../sim/index.js';

const UNITS: Readonly<Record<string, number>> =
  { us: 1, µs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)$/;
/** The text form, signed or not, for editors (JSON Schema); `durationOrReason` decides. */
const DURATION_TEXT = /^\s*-?\d+(\.\d+)?\s*(us|µs|ms|s|m)\s*$/;

/** Durations beyond a simulated year are a typo, not a scenario. */
export const MAX_DURATION: Micros = 365 * 24 * 3_600 * 1_000_000;

/**
 * The shortest protocol timer: a period, a timeout or a back-off. Nothing real times out in
 * under a millisecond, and a timer of 0 re-arms at the same instant without end.
 */
export const MIN_TIMER: Micros = 1_000;

/** What a field accepts besides the common bounds. */
export interface DurationBounds {
  /** Negative values allowed (an offset or a jump); default false. */
  readonly signed?: boolean;
  /** The least value accepted (default 0, or -365 days when signed). */
  readonly min?: Micros;
}

/** Parses unsigned `150ms`-style text to integer µs; undefined when it is not a duration. */
export function parseDuration(text: string): Micros | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const micros = Number(match[1]) * (UNITS[match[2] as string] as number);
  return Number.isFinite(micros) ? Math.round(micros) : undefined;
}

const show = (value: unknown): string =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value)
    : JSON.stringify(value) ?? String(value);

const EXAMPLE = 'a duration such as "150ms", "1.5s" or "500us" (or an integer of µs)';

/** Reads a duration to µs within `bounds`, or says why it is not one (a message to show). */
export function durationOrReason(value: unknown, bounds: DurationBounds = {}): Micros | string {
  let micros: number | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `a finite duration, got ${show(value)}`;
    if (!Number.isInteger(value)) return `${EXAMPLE}; a bare number is whole µs, got ${value}`;
    micros = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    const negative = text.startsWith('-');
    const parsed = parseDuration(negative ? text.slice(1) : text);
    if (parsed === undefined) return `${EXAMPLE}, got ${show(value)}`;
    micros = negative ? -parsed : parsed;
  } else if (value === undefined) {
    return `required: ${EXAMPLE}`;
  } else {
    return `${EXAMPLE}, got ${value === null ? 'nothing' : show(value)}`;
  }
  if (micros < 0 && bounds.signed !== true) return `a non-negative duration, got ${show(value)}`;
  if (Math.abs(micros) > MAX_DURATION) return `a duration of at most 365 days, got ${show(value)}`;
  if (bounds.min !== undefined && micros < bounds.min) {
    return `at least ${formatDuration(bounds.min)}, got ${show(value)}`;
  }
  return micros;
}

/** A zod schema for one duration within `bounds`; it parses to integer µs. */
export function duration(bounds: DurationBounds = {}) {
  const reason = (input: unknown): string => durationOrReason(input, bounds) as string;
  const kind = bounds.signed === true ? 'signed duration' : 'duration';
  const title = bounds.min === undefined || bounds.min <= 0 ? kind
    : `${kind}, at least ${formatDuration(bounds.min)}`;
  return z.union([z.string().regex(DURATION_TEXT, { error: (iss) => reason(iss.input) }),
    z.number()], { error: (iss) => reason(iss.input) })
    .meta({ title })
    .transform((value, ctx): Micros => {
      const micros = durationOrReason(value, bounds);
      if (typeof micros === 'string') {
        ctx.addIssue({ code: 'custom', message: micros });
        return z.NEVER;
      }
      return micros;
    });
}

/** A zod schema for `[min, max]` durations within `bounds`, with min <= max. */
export function durationRange(bounds: DurationBounds = {}) {
  const least = bounds.min === undefined || bounds.min <= 0 ? ''
    : `, each at least ${formatDuration(bounds.min)}`;
  return z.tuple([duration(bounds), duration(bounds)]).refine(([min, max]) => min <= max, {
    message: 'a range [min, max] with min <= max',
  }).meta({ title: `duration range${least}` });
}

/**
 * The exact text of a duration as a file writes it, signed: `1.5s`, `150ms`, `800us`, `-5ms`.
 * It reads back to the same µs.
 */
export function formatDuration(micros: Micros): string {
  if (micros < 0) return `-${formatDuration(-micros)}`;
  if (micros >= 1_000_000 && micros % 1_000 === 0) return `${micros / 1_000_000}s`;
  if (micros >= 1_000) return `${micros / 1_000}ms`;
  return `${micros}us`;
}

/** A duration for people, three decimals at most: `1.234s`, `12.5ms`, `800µs`, `-2ms`. */
export function showDuration(micros: number): string {
  const size = Math.abs(micros);
  const trim = (x: number): string => String(Number(x.toFixed(3)));
  if (size >= 1_000_000) return `${trim(micros / 1_000_000)}s`;
  if (size >= 1_000) return `${trim(micros / 1_000)}ms`;
  return `${trim(micros)}µs`;
}
