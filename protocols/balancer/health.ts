/**
 * Health of a balancer's backends, from two sources (as HAProxy and Envoy combine them):
 * - active checks: a probe to every backend each `interval`; a probe without an answer within
 *   `checkTimeout` is a miss. `fall` misses in a row mark a backend down, `rise` answers in a
 *   row mark it up again (the hysteresis that keeps one lost probe from flapping a backend);
 * - passive outlier ejection (Envoy's outlier detection): `consecutiveErrors` failed requests
 *   in a row (a timeout, or an answer of overload) eject a backend for `baseEjection` times
 *   the number of times it was ejected, up to `maxEjection` (so a backend that keeps failing
 *   stays out longer and longer), and never more than `maxEjectionPercent` of the pool at once (at least one), so a
 *   network fault that fails requests everywhere cannot empty the pool. A backend that stays
 *   in for twice its last ejection starts counting from zero again.
 * A backend is in rotation when it is in the pool, up, and not ejected. Every change happens in
 * a handler (a probe answer, a round's end, a request's outcome, a readmission timer), so the
 * rotation is a plain state that the observer reads after each event.
 *
 * Bugs: `no-health-check` switches both sources off (a crashed backend stays in rotation);
 * `eject-on-first-error` ejects on the first failed request, for a fixed time, with no limit on
 * the share of the pool ejected.
 */
import type { Micros, NodeId } from '../../sim/index.js';

/** Settings of the health checks. */
export interface HealthSettings {
  readonly interval: Micros;
  readonly checkTimeout: Micros;
  readonly fall: number;
  readonly rise: number;
  readonly consecutiveErrors: number;
  readonly baseEjection: Micros;
  /** The longest an ejection lasts, however often the backend was ejected. */
  readonly maxEjection: Micros;
  readonly maxEjectionPercent: number;
  /** Bug `no-health-check`: neither source runs. */
  readonly disabled: boolean;
  /** Bug `eject-on-first-error`. */
  readonly firstError: boolean;
}

/** What the balancer knows of one backend's health. */
export interface BackendHealth {
  up: boolean;
  misses: number;
  answers: number;
  /** Failed requests in a row. */
  errors: number;
  ejected: boolean;
  ejections: number;
  /** Local time of the last readmission, and how long the last ejection lasted. */
  readmittedAt: Micros;
  lastEjection: Micros;
  /** The probe round this backend last answered. */
  answered: number;
}

/** A change of rotation, for the trace and the observer. */
export interface HealthChange {
  readonly backend: NodeId;
  readonly why: 'down' | 'up' | 'ejected' | 'readmitted';
  /** For an ejection: how long, µs (local time). */
  readonly length?: Micros;
}

/** The health of every backend of one balancer. */
export class HealthTable {
  private readonly table = new Map<NodeId, BackendHealth>();
  /** The current probe round (0 before the first). */
  round = 0;

  constructor(private readonly settings: HealthSettings) {}

  private entry(id: NodeId): BackendHealth {
    let e = this.table.get(id);
    if (e === undefined) {
      e = { up: true, misses: 0, answers: 0, errors: 0, ejected: false, ejections: 0,
        readmittedAt: 0, lastEjection: 0, answered: 0 };
      this.table.set(id, e);
    }
    return e;
  }

  /** Whether `id` may be sent requests (pool membership is the caller's). */
  inRotation(id: NodeId): boolean {
    if (this.settings.disabled) return true;
    const e = this.table.get(id);
    return e === undefined || (e.up && !e.ejected);
  }

  /** The backend's state, for the inspector and the observer. */
  view(id: NodeId): Readonly<BackendHealth> {
    return this.entry(id);
  }

  /** A probe answer of round `round`. */
  onAnswer(id: NodeId, round: number): HealthChange | undefined {
    const e = this.entry(id);
    if (this.settings.disabled || round !== this.round || e.answered === round) return undefined;
    e.answered = round;
    e.misses = 0;
    e.answers++;
    if (!e.up && e.answers >= this.settings.rise) {
      e.up = true;
      return { backend: id, why: 'up' };
    }
    return undefined;
  }

  /** The end of the current round: every backend of `pool` that did not answer missed. */
  endRound(pool: readonly NodeId[]): HealthChange[] {
    if (this.settings.disabled || this.round === 0) return [];
    const changes: HealthChange[] = [];
    for (const id of pool) {
      const e = this.entry(id);
      if (e.answered === this.round) continue;
      e.answers = 0;
      e.misses++;
      if (e.up && e.misses >= this.settings.fall) {
        e.up = false;
        changes.push({ backend: id, why: 'down' });
      }
    }
    return changes;
  }

  /** A request to `id` succeeded. */
  onSuccess(id: NodeId): void {
    this.entry(id).errors = 0;
  }

  /**
   * A request to `id` failed at local time `now`; `pool` is every configured backend. Returns
   * the ejection, if it ejects; the caller arms the readmission timer for its length.
   */
  onError(id: NodeId, now: Micros, pool: readonly NodeId[]): HealthChange | undefined {
    const s = this.settings;
    if (s.disabled) return undefined;
    const e = this.entry(id);
    e.errors++;
    if (e.ejected || e.errors < (s.firstError ? 1 : s.consecutiveErrors)) return undefined;
    if (!s.firstError) {
      const out = pool.filter((b) => this.table.get(b)?.ejected === true).length;
      const most = Math.max(1, Math.floor((pool.length * s.maxEjectionPercent) / 100));
      if (out + 1 > most) return undefined;
      if (e.ejections > 0 && now - e.readmittedAt > 2 * e.lastEjection) e.ejections = 0;
    }
    e.ejections = s.firstError ? 1 : e.ejections + 1;
    e.ejected = true;
    e.errors = 0;
    e.lastEjection = Math.min(s.maxEjection, s.baseEjection * e.ejections);
    return { backend: id, why: 'ejected', length: e.lastEjection };
  }

  /** The ejection of `id` ran out (its timer fired at local time `now`). */
  readmit(id: NodeId, now: Micros): HealthChange | undefined {
    const e = this.entry(id);
    if (!e.ejected) return undefined;
    e.ejected = false;
    e.readmittedAt = now;
    return { backend: id, why: 'readmitted' };
  }

  /** How many of `pool` outlier detection holds out now. */
  ejectedCount(pool: readonly NodeId[]): number {
    return pool.filter((id) => this.table.get(id)?.ejected === true).length;
  }
}
