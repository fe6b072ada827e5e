/**
 * The availability report: for a scenario whose failures are drawn from MTBF and MTTR, the
 * steady-state formulas beside what the runs measured. One server is up MTBF / (MTBF + MTTR)
 * of the time; a cluster that needs a majority running (2 of 3, 3 of 5) is up with the
 * binomial sum over its independent servers or racks (runner/failures.ts). The measurement is
 * the mean over seeds of `node-availability` and `quorum-availability` with its 95% confidence
 * interval (Student's t); a formula inside the interval agrees with the runs.
 *
 * Runs start with every server up, not in the steady state, so a short run reads a little
 * high: by about (1 − A) · τ / T, with τ = 1 / (1/MTBF + 1/MTTR) the time a server takes to
 * forget how it started and T the run's length (docs/compare.md).
 */
import { type FailureProcess, formulaAvailability } from '../failures.js';
import type { Summary } from '../statistics.js';

/** The formulas against the measurement, for one cell of a sweep. */
export interface AvailabilityCheck {
  /** Servers the cluster needs running: a majority. */
  readonly quorum: number;
  readonly servers: number;
  readonly formula: { readonly node: number; readonly cluster: number | null };
  /** Measured over the seeds: `node-availability`, `quorum-availability`, and the service's. */
  readonly measured: { readonly node?: Summary; readonly cluster?: Summary;
    readonly service?: Summary };
  /** Whether each formula lies inside the measurement's 95% confidence interval. */
  readonly within: { readonly node?: boolean; readonly cluster?: boolean };
}

const inside = (value: number | undefined | null, s: Summary | undefined): boolean | undefined =>
  value === undefined || value === null || s === undefined || s.n < 2 ? undefined
    : s.lo <= value && value <= s.hi;

/** Sets the formulas for `failures` beside the summarized metrics of a cell. */
export function availabilityCheck(failures: readonly FailureProcess[], nodes: number,
  metrics: Readonly<Record<string, Summary>>): AvailabilityCheck {
  const f = formulaAvailability(failures, nodes);
  const node = metrics['node-availability'];
  const cluster = metrics['quorum-availability'];
  const service = metrics['service-availability'];
  const within = { node: inside(f.node, node), cluster: inside(f.cluster, cluster) };
  return { quorum: f.quorum, servers: f.servers,
    formula: { node: f.node, cluster: f.cluster ?? null },
    measured: { ...(node === undefined ? {} : { node }),
      ...(cluster === undefined ? {} : { cluster }), ...(service === undefined ? {} : { service }) },
    within: { ...(within.node === undefined ? {} : { node: within.node }),
      ...(within.cluster === undefined ? {} : { cluster: within.cluster }) } };
}
