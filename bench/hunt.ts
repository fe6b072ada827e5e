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
 *
 * With `--write-readmes` it also rewrites the hunt table of each protocol's README (between
 * `<!-- hunt-table -->` and `<!-- /hunt-table -->`) from these results; the bug tests check the
 * deterministic columns (property and runs) against it. `--protocol a,b` hunts (and measures
 * the coverage of) those protocols only, and rewrites only their tables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { IDLE_PHASE } from '../sim/check/nemesis.js';
import { type AnyProtocol, protocols } from '../protocols/index.js';
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
    .filter((kind) => (stats.coverage[phase]?.[kind] ?? 0) === 0)
    .map((kind) => `${kind}@${phase}`));
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

/** The README holding a protocol's hunt table: its scenarios' folder's protocol README. */
export function readmeOf(scenario: string): string {
  return `protocols/${scenario.split('/')[1] ?? ''}/README.md`;
}

/** One README table row; the test reads `protocol`, `bug`, property and runs back. */
export function huntTableRow(r: HuntResult, date: string): string {
  if (!r.found) return `| \`${r.protocol}\` | \`${r.bug}\` | not found | > ${RUNS} | | |`;
  const schedule = r.faultsAfter === undefined ? '' : `${r.faultsAfter} (from ${
    r.faultsBefore ?? '?'}${r.minimal === true ? ', 1-minimal' : ''})`;
  return `| \`${r.protocol}\` | \`${r.bug}\` | \`${r.violated ?? ''}\` | ${r.runs} | ${
    r.seconds.toFixed(2)} (${date}) | ${schedule} |`;
}

const TABLE_HEAD = [
  '| protocol | bug | found by | runs to first detection | wall seconds (date) | ' +
    'shrunk schedule (faults) |',
  '|---|---|---|---|---|---|',
];

/** Rewrites the hunt tables of the protocol READMEs from `results`. */
function writeReadmes(results: readonly HuntResult[], scenarios: ReadonlyMap<string, string>):
void {
  const date = new Date().toISOString().slice(0, 10);
  const byReadme = new Map<string, string[]>();
  for (const r of results) {
    const readme = readmeOf(scenarios.get(`${r.protocol}/${r.bug}`) ?? '');
    byReadme.set(readme, [...(byReadme.get(readme) ?? []), huntTableRow(r, date)]);
  }
  for (const [readme, rows] of byReadme) {
    const text = readFileSync(readme, 'utf8');
    const block = /<!-- hunt-table[^>]*-->[\s\S]*?<!-- \/hunt-table -->/;
    if (!block.test(text)) throw new Error(`${readme}: no <!-- hunt-table --> block`);
    const table = ['<!-- hunt-table: `npm run bench -- --only hunt --write-readmes` -->',
      ...TABLE_HEAD, ...rows, '<!-- /hunt-table -->'].join('\n');
    writeFileSync(readme, text.replace(block, table));
  }
}

/** The protocols `--protocol a,b` names, or every protocol. */
function selected(): string[] {
  const at = process.argv.indexOf('--protocol');
  const names = at < 0 ? Object.keys(protocols) : (process.argv[at + 1] ?? '').split(',');
  for (const name of names) {
    if (protocols[name] === undefined) throw new Error(`--protocol: no protocol ${name}`);
  }
  return names;
}

export const huntBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  const results: HuntResult[] = [];
  const scenarios = new Map<string, string>();
  const names = selected();
  for (const protocol of names.map((name) => protocols[name] as AnyProtocol)) {
    for (const bug of protocol.bugs) {
      const result = hunt(protocol, bug, { registry: protocols, seed: SEED, runs: RUNS,
        shrinkRuns: 150, now });
      results.push(result);
      scenarios.set(`${protocol.name}/${bug.name}`, bug.scenario);
      rows.push(...huntRows(result));
    }
  }
  if (process.argv.includes('--write-readmes')) writeReadmes(results, scenarios);
  const found = results.filter((r) => r.found);
  rows.push({ name: 'hunt: catalogued bugs found by the plain campaign', value: found.length,
    unit: `of ${results.length}`, goal: `${results.length}` });
  rows.push({ name: 'hunt: median seconds to first detection', value:
    median(found.map((r) => r.seconds)), unit: 'wall s', goal: '< 5 s' });
  for (const name of names) rows.push(...coverageRows(name));
  return rows;
};
