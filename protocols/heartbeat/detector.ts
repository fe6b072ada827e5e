/**
 * Failure detectors: each watches the heartbeats of one peer and says, at a local time,
 * whether that peer is suspected. Both read only the monitor's monotonic clock
 * (`ctx.monotonic()`), as a real detector measures elapsed time on CLOCK_MONOTONIC: drift
 * affects them as it affects a real process, and an NTP step does not (on the stepped wall
 * clock, a step back made a crashed peer look alive for as long as the step; found by
 * `faultline fuzz heartbeat --seed 7`, run 441: scenarios/heartbeat/clock-step-back.yaml).
 *
 * - Fixed timeout: suspect once no heartbeat arrived for `missedBeats` periods plus the
 *   worst-case delay (`maxDelay`, which also covers pauses the operator expects). The bug
 *   `timeout-below-delay` drops the delay allowance and the missed beats: the timeout is one
 *   period, so any beat that arrives late by jitter or a short pause looks like a crash.
 * - Phi accrual (Hayashibara, Défago, Yared, Katayama, "The φ accrual failure detector",
 *   SRDS 2004): keep a sliding window of inter-arrival times, fit a normal distribution
 *   (mean, variance, with a floor `minStdDev` so a steady network does not make the detector
 *   hair-trigger), and report phi = -log10(1 - F(now - lastArrival)). Suspect when phi
 *   exceeds `threshold`. Until samples exist, the window is seeded with a first estimate of
 *   one period ± a quarter (as Akka does), so a peer that never beats is still suspected.
 */
import { assert, type Micros } from '../../sim/index.js';
import { phi } from './normalTail.js';

/** One monitor's view of one peer. */
export interface FailureDetector {
  /** Records a heartbeat arriving at local time `now`. */
  heartbeat(now: Micros): void;
  /** Whether the peer is suspected at local time `now`. */
  suspects(now: Micros): boolean;
  /** The suspicion level at `now`: phi, or elapsed / timeout for the fixed detector. */
  level(now: Micros): number;
}

/** Settings of the fixed-timeout detector. */
export interface FixedSettings {
  readonly period: Micros;
  readonly missedBeats: number;
  readonly maxDelay: Micros;
  /** The `timeout-below-delay` bug: suspect after one period, whatever the delay. */
  readonly timeoutBelowDelay: boolean;
}

/** The timeout a fixed detector applies (see the file comment). */
export function fixedTimeout(settings: FixedSettings): Micros {
  if (settings.timeoutBelowDelay) return settings.period;
  return settings.missedBeats * settings.period + settings.maxDelay;
}

/** Suspects a peer silent for longer than a fixed timeout. */
export class FixedTimeoutDetector implements FailureDetector {
  private lastArrival: Micros;
  readonly timeout: Micros;

  /** `since` is the local time monitoring starts: the peer gets one timeout of grace. */
  constructor(settings: FixedSettings, since: Micros) {
    assert(settings.period > 0, 'heartbeat period is positive');
    assert(settings.missedBeats >= 1, 'at least one missed beat before suspicion');
    this.timeout = fixedTimeout(settings);
    this.lastArrival = since;
  }

  heartbeat(now: Micros): void {
    this.lastArrival = now;
  }

  suspects(now: Micros): boolean {
    return now - this.lastArrival > this.timeout;
  }

  level(now: Micros): number {
    return (now - this.lastArrival) / this.timeout;
  }
}

/** Settings of the phi-accrual detector. */
export interface PhiSettings {
  readonly period: Micros;
  readonly threshold: number;
  /** Inter-arrival samples kept. */
  readonly window: number;
  readonly minStdDev: Micros;
  /** The `timeout-below-delay` bug caps phi's patience at one period, as for the fixed one. */
  readonly timeoutBelowDelay: boolean;
}

/** Suspects a peer when phi exceeds a threshold. */
export class PhiAccrualDetector implements FailureDetector {
  private readonly samples: number[] = [];
  private sum = 0;
  private sumSquares = 0;
  private lastArrival: Micros;

  constructor(private readonly settings: PhiSettings, since: Micros) {
    assert(settings.window >= 2, 'phi needs a window of at least two samples');
    assert(settings.threshold > 0, 'phi threshold is positive');
    const quarter = Math.floor(settings.period / 4);
    this.add(settings.period - quarter);
    this.add(settings.period + quarter);
    this.lastArrival = since;
  }

  heartbeat(now: Micros): void {
    // A backward clock jump makes the interval negative; it says nothing about the peer.
    this.add(Math.max(0, now - this.lastArrival));
    this.lastArrival = now;
  }

  suspects(now: Micros): boolean {
    if (this.settings.timeoutBelowDelay && now - this.lastArrival > this.settings.period) {
      return true;
    }
    return this.level(now) > this.settings.threshold;
  }

  level(now: Micros): number {
    const n = this.samples.length;
    const mean = this.sum / n;
    const variance = Math.max(0, this.sumSquares / n - mean * mean);
    const stddev = Math.max(Math.sqrt(variance), this.settings.minStdDev);
    return phi(now - this.lastArrival, mean, stddev);
  }

  /** Mean inter-arrival time in the window, for the inspector. */
  get mean(): number {
    return this.sum / this.samples.length;
  }

  private add(interval: number): void {
    this.samples.push(interval);
    this.sum += interval;
    this.sumSquares += interval * interval;
    if (this.samples.length > this.settings.window) {
      const old = this.samples.shift() as number;
      this.sum -= old;
      this.sumSquares -= old * old;
    }
  }
}

/** Which detector and its settings, as protocol parameters give them. */
export type DetectorSettings =
  | ({ readonly kind: 'fixed' } & FixedSettings)
  | ({ readonly kind: 'phi' } & PhiSettings);

/** Builds a detector for one peer, monitoring from local time `since`. */
export function makeDetector(settings: DetectorSettings, since: Micros): FailureDetector {
  return settings.kind === 'fixed' ? new FixedTimeoutDetector(settings, since)
    : new PhiAccrualDetector(settings, since);
}
