/**
 * A node's local clock. Real clocks start with an offset from true time, run fast or slow by
 * a drift measured in parts per million, and are stepped by NTP (a jump). A node reads only
 * its local clock; the engine alone knows true time.
 *
 * The clock is piecewise linear in true time: from an anchor (true T0, local L0) it runs at
 * rate r = 1 + drift/10^6, so local(t) = L0 + (t − T0)·r, floored to an integer. A drift
 * change re-anchors; a jump moves L0.
 *
 * Timers are set as local durations and run on the node's monotonic clock: the engine turns a
 * local duration d into a true delay ceil(d / r) at the moment the timer is set. So a fast
 * clock times out early in true time, as a drifting node does. A jump changes `now()` but
 * not pending timers, as a monotonic clock is not stepped by NTP. A drift change also moves
 * the pending timers: what remains of each, in local time, now passes at the new rate.
 *
 * A node also reads its monotonic clock (`monotonic`): the local clock without its steps. It
 * drifts like the local clock but never jumps, as CLOCK_MONOTONIC does; elapsed time measured
 * on it is immune to NTP, as a failure detector's must be.
 *
 * Invariant (checked by the engine's property tests): local time never decreases except at
 * a backward jump; monotonic time never decreases.
 */
import { assert, ConfigError } from './assert.js';
import type { Micros } from './types.js';

/** Initial state of a node's clock. */
export interface ClockConfig {
  /** Local minus true time at t = 0, in microseconds. May be negative. */
  readonly offset?: Micros;
  /** Rate error in parts per million: +100 runs 100 µs per second fast. */
  readonly driftPpm?: number;
}

/** Drift beyond ±50% is not a clock but a broken oscillator; we reject it as a mistake. */
export const MAX_DRIFT_PPM = 500_000;

/** Validates a clock configuration; `path` names it in the error. */
export function validateClock(config: ClockConfig, path: string): void {
  const { offset = 0, driftPpm = 0 } = config;
  if (!Number.isInteger(offset)) {
    throw new ConfigError(`${path}.offset`, `an integer number of microseconds, got ${offset}`);
  }
  if (!Number.isFinite(driftPpm) || Math.abs(driftPpm) > MAX_DRIFT_PPM) {
    throw new ConfigError(
      `${path}.driftPpm`,
      `a drift between -${MAX_DRIFT_PPM} and ${MAX_DRIFT_PPM} ppm, got ${driftPpm}`,
    );
  }
}

/** One node's local clock. */
export class Clock {
  private anchorTrue: Micros = 0;
  private anchorLocal: Micros;
  private rate: number;
  /** The sum of every step (jumps and offset changes): local minus monotonic time. */
  private stepped: Micros = 0;

  constructor(config: ClockConfig = {}) {
    validateClock(config, 'clock');
    this.anchorLocal = config.offset ?? 0;
    this.rate = 1 + (config.driftPpm ?? 0) / 1e6;
  }

  /** Local time at true time `trueNow`. */
  local(trueNow: Micros): Micros {
    assert(trueNow >= this.anchorTrue, 'clock read before its anchor');
    return Math.floor(this.anchorLocal + (trueNow - this.anchorTrue) * this.rate);
  }

  /** Monotonic time at true time `trueNow`: local time without its steps. */
  monotonic(trueNow: Micros): Micros {
    return this.local(trueNow) - this.stepped;
  }

  /** Current drift in ppm. */
  get driftPpm(): number {
    return Math.round((this.rate - 1) * 1e6);
  }

  /** True-time delay of a timer set for `localDuration` on this clock now. */
  trueDelay(localDuration: Micros): Micros {
    assert(localDuration >= 0, () => `timer duration is non-negative, got ${localDuration}`);
    return Math.ceil(localDuration / this.rate);
  }

  /** Local time that passes from true time `from` to `to` at the current rate (unfloored). */
  localSpan(from: Micros, to: Micros): number {
    return (to - from) * this.rate;
  }

  /** Changes the drift from `trueNow` on; local time stays continuous. */
  setDrift(trueNow: Micros, driftPpm: number): void {
    validateClock({ driftPpm }, 'clock');
    this.reanchor(trueNow);
    this.rate = 1 + driftPpm / 1e6;
  }

  /** Steps local time by `delta` (positive or negative), as an NTP step does. */
  jump(trueNow: Micros, delta: Micros): void {
    this.reanchor(trueNow);
    this.anchorLocal += delta;
    this.stepped += delta;
  }

  /** Sets local time so that it reads `offset` ahead of true time from now on. */
  setOffset(trueNow: Micros, offset: Micros): void {
    this.reanchor(trueNow);
    this.stepped += trueNow + offset - this.anchorLocal;
    this.anchorLocal = trueNow + offset;
  }

  private reanchor(trueNow: Micros): void {
    this.anchorLocal = this.local(trueNow);
    this.anchorTrue = trueNow;
  }
}
