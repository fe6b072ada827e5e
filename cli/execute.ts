/**
 * Running one loaded scenario from the CLI: the seed override, an optional JSON Lines trace
 * file, an optional client history file (historyFile.ts), the determinism check (the same
 * seed twice, trace hashes compared), and the run's limits watched by the Node watchdog
 * (memory, wall time; cli/watchdog.ts).
 *
 * The trace is streamed: each record goes to the file as it happens and none is kept, so a
 * traced run holds no more memory than an untraced one. The file is written beside its name
 * and renamed when the run ends (cli/outputs.ts), so a failed or interrupted run leaves
 * nothing half-written; its header carries the scenario text, so `faultline replay` can rerun
 * it. A run is simulated in slices that hand control back to the event loop, so Ctrl-C is
 * noticed, and the partial file removed, within a slice.
 */
import { performance } from 'node:perf_hooks';
import { TRACE_FORMAT_VERSION } from '../sim/index.js';
import { clusterIds, judge, operatorOf, type PreparedRun, prepareRun, type RunReport,
  type RunSpec } from '../runner/index.js';
import type { RunOptions } from '../runner/spec.js';
import { MAX_SEED_LENGTH } from '../runner/schema.js';
import { err, InputError } from './io.js';
import { OutputFile } from './outputs.js';
import { historyFormat, writeHistoryFile } from './historyFile.js';
import type { Registry } from './registry.js';
import type { ScenarioSource } from './scenarioFiles.js';
import { nodeWatchdog } from './watchdog.js';

/** Options of one CLI run. */
export interface ExecuteOptions {
  readonly seed?: string | undefined;
  readonly trace?: string | undefined;
  readonly checkDeterminism?: boolean | undefined;
  /** Write the client history here, in `format` or the one its extension names. */
  readonly history?: string | undefined;
  readonly format?: string | undefined;
}

/** Engine events between two returns to the event loop. */
const SLICE = 20_000;

/** A seed from the command line: an integer when it looks like one. */
export function parseSeed(text: string): number | string {
  if (text === '' || text.length > MAX_SEED_LENGTH) {
    throw new InputError(`--seed: an integer or a string of 1 to ${MAX_SEED_LENGTH} characters${
      text === '' ? '' : `, got ${text.length} characters`}`);
  }
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** Runs a scenario; returns its report and, with the determinism check, both hashes. */
export async function execute(
  source: ScenarioSource,
  options: ExecuteOptions,
  registry: Registry,
): Promise<{ report: RunReport; hashes?: string[] }> {
  const spec: RunSpec = options.seed === undefined ? source.spec
    : { ...source.spec, seed: parseSeed(options.seed) };
  const format = options.history === undefined ? undefined
    : historyFormat(options.history, options.format);
  const report = options.trace === undefined ? await run(spec, {}, registry)
    : await runWithTrace(spec, source, options.trace, registry);
  if (options.history !== undefined && format !== undefined) {
    writeHistoryFile(options.history, report.history, format, report.historyModel);
  }
  if (options.checkDeterminism !== true) return { report };
  const again = await run(spec, {}, registry);
  return { report, hashes: [report.result.hash, again.result.hash] };
}

/**
 * Runs a spec in slices. `ended` is called once the simulation is over and before the
 * history is judged (the trace is complete by then; the check can take a while).
 */
async function run(spec: RunSpec, options: RunOptions, registry: Registry,
  ended: (prepared: PreparedRun) => void = () => {}): Promise<RunReport> {
  const full: RunOptions = { trace: 'off', ...options, watchdog: nodeWatchdog,
    checkBudgetMs: 60_000, now: () => performance.now() };
  const prepared = prepareRun(spec, full, registry);
  const engine = prepared.engine;
  while (engine.advance(spec.duration, SLICE)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  engine.run(spec.duration);
  engine.end();
  ended(prepared);
  return judge(prepared, full);
}

async function runWithTrace(
  spec: RunSpec,
  source: ScenarioSource,
  path: string,
  registry: Registry,
): Promise<RunReport> {
  const file = new OutputFile(path);
  try {
    const { servers, clients: workload } = clusterIds(spec);
    // The operator process has a lane of its own after the clients (runner/run.ts).
    const operator = operatorOf(spec);
    const clients = operator === undefined ? workload : [...workload, operator];
    const meta = { scenario: source.text, file: source.file, name: spec.name };
    const header = { format: 'faultline-trace', version: TRACE_FORMAT_VERSION,
      seed: String(spec.seed), nodes: servers, clients, meta };
    file.write(`${JSON.stringify(header)}\n`);
    return await run(spec, { trace: 'stream', traceSink: (line) => file.write(`${line}\n`) },
      registry, ({ engine }) => {
        const outcome = engine.finish().outcome;
        if (outcome === 'memory-limit' || outcome === 'time-limit') {
          file.discard();
          err(`${path}: not written: the run stopped at its ${outcome}, which depends on the ` +
            'machine, so its trace would not replay');
        } else {
          file.commit();
        }
      });
  } catch (error) {
    file.discard();
    throw error;
  }
}
