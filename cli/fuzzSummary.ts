/**
 * The table a fuzz campaign ends with: runs, runs per second, simulated time covered, events,
 * faults by kind, violations by property; the properties checked; the fault × phase coverage matrix; then each distinct
 * failure, safety first, with its seeds, the shrunk counterexample file, whether its schedule
 * is 1-minimal, and whether that file replays with the same trace hash.
 */
import { IDLE_PHASE } from '../sim/check/nemesis.js';
import { COVERAGE_KINDS, type CampaignStats } from '../runner/fuzz/index.js';
import type { SavedCounterexample } from './counterexample.js';
import type { ShareConfig } from './fuzzShare.js';
import { showDuration as showTime } from '../protocols/durations.js';
import { table } from './io.js';

/**
 * What the runs checked: the properties every run checked, those only some did (with how
 * many), and those some runs did not check, with each reason and its count of runs. A
 * campaign with no failures passed only what is listed here.
 */
export function checkedLines(stats: CampaignStats): string[] {
  const every = Object.keys(stats.checked).filter((name) => stats.checked[name] === stats.runs);
  const some = Object.entries(stats.checked).filter(([, n]) => n < stats.runs)
    .map(([name, n]) => `${name} (${n} of ${stats.runs} runs)`);
  const not = Object.entries(stats.notChecked).flatMap(([name, reasons]) =>
    Object.entries(reasons).map(([reason, n]) =>
      `    ${name}, in ${n === stats.runs ? 'every run' : `${n} run${n === 1 ? '' : 's'}`}: ${
        reason}`));
  return [
    `checked in every run: ${every.length === 0 ? 'nothing' : every.join(', ')}`,
    ...some.length === 0 ? [] : [`checked in some runs: ${some.join(', ')}`],
    ...not.length === 0 ? [] : ['not checked:', ...not],
  ];
}

/** A failure as the campaign reports it. */
export interface Failure extends SavedCounterexample {
  readonly index: number;
  readonly runSeed: number;
  readonly seed: string;
  readonly violated: string;
  /** `safety`, `liveness`, `sometimes` or `error`, when a property was violated. */
  readonly kind?: string;
  readonly reason: string;
  readonly shrinks: number;
  /** Faults in the failing run's schedule (nemesis strikes included), and after shrinking. */
  readonly faultsBefore: number;
  readonly faultsAfter: number;
  readonly minimal: boolean;
  /** Later runs that failed the same way (same property, same shrunk schedule's shape). */
  readonly repeats: number[];
}

const RANK: Readonly<Record<string, number>> = { safety: 0, error: 1, sometimes: 2, liveness: 3 };

/** Failures in the order they are reported: safety first, then by run. */
export function ordered(failures: readonly Failure[]): Failure[] {
  const rank = (f: Failure): number => RANK[f.kind ?? ''] ?? 4;
  return [...failures].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

function failureLines(f: Failure): string[] {
  const kind = f.kind === undefined ? '' : ` (${f.kind})`;
  return [
    '',
    `FAILURE in run ${f.index} (run seed ${f.runSeed}, engine seed ${f.seed}): ${f.violated}${
      kind}`,
    `  ${f.reason.split('\n')[0] ?? ''}`,
    `  schedule: ${f.faultsAfter} fault${f.faultsAfter === 1 ? '' : 's'} (from ${
      f.faultsBefore}), ${
      f.minimal ? '1-minimal: removing any one loses the failure'
        : 'not shown 1-minimal (shrink budget spent)'}; counterexample: ${f.file}`,
    f.reproduced ? `  replayed from the file: same trace hash ${f.fileHash}`
      : `  WARNING: the file replays with trace hash ${f.fileHash}, the run had ${f.hash}`,
    ...(f.repeats.length === 0 ? [] : [`  the same failure in ${f.repeats.length} more run${
      f.repeats.length === 1 ? '' : 's'}: ${f.repeats.slice(0, 10).join(', ')}${
      f.repeats.length > 10 ? ', …' : ''}`]),
    `  rerun: faultline run ${f.file}`,
    ...(f.history === undefined ? [] : [`  history: ${f.history}`]),
  ];
}

/** The fault × phase matrix of a campaign: faults that struck in each phase, by kind. */
export function coverageMatrix(stats: CampaignStats, phases: readonly string[]): string {
  const rows = [IDLE_PHASE, ...phases];
  const hit = rows.reduce((n, phase) => n + COVERAGE_KINDS.filter((kind) =>
    (stats.coverage[phase]?.[kind] ?? 0) > 0).length, 0);
  const cells = rows.length * COVERAGE_KINDS.length;
  const body = table(['phase', ...COVERAGE_KINDS], rows.map((phase) => [phase,
    ...COVERAGE_KINDS.map((kind) => {
      const n = stats.coverage[phase]?.[kind] ?? 0;
      return n === 0 ? '.' : String(n);
    })]));
  return `coverage: faults by the phase they struck in (${hit} of ${cells} cells)\n${body}`;
}

/** The readable end of a campaign. */
export function fuzzSummary(
  config: ShareConfig,
  stats: CampaignStats,
  failures: readonly Failure[],
  seconds: number,
  workers: number,
  phases: readonly string[] | undefined,
): string {
  const bugs = config.bugs.length > 0 ? `, bugs ${config.bugs.join(' ')}` : '';
  const params = Object.entries(config.params).map(([k, v]) => `, ${k}=${JSON.stringify(v)}`)
    .join('');
  const nemesis = config.nemesis ? 'nemesis on' : 'nemesis off';
  const head = `fuzz ${config.protocol}: campaign seed ${config.seed}, shard ${config.shard}/${
    config.shards}, ${workers} worker${workers === 1 ? '' : 's'}, ${nemesis}${bugs}${params}`;
  const share = stats.runs === 0 ? 0 : stats.inconclusive / stats.runs;
  const rows: [string, string | number][] = [
    ['runs', stats.runs],
    ['runs per second', +(stats.runs / seconds).toFixed(1)],
    ['simulated time', showTime(stats.simulated)],
    ['events', stats.events],
    ['failures', stats.failures],
    ['inconclusive (checker budget)', `${stats.inconclusive} (${(100 * share).toFixed(1)}%)`],
    ...Object.entries(stats.faults).sort().map(([k, n]): [string, number] => [`faults: ${k}`, n]),
    ...Object.entries(stats.violations).sort()
      .map(([k, n]): [string, number] => [`violations: ${k}`, n]),
  ];
  const body = table(['', 'total'], rows.map(([k, v]) => [k, String(v)]));
  const matrix = phases === undefined ? [] : ['', coverageMatrix(stats, phases)];
  return [head, '', body, '', ...checkedLines(stats), ...matrix,
    ...ordered(failures).flatMap(failureLines)].join('\n');
}
