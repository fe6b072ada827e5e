/**
 * Sweeps: any field of a scenario or comparison varied over a list of values, repeated over
 * seeds, each figure with its confidence interval; and the availability report of a scenario
 * whose failures are drawn from MTBF and MTTR. Browser-safe.
 */
export { type AvailabilityCheck, availabilityCheck } from './availability.js';
export { combinations, runSweep, type SweepPlan, type SweepResult, type SweepRow, sweepCells }
  from './sweep.js';
export { axisPath, parseAxis, setPath, type SweepAxis } from './vary.js';
