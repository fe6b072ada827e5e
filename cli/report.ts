/**
 * How a run is shown: the readable summary (outcome, properties checked and the others with the
 * reason each was not, liveness checks, the violation with its time, event index and
 * explanation, faults, metrics table) and the JSON form, which carries at least scenario, seed,
 * outcome, violations, metrics and the trace hash.
 */
import type { RunReport } from '../runner/index.js';
import { showDuration as showTime } from '../protocols/durations.js';
import { table } from './io.js';

/** One run as `--json` prints it. */
export interface RunJson {
  readonly scenario: string;
  readonly file?: string;
  readonly protocol: string;
  readonly seed: string;
  readonly outcome: 'passed' | 'failed';
  readonly engineOutcome: string;
  readonly violations: readonly { name: string; kind: string; time: number; index: number;
    explanation: string }[];
  readonly failures: readonly string[];
  readonly checked: readonly string[];
  /** Liveness checks judged after the faults heal. */
  readonly liveness: readonly string[];
  /** The protocol's other properties, with the reason each was not checked. */
  readonly notChecked: readonly { readonly name: string; readonly reason: string }[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly hash: string;
  readonly events: number;
  readonly simulatedMicros: number;
  readonly faults: Readonly<Record<string, number>>;
  /** The operator's requests (membership changes, leadership transfers) and their outcomes. */
  readonly operator?: RunReport['admin'];
  readonly determinism?: { readonly hashes: readonly string[]; readonly same: boolean };
}

/** The JSON form of a report. */
export function runJson(report: RunReport, file?: string, hashes?: readonly string[]): RunJson {
  const v = report.violation;
  const same = hashes === undefined || hashes.every((h) => h === hashes[0]);
  return {
    scenario: report.name, ...(file === undefined ? {} : { file }), protocol: report.protocol,
    seed: report.seed, outcome: report.passed && same ? 'passed' : 'failed',
    engineOutcome: report.result.outcome,
    violations: v === undefined ? [] : [{ name: v.name, kind: v.kind, time: v.time, index: v.index,
      explanation: v.explanation }],
    failures: [...report.failures, ...(same ? [] : [`nondeterministic: trace hashes ${
      hashes?.join(' and ')} differ for one seed`])],
    checked: report.checked, liveness: report.liveness, notChecked: report.notChecked,
    metrics: report.metrics, hash: report.result.hash,
    events: report.result.events, simulatedMicros: report.result.time, faults: report.result.faults,
    ...(report.admin === undefined ? {} : { operator: report.admin }),
    ...(hashes === undefined ? {} : { determinism: { hashes, same } }),
  };
}

/** One operator request as the summary shows it: `remove n3 at 1s refused after 2ms (...)`. */
function operatorText(a: NonNullable<RunJson['operator']>[number]): string {
  const details = [...a.attempts > 1 ? [`${a.attempts} attempts`] : [],
    ...a.error === undefined ? [] : [a.error]];
  const suffix = details.length === 0 ? '' : ` (${details.join('; ')})`;
  const head = `${a.op} ${a.node} at ${showTime(a.asked)}`;
  if (a.outcome === 'pending' || a.ended === undefined) {
    return `${head} still under way at the end${suffix}`;
  }
  const word = a.outcome === 'gave-up' ? 'given up' : a.outcome;
  return `${head} ${word} after ${showTime(a.ended - a.asked)}${suffix}`;
}

/** The readable summary of one run. */
export function runText(run: RunJson): string {
  const lines: string[] = [];
  const mark = run.outcome === 'passed' ? 'PASSED' : 'FAILED';
  lines.push(`${mark}  ${run.scenario}  (${run.protocol}, seed ${run.seed})${
    run.file === undefined ? '' : `  ${run.file}`}`);
  lines.push(`  simulated ${showTime(run.simulatedMicros)}, ${run.events} events, ` +
    `trace hash ${run.hash}`);
  const faults = Object.entries(run.faults).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(`  faults: ${faults === '' ? 'none' : faults}`);
  if (run.operator !== undefined && run.operator.length > 0) {
    lines.push(`  operator: ${run.operator.map(operatorText).join('; ')}`);
  }
  lines.push(`  checked: ${run.checked.length === 0 ? 'nothing' : run.checked.join(', ')}`);
  if (run.liveness.length > 0) lines.push(`  liveness: ${run.liveness.join(', ')}`);
  if (run.notChecked.length > 0) {
    // One line per reason, naming every property it applies to.
    const byReason = new Map<string, string[]>();
    for (const n of run.notChecked) {
      byReason.set(n.reason, [...byReason.get(n.reason) ?? [], n.name]);
    }
    lines.push('  not checked:');
    lines.push(...[...byReason].map(([reason, names]) => `    ${names.join(', ')}: ${reason}`));
  }
  if (run.determinism !== undefined) {
    lines.push(`  determinism: ${run.determinism.same ? 'same trace hash on both runs'
      : `DIFFERENT hashes ${run.determinism.hashes.join(' vs ')}`}`);
  }
  for (const v of run.violations) {
    lines.push(`  violation: ${v.name} (${v.kind}) at ${showTime(v.time)}, event ${v.index}`);
    lines.push(...v.explanation.split('\n').map((l) => `    ${l}`));
  }
  for (const f of run.failures) lines.push(`  failed: ${f.split('\n')[0]}`);
  const metrics = Object.entries(run.metrics);
  if (metrics.length > 0) {
    lines.push('  metrics:');
    const rows = metrics.map(([k, v]) => [k, Number.isInteger(v) ? v : +v.toFixed(3)]);
    lines.push(...table(['metric', 'value'], rows).split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
