/**
 * The table a fuzz campaign ends with: runs, runs per second, simulated time covered, events,
 * faults by kind, violations by property; then each failure with its seeds, the shrunk
 * counterexample file and whether that file replays with the same trace hash.
 */
import type { CampaignStats } from '../runner/fuzz/index.js';
import type { SavedCounterexample } from './counterexample.js';
import type { ShareConfig } from './fuzzShare.js';
import { showDuration as showTime } from '../protocols/durations.js';
import { table } from './io.js';

/** A failure as the campaign reports it. */
export interface Failure extends SavedCounterexample {
  readonly index: number;
  readonly runSeed: number;
  readonly seed: string;
  readonly violated: string;
  readonly reason: string;
  readonly shrinks: number;
}

function failureLines(f: Failure): string[] {
  return [
    '',
    `FAILURE in run ${f.index} (run seed ${f.runSeed}, engine seed ${f.seed}): ${f.violated}`,
    `  ${f.reason.split('\n')[0] ?? ''}`,
    `  shrunk ${f.shrinks} times; counterexample: ${f.file}`,
    f.reproduced ? `  replayed from the file: same trace hash ${f.fileHash}`
      : `  WARNING: the file replays with trace hash ${f.fileHash}, the run had ${f.hash}`,
    `  rerun: faultline run ${f.file}`,
  ];
}

/** The readable end of a campaign. */
export function fuzzSummary(
  config: ShareConfig,
  stats: CampaignStats,
  failures: readonly Failure[],
  seconds: number,
  workers: number,
): string {
  const bugs = config.bugs.length > 0 ? `, bugs ${config.bugs.join(' ')}` : '';
  const params = Object.entries(config.params).map(([k, v]) => `, ${k}=${JSON.stringify(v)}`)
    .join('');
  const head = `fuzz ${config.protocol}: campaign seed ${config.seed}, shard ${config.shard}/${
    config.shards}, ${workers} worker${workers === 1 ? '' : 's'}${bugs}${params}`;
  const rows: [string, string | number][] = [
    ['runs', stats.runs],
    ['runs per second', +(stats.runs / seconds).toFixed(1)],
    ['simulated time', showTime(stats.simulated)],
    ['events', stats.events],
    ['failures', stats.failures],
    ['inconclusive (checker budget)', stats.inconclusive],
    ...Object.entries(stats.faults).sort().map(([k, n]): [string, number] => [`faults: ${k}`, n]),
    ...Object.entries(stats.violations).sort()
      .map(([k, n]): [string, number] => [`violations: ${k}`, n]),
  ];
  const body = table(['', 'total'], rows.map(([k, v]) => [k, String(v)]));
  return [head, '', body, ...failures.flatMap(failureLines)].join('\n');
}
