/**
 * A campaign's totals, for the table it ends with: runs, failures, simulated time covered,
 * events, faults by kind and violations by property. Plain data, so worker threads can send
 * their outcomes and the main thread can add them up in any order to the same totals.
 */
import type { RunOutcome } from './campaign.js';

/** Totals over a campaign's runs. */
export interface CampaignStats {
  runs: number;
  failures: number;
  /** Runs whose linearizability check ran out of its step budget. */
  inconclusive: number;
  events: number;
  /** Simulated microseconds covered. */
  simulated: number;
  faults: Record<string, number>;
  violations: Record<string, number>;
  /** Faults by protocol phase and kind, over every run (the coverage matrix). */
  coverage: Record<string, Record<string, number>>;
  /** Per nemesis rule (aims counted as `aim`): runs that drew it, and failures among them. */
  nemesis: Record<string, { runs: number; failures: number }>;
  /** Per property: the runs that checked it. */
  checked: Record<string, number>;
  /** Per property and reason: the runs that did not check it, for that reason. */
  notChecked: Record<string, Record<string, number>>;
}

/** Empty totals. */
export function emptyStats(): CampaignStats {
  return { runs: 0, failures: 0, inconclusive: 0, events: 0, simulated: 0, faults: {},
    violations: {}, coverage: {}, nemesis: {}, checked: {}, notChecked: {} };
}

/** Adds one run's outcome to the totals. */
export function addOutcome(stats: CampaignStats, outcome: RunOutcome): void {
  stats.runs += 1;
  stats.events += outcome.events;
  stats.simulated += outcome.simulated;
  if (outcome.inconclusive) stats.inconclusive += 1;
  for (const [kind, n] of Object.entries(outcome.faults)) {
    stats.faults[kind] = (stats.faults[kind] ?? 0) + n;
  }
  for (const name of outcome.checked) stats.checked[name] = (stats.checked[name] ?? 0) + 1;
  for (const { name, reason } of outcome.notChecked) {
    const reasons = (stats.notChecked[name] ??= {});
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  if (!outcome.passed) {
    stats.failures += 1;
    const name = outcome.violated ?? 'failure';
    stats.violations[name] = (stats.violations[name] ?? 0) + 1;
  }
  for (const [phase, kinds] of Object.entries(outcome.coverage)) {
    const row = (stats.coverage[phase] ??= {});
    for (const [kind, n] of Object.entries(kinds)) row[kind] = (row[kind] ?? 0) + n;
  }
  const rules = new Set(outcome.nemesis.map((name) => (name.startsWith('aim-') ? 'aim' : name)));
  for (const rule of rules) {
    const entry = (stats.nemesis[rule] ??= { runs: 0, failures: 0 });
    entry.runs += 1;
    if (!outcome.passed) entry.failures += 1;
  }
}
