/**
 * Latency distributions for network links and disk syncs. Each draws a non-negative integer
 * number of microseconds from a named `Prng` stream, clipped to [0, max] when `max` is given
 * (a real network has a worst case; a test that asserts a bound needs one).
 *
 * The lognormal is given by its median and 99th percentile, the two figures people actually
 * know about their network: mu = ln(median), sigma = ln(p99 / median) / z(0.99).
 */
import { ConfigError } from './assert.js';
import type { Prng } from './prng.js';
import type { Micros } from './types.js';

/** A latency distribution, in microseconds. */
export type Latency =
  | { readonly dist: 'constant'; readonly value: Micros }
  | { readonly dist: 'uniform'; readonly min: Micros; readonly max: Micros }
  | { readonly dist: 'normal'; readonly mean: Micros; readonly stddev: Micros; readonly max?: Micros }
  | { readonly dist: 'exponential'; readonly mean: Micros; readonly max?: Micros }
  | { readonly dist: 'lognormal'; readonly median: Micros; readonly p99: Micros; readonly max?: Micros };

/** z-score of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

/** Draws one latency. */
export function sampleLatency(latency: Latency, prng: Prng): Micros {
  let value: number;
  switch (latency.dist) {
    case 'constant':
      return latency.value;
    case 'uniform':
      return prng.int(latency.min, latency.max);
    case 'normal':
      value = latency.mean + latency.stddev * prng.normal();
      break;
    case 'exponential':
      value = prng.exponential(latency.mean);
      break;
    case 'lognormal': {
      const sigma = Math.log(latency.p99 / latency.median) / Z99;
      value = latency.median * Math.exp(sigma * prng.normal());
      break;
    }
  }
  const clipped = Math.max(0, Math.round(value));
  return latency.max === undefined ? clipped : Math.min(clipped, latency.max);
}

/** The bounds every sample of `latency` lies within: [min, max] (max may be Infinity). */
export function latencyBounds(latency: Latency): readonly [Micros, Micros] {
  switch (latency.dist) {
    case 'constant':
      return [latency.value, latency.value];
    case 'uniform':
      return [latency.min, latency.max];
    default:
      return [0, latency.max ?? Infinity];
  }
}

/** Rejects a latency that cannot be sampled: negative, non-integer, or inconsistent. */
export function validateLatency(latency: Latency, path: string): void {
  const micros = (field: string, value: unknown, positive = false): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new ConfigError(`${path}.${field}`, `a non-negative integer of µs, got ${value}`);
    }
    if (positive && value === 0) throw new ConfigError(`${path}.${field}`, 'must be above 0');
  };
  switch (latency.dist) {
    case 'constant':
      return micros('value', latency.value);
    case 'uniform':
      micros('min', latency.min);
      micros('max', latency.max);
      if (latency.min > latency.max) throw new ConfigError(`${path}.min`, 'must be <= max');
      return;
    case 'normal':
      micros('mean', latency.mean);
      micros('stddev', latency.stddev);
      break;
    case 'exponential':
      micros('mean', latency.mean, true);
      break;
    case 'lognormal':
      micros('median', latency.median, true);
      micros('p99', latency.p99, true);
      if (latency.p99 < latency.median) throw new ConfigError(`${path}.p99`, 'must be >= median');
      break;
    default:
      throw new ConfigError(
        `${path}.dist`,
        `one of constant, uniform, normal, exponential, lognormal, got ${
          JSON.stringify((latency as { dist: unknown }).dist)}`,
      );
  }
  if (latency.max !== undefined) micros('max', latency.max);
}
