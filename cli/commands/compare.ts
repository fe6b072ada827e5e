/**
 * `faultline compare FILE...`: runs designs side by side and prints one table. A file with a
 * `compare:` block is a comparison of its own (one fault script, workload and network for
 * every design, faults aimed at roles resolved in each run); plain scenario files named
 * together form one comparison of their protocols, each run as written (the table notes where
 * their conditions differ). `--json` prints the same table as data; `--out DIR` writes each
 * design's run as a scenario that `faultline run` and `faultline replay` reproduce, roles
 * resolved to the nodes they named. Exit 1 when a relation of `compare.expect` fails or a
 * design's run failed otherwise than by its linearizability verdict.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenario, ScenarioError, toScenarioYaml } from '../../runner/index.js';
import { type Comparison, type ComparisonReport, conditionsDiffer, isComparisonText,
  loadComparison, runComparison } from '../../runner/compare/index.js';
import { comparisonJson, comparisonText } from '../compareReport.js';
import { parseSeed } from '../execute.js';
import { EXIT, InputError, out, outJson } from '../io.js';
import { MAX_SCENARIO_BYTES } from '../inputFiles.js';
import { readText, writeWhole } from '../paths.js';
import type { Registry } from '../registry.js';

/** Options of `faultline compare`. */
export interface CompareCommandOptions {
  readonly seed?: string;
  readonly out?: string;
  readonly json?: boolean;
}

/** A comparison loaded from the command line, with the file(s) it came from. */
interface Loaded {
  readonly comparison: Comparison;
  readonly files: string;
  /** Where the designs' conditions differ (plain files only). */
  readonly differ: readonly string[];
}

/** Loads every file (one bad file: exit 2, nothing runs). */
export function loadComparisons(files: readonly string[], registry: Registry): Loaded[] {
  const messages: string[] = [];
  const problems: unknown[] = [];
  const loaded: Loaded[] = [];
  const plain: { file: string; spec: Comparison['designs'][number]['spec'];
    description: string }[] = [];
  for (const file of files) {
    try {
      const text = readText(file, MAX_SCENARIO_BYTES, 'a scenario file');
      if (isComparisonText(text)) {
        loaded.push({ comparison: loadComparison(text, file, registry), files: file, differ: [] });
      } else {
        const scenario = loadScenario(text, file, registry);
        plain.push({ file, spec: scenario.spec, description: scenario.description });
      }
    } catch (error) {
      if (!(error instanceof ScenarioError || error instanceof InputError)) throw error;
      if (error instanceof ScenarioError) problems.push(...error.problems);
      messages.push(error.message);
    }
  }
  if (messages.length > 0) throw new InputError(messages.join('\n'), problems);
  if (plain.length === 1) {
    throw new InputError(`${plain[0]?.file}: one scenario is not a comparison: name two or more ` +
      'scenario files, or give the file a compare: block');
  }
  if (plain.length > 1) {
    const names = plain.map((p) => p.spec.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new InputError(`two scenarios are named ${twice}`);
    const designs = plain.map((p) => ({ name: p.spec.name, spec: p.spec }));
    loaded.push({ files: plain.map((p) => p.file).join(' '), differ: conditionsDiffer(designs),
      comparison: { name: 'comparison', description: plain.map((p) => p.spec.name).join(' vs '),
        designs, roleFaults: [], expect: [] } });
  }
  return loaded;
}

/** Runs the comparisons and prints them; returns the exit code. */
export function compareCommand(files: readonly string[], o: CompareCommandOptions,
  registry: Registry): number {
  const seed = o.seed === undefined ? undefined : parseSeed(o.seed);
  const reports: { loaded: Loaded; report: ComparisonReport }[] = [];
  for (const loaded of loadComparisons(files, registry)) {
    const report = runComparison(loaded.comparison, { ...(seed === undefined ? {} : { seed }),
      checkBudgetMs: 60_000, now: () => performance.now() }, registry);
    if (o.out !== undefined) save(report, o.out);
    reports.push({ loaded, report });
    if (o.json !== true) out(`${comparisonText(report, loaded.files, loaded.differ)}\n`);
  }
  const passed = reports.every((r) => r.report.passed);
  if (o.json === true) {
    outJson({ passed, comparisons: reports.map(({ loaded, report }) =>
      comparisonJson(report, loaded.files, loaded.differ)) });
  }
  return passed ? EXIT.ok : EXIT.failed;
}

/**
 * Writes each design's run as a scenario file that replays it, with its trace hash; all of
 * them or none (a file that cannot be written removes the ones written before it).
 */
function save(report: ComparisonReport, dir: string): void {
  const written: string[] = [];
  try {
    for (const run of report.runs) {
      const file = join(dir, `${run.spec.name}.yaml`);
      const roles = run.resolved.map((r) => `${r.word} = ${r.node}`).join(', ');
      const comment = [`Design ${run.name} of the comparison ${report.name} (faultline compare)`,
        ...(roles === '' ? [] : [`roles resolved: ${roles}`]),
        `trace hash: ${run.report.result.hash}`].join('\n');
      writeWhole(file, toScenarioYaml(run.spec, { description: report.description, comment }),
        '--out');
      written.push(file);
    }
  } catch (error) {
    for (const file of written) rmSync(file, { force: true });
    throw error;
  }
}
