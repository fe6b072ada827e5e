/**
 * Weights that follow measured load (the `feedback` policy): a proportional controller per
 * backend. Each health-check answer reports the backend's load L, the share of its workers
 * busy since the previous answer; with its target L0 the error is E = L − L0, and the weight
 * moves against it, w ← w · (1 − gain · E), within [min, max] times the base weight. Weights are
 * then scaled so that their mean is the base weight again: only their ratios route requests,
 * and the scaling keeps a pool that is uniformly busy (every E alike) where it is. At
 * equilibrium every backend is the same distance from its target, so a backend twice as fast
 * ends with about twice the weight, and one whose target is lower (it has other work) gets less.
 */
import type { NodeId } from '../../sim/index.js';

/** The controller's settings. */
export interface FeedbackSettings {
  /** L0 for every backend without its own. */
  readonly targetLoad: number;
  readonly targets: Readonly<Record<NodeId, number>>;
  /** How far one report moves a weight per unit of error. */
  readonly gain: number;
}

/** The mean weight; a backend's weight stays within [BASE / 20, BASE * 20]. */
export const BASE_WEIGHT = 100;
const MIN = BASE_WEIGHT / 20;
const MAX = BASE_WEIGHT * 20;

/** Feedback weights of one balancer's pool. */
export class FeedbackWeights {
  private readonly weights = new Map<NodeId, number>();

  constructor(private readonly settings: FeedbackSettings) {}

  weight(id: NodeId): number {
    return this.weights.get(id) ?? BASE_WEIGHT;
  }

  /** Feeds back one load report of `id`; `pool` is every configured backend. */
  report(id: NodeId, load: number, pool: readonly NodeId[]): void {
    const target = this.settings.targets[id] ?? this.settings.targetLoad;
    const error = load - target;
    const moved = this.weight(id) * (1 - this.settings.gain * error);
    this.weights.set(id, Math.min(MAX, Math.max(MIN, moved)));
    const mean = pool.reduce((sum, b) => sum + this.weight(b), 0) / Math.max(1, pool.length);
    if (mean <= 0) return;
    for (const b of pool) {
      this.weights.set(b, Math.min(MAX, Math.max(MIN, (this.weight(b) * BASE_WEIGHT) / mean)));
    }
  }

  /** The weights, rounded, for the inspector and the trace. */
  snapshot(pool: readonly NodeId[]): Record<NodeId, number> {
    return Object.fromEntries(pool.map((id) => [id, Math.round(this.weight(id))]));
  }
}
