/**
 * Bug hunting as users run it: for every bug switch of every protocol, the plain campaign of
 * `faultline fuzz <protocol> --bug <name> --runs 200 --seed 1` (nemeses on, one core, nothing
 * else), with the runs and wall seconds until a run fails a property the bug's catalogue entry
 * names, and the length of the schedule it shrinks to. Then, per protocol, a default campaign
 * of 60 wall seconds (`faultline fuzz <protocol> --time 60s --seed 1`, correct protocol): its
 * runs, the fault × phase cells it filled and its inconclusive share (runs whose
 * linearizability check ran out of budget).
 *
 * Goals (issue 12): every bug within 200 runs and 30 s, median under 5 s; every cell of the
 * matrix filled in 60 s; under 1% inconclusive.
 */
import { IDLE_PHASE } from '../sim/check/nemesis.js';
import { protocols } from '../protocols/index.js';
import {
  addOutcome, Campaign, COVERAGE_KINDS, emptyStats, hunt, type HuntResult,
} from '../runner/fuzz/index.js';
import type { BenchRow, BenchSuite } from './row.js';

const RUNS = 200;
const SEED = 1;
const COVERAGE_SECONDS = 60;

const now = (): number => performance.now();

function huntRows(result: HuntResult): BenchRow[] {
  const name = `hunt ${result.protocol} ${result.bug}`;
  if (!result.found) {
    return [{ name: `${name}: NOT FOUND in ${RUNS} runs`, value: result.seconds, unit: 'wall s',
      goal: `<= ${RUNS} runs, <= 30 s` }];
  }
  const minimal = result.minimal === true ? ', 1-minimal' : ', not shown 1-minimal';
  return [
    { name: `${name}: runs to first detection (${result.violated})`, value: result.runs,
      unit: 'runs', goal: `<= ${RUNS}` },
    { name: `${name}: seconds to first detection`, value: result.seconds, unit: 'wall s',
      goal: '<= 30 s' },
    { name: `${name}: shrunk schedule`, value: result.faultsAfter ?? NaN,
      unit: `faults (from ${result.faultsBefore ?? '?'}${minimal})` },
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] as number
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A default campaign of the correct protocol for `COVERAGE_SECONDS`: cells and inconclusive. */
function coverageRows(name: string): BenchRow[] {
  const protocol = protocols[name];
  const traits = protocol?.fuzz;
  if (protocol === undefined || traits === undefined) return [];
  const campaign = new Campaign({ protocol, registry: protocols, seed: SEED });
  const stats = emptyStats();
  const deadline = now() + COVERAGE_SECONDS * 1000;
  for (let index = 0; now() < deadline; index++) addOutcome(stats, campaign.run(index));
  const phases = [IDLE_PHASE, ...traits.phases];
  const missed = phases.flatMap((phase) => COVERAGE_KINDS
    .filter((kind) => (stats.coverage[phase]?.[kind] ?? 0) === 0).map((kind) => `${kind}@${phase}`));
  const cells = phases.length * COVERAGE_KINDS.length;
  const label = `coverage ${name}, default campaign ${COVERAGE_SECONDS} s (${stats.runs} runs, ${
    stats.failures} failed)`;
  return [
    { name: `${label}: fault x phase cells hit${missed.length === 0 ? '' : ` (missed ${
      missed.join(' ')})`}`, value: cells - missed.length, unit: `of ${cells} cells`,
    goal: `${cells}` },
    { name: `inconclusive ${name}, default campaign ${COVERAGE_SECONDS} s`,
      value: stats.runs === 0 ? NaN : (100 * stats.inconclusive) / stats.runs,
      unit: `% of ${stats.runs} runs`, goal: '< 1%' },
  ];
}

export const huntBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  const results: HuntResult[] = [];
  for (const protocol of Object.values(protocols)) {
    for (const bug of protocol.bugs) {
      const result = hunt(protocol, bug, { registry: protocols, seed: SEED, runs: RUNS,
        shrinkRuns: 150, now });
      results.push(result);
      rows.push(...huntRows(result));
    }
  }
  const found = results.filter((r) => r.found);
  rows.push({ name: 'hunt: catalogued bugs found by the plain campaign', value: found.length,
    unit: `of ${results.length}`, goal: `${results.length}` });
  rows.push({ name: 'hunt: median seconds to first detection', value:
    median(found.map((r) => r.seconds)), unit: 'wall s', goal: '< 5 s' });
  for (const name of Object.keys(protocols)) rows.push(...coverageRows(name));
  return rows;
};
