/**
 * Running one loaded scenario from the CLI: the seed override, an optional JSON Lines trace
 * file (written to a temporary file and renamed, so a failed run leaves nothing half-written;
 * its header carries the scenario text so `faultline replay` can rerun it), an optional
 * client history file (historyFile.ts), and the determinism check (the same seed twice,
 * trace hashes compared).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TRACE_FORMAT_VERSION } from '../sim/index.js';
import { clusterIds, type RunReport, runSpec, type RunSpec } from '../runner/index.js';
import { historyFormat, writeHistoryFile } from './historyFile.js';
import type { Registry } from './registry.js';
import type { ScenarioSource } from './scenarioFiles.js';

/** Options of one CLI run. */
export interface ExecuteOptions {
  readonly seed?: string | undefined;
  readonly trace?: string | undefined;
  readonly checkDeterminism?: boolean | undefined;
  /** Write the client history here, in `format` or the one its extension names. */
  readonly history?: string | undefined;
  readonly format?: string | undefined;
}

/** A seed from the command line: an integer when it looks like one. */
export function parseSeed(text: string): number | string {
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** Runs a scenario; returns its report and, with the determinism check, both hashes. */
export function execute(
  source: ScenarioSource,
  options: ExecuteOptions,
  registry: Registry,
): { report: RunReport; hashes?: string[] } {
  const spec: RunSpec = options.seed === undefined ? source.spec
    : { ...source.spec, seed: parseSeed(options.seed) };
  const base = { checkBudgetMs: 60_000, now: () => performance.now() };
  const format = options.history === undefined ? undefined
    : historyFormat(options.history, options.format);
  const report = options.trace === undefined ? runSpec(spec, { ...base, trace: 'off' }, registry)
    : runWithTrace(spec, source, options.trace, registry);
  if (options.history !== undefined && format !== undefined) {
    writeHistoryFile(options.history, report.history, format, report.historyModel);
  }
  if (options.checkDeterminism !== true) return { report };
  const again = runSpec(spec, { ...base, trace: 'off' }, registry);
  return { report, hashes: [report.result.hash, again.result.hash] };
}

function runWithTrace(
  spec: RunSpec,
  source: ScenarioSource,
  path: string,
  registry: Registry,
): RunReport {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const { servers, clients } = clusterIds(spec);
    const meta = { scenario: source.text, file: source.file, name: spec.name };
    const header = { format: 'faultline-trace', version: TRACE_FORMAT_VERSION,
      seed: String(spec.seed), nodes: servers, clients, meta };
    writeSync(fd, `${JSON.stringify(header)}\n`);
    const report = runSpec(spec, { trace: 'full', traceSink: (line) => writeSync(fd, `${line}\n`),
      checkBudgetMs: 60_000, now: () => performance.now() }, registry);
    closeSync(fd);
    renameSync(temp, path);
    return report;
  } catch (error) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(temp, { force: true });
    throw error;
  }
}
