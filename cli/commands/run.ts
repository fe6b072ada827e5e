/**
 * `faultline run <scenario...>`: loads every file first (one bad file: exit 2, nothing runs),
 * then runs each and prints its summary, or with `--json` one document `{ passed, runs }`.
 */
import { basename, extname } from 'node:path';
import { EXIT, out, outJson } from '../io.js';
import { execute, type ExecuteOptions } from '../execute.js';
import type { Registry } from '../registry.js';
import { loadAll } from '../scenarioFiles.js';
import { type RunJson, runJson, runText } from '../report.js';

/** Options of `faultline run`. */
export interface RunCommandOptions extends ExecuteOptions {
  readonly json?: boolean;
}

/** Runs the files; returns the exit code. */
export async function runCommand(
  files: readonly string[],
  options: RunCommandOptions,
  registry: Registry,
): Promise<number> {
  const sources = loadAll(files, registry);
  const runs: RunJson[] = [];
  for (const source of sources) {
    const stem = basename(source.file, extname(source.file));
    const trace = options.trace === undefined || sources.length === 1 ? options.trace
      : `${options.trace.replace(/\.jsonl$/, '')}.${stem}.jsonl`;
    const { report, hashes } = await execute(source, { ...options, trace }, registry);
    const run = runJson(report, source.file, hashes);
    runs.push(run);
    if (options.json !== true) out(`${runText(run)}\n`);
  }
  const passed = runs.every((r) => r.outcome === 'passed');
  if (options.json === true) outJson({ passed, runs });
  else if (runs.length > 1) {
    out(`${runs.filter((r) => r.outcome === 'passed').length} of ${runs.length} scenarios passed`);
  }
  return passed ? EXIT.ok : EXIT.failed;
}
