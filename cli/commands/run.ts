/**
 * `faultline run <scenario...>`: loads every file first (one bad file: exit 2, nothing runs),
 * then runs each and prints its summary, or with `--json` one document `{ passed, runs }`.
 * `--history FILE` writes each run's client history (`FILE` with the scenario's name before
 * the extension when there are several); `--reporter` adds JUnit XML or GitHub annotations,
 * one test case per scenario.
 */
import { basename, extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { historyFormat } from '../historyFile.js';
import { EXIT, out, outJson } from '../io.js';
import { execute, type ExecuteOptions } from '../execute.js';
import type { Registry } from '../registry.js';
import { loadAll } from '../scenarioFiles.js';
import { type RunJson, runJson, runText } from '../report.js';
import { emitReports, type ReportedCase, type ReporterSpec, runCase } from '../reporters.js';

/** Options of `faultline run`. */
export interface RunCommandOptions extends ExecuteOptions {
  readonly json?: boolean;
  /** `--reporter junit=FILE|github`, parsed by commander (reporters.ts). */
  readonly reporter?: readonly ReporterSpec[];
}

/** With several scenarios, `h.jsonl` becomes `h.<scenario>.jsonl` for each. */
function perScenario(file: string | undefined, stem: string, count: number): string | undefined {
  if (file === undefined || count === 1) return file;
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.${stem}${ext}`;
}

/** Runs the files; returns the exit code. */
export async function runCommand(
  files: readonly string[],
  options: RunCommandOptions,
  registry: Registry,
): Promise<number> {
  if (options.history !== undefined) historyFormat(options.history, options.format);
  const sources = loadAll(files, registry);
  const runs: RunJson[] = [];
  const cases: ReportedCase[] = [];
  for (const source of sources) {
    const started = performance.now();
    const stem = basename(source.file, extname(source.file));
    const trace = options.trace === undefined || sources.length === 1 ? options.trace
      : `${options.trace.replace(/\.jsonl$/, '')}.${stem}.jsonl`;
    const history = perScenario(options.history, stem, sources.length);
    const { report, hashes } = await execute(source, { ...options, trace, history }, registry);
    const run = runJson(report, source.file, hashes);
    runs.push(run);
    cases.push(runCase(run, (performance.now() - started) / 1000, source.text));
    if (options.json !== true) out(`${runText(run)}\n`);
  }
  const passed = runs.every((r) => r.outcome === 'passed');
  emitReports(options, { name: 'faultline run', cases });
  if (options.json === true) outJson({ passed, runs });
  else if (runs.length > 1) {
    out(`${runs.filter((r) => r.outcome === 'passed').length} of ${runs.length} scenarios passed`);
  }
  return passed ? EXIT.ok : EXIT.failed;
}
