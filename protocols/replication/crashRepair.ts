/**
 * Random crashes and repairs for availability runs: each server alternates between up
 * times drawn from an exponential distribution with mean MTBF and down times with mean
 * MTTR, independently, from its own stream of a seeded PRNG. A steady-state server is then
 * up a fraction MTBF / (MTBF + MTTR) of the time, the figure the availability scenario
 * measures against.
 */
import { type Micros, type NodeId, PrngRoot, type ScheduledFault } from '../../sim/index.js';

/** What to generate. */
export interface CrashRepairOptions {
  readonly servers: readonly NodeId[];
  readonly mtbf: Micros;
  readonly mttr: Micros;
  readonly duration: Micros;
  readonly seed: number | string;
  /** No fault before this time (let a first master be elected). */
  readonly from?: Micros;
}

/** The crash and restart schedule, sorted by time (ties by server order). */
export function crashRepairSchedule(options: CrashRepairOptions): ScheduledFault[] {
  const root = new PrngRoot(options.seed);
  const faults: ScheduledFault[] = [];
  for (const node of options.servers) {
    const prng = root.stream(`crash-repair/${node}`);
    let t = (options.from ?? 0) + Math.round(prng.exponential(options.mtbf));
    while (t < options.duration) {
      faults.push({ at: t, fault: { kind: 'crash', node } });
      t += Math.max(1, Math.round(prng.exponential(options.mttr)));
      if (t >= options.duration) break;
      faults.push({ at: t, fault: { kind: 'restart', node } });
      t += Math.max(1, Math.round(prng.exponential(options.mtbf)));
    }
  }
  return faults.sort((a, b) => a.at - b.at);
}
