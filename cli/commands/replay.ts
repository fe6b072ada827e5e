/**
 * `faultline replay <file>`: reproduces a run exactly. The file is either a scenario (a
 * counterexample from `faultline fuzz` carries the trace hash it produced in a comment,
 * `# trace hash: …`) or a trace written by `faultline run --trace`, whose header carries the
 * scenario text and seed. The rerun's trace hash is compared with the recorded one.
 *
 * A trace is read a line at a time, so its size does not matter, and every line is checked
 * with the trace schema the visualizer reads with (sim/traceSchema.ts): a file that breaks it
 * is bad input, exit 2 with `file:line:column`, and nothing runs.
 */
import { hashRecords, readTraceHeader, TraceChecker, TraceFormatError, type TraceHeader,
  type TraceRecord } from '../../sim/index.js';
import { clusterIds, loadScenario, operatorOf, ScenarioError } from '../../runner/index.js';
import { EXIT, InputError, out, outJson } from '../io.js';
import { execute } from '../execute.js';
import { firstCharacter, MAX_SCENARIO_BYTES, readLines } from '../inputFiles.js';
import type { Registry } from '../registry.js';
import { readText, type ScenarioSource } from '../scenarioFiles.js';
import { runJson, runText } from '../report.js';

/** What a file recorded: the scenario to rerun, and the seed and trace hash of its run. */
export interface Recorded { source: ScenarioSource; seed?: string; hash?: string }

/** Runs `read`, turning a trace schema error into bad input at `file:line:column`. */
function located<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof TraceFormatError)) throw error;
    throw new InputError(`${file}:${error.line}:${error.column}: ${error.reason}`);
  }
}

/**
 * The scenario, seed and trace hash recorded in a trace file, every line checked; throws
 * `InputError` at `file:line:column` for a file that breaks the trace schema.
 */
export function fromTrace(file: string, registry: Registry): Recorded {
  const lines = readLines(file);
  const first = lines.next();
  const header = located(file, () => readTraceHeader(first.done === true ? '' : first.value));
  const source = scenarioOf(file, header, registry);
  const checker = new TraceChecker(header);
  // Blank lines may end the file, as they may for the visualizer; not come between records.
  const records = function* (): Generator<TraceRecord> {
    let line = 1;
    let blank = 0;
    for (const text of lines) {
      line++;
      if (text.trim() === '') {
        blank = blank === 0 ? line : blank;
        continue;
      }
      const at = blank === 0 ? line : blank;
      yield located(file, () => checker.read(blank === 0 ? text : '', at));
    }
  };
  const hash = hashRecords(records(), [...header.nodes, ...header.clients]);
  return { source, seed: header.seed, hash };
}

/** The scenario a trace header carries, loaded, for the cluster the header names. */
function scenarioOf(file: string, header: TraceHeader, registry: Registry): ScenarioSource {
  const meta = header.meta as { scenario?: unknown; file?: unknown } | undefined;
  if (typeof meta?.scenario !== 'string') {
    throw new InputError(`${file}:1:1: the header carries no scenario to rerun (meta.scenario); ` +
      'a trace written by `faultline run --trace` does');
  }
  const from = typeof meta.file === 'string' ? ` (from ${meta.file})` : '';
  const source = load(meta.scenario, `${file}${from}`, registry);
  const { servers, clients: workload } = clusterIds(source.spec);
  const operator = operatorOf(source.spec);
  const clients = operator === undefined ? workload : [...workload, operator];
  if (servers.join() !== header.nodes.join() || clients.join() !== header.clients.join()) {
    throw new InputError(`${file}:1:1: the header's nodes (${[...header.nodes,
      ...header.clients].join(', ')}) are not its scenario's (${[...servers, ...clients]
      .join(', ')})`);
  }
  return source;
}

function load(text: string, file: string, registry: Registry): ScenarioSource {
  try {
    return { ...loadScenario(text, file, registry), file, text };
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message, error.problems);
    throw error;
  }
}

/** A counterexample scenario and the trace hash in its `# trace hash:` comment. */
function fromScenario(file: string, registry: Registry): Recorded {
  const text = readText(file, MAX_SCENARIO_BYTES, 'a scenario file');
  const hash = /^# trace hash: ([0-9a-f]+)/m.exec(text)?.[1];
  return { source: load(text, file, registry), ...(hash === undefined ? {} : { hash }) };
}

/** Replays a file; returns the exit code. */
export async function replayCommand(
  file: string,
  options: { json?: boolean },
  registry: Registry,
): Promise<number> {
  const recorded = firstCharacter(file) === '{' ? fromTrace(file, registry)
    : fromScenario(file, registry);
  const { report } = await execute(recorded.source, { seed: recorded.seed }, registry);
  const run = runJson(report, file);
  const reproduced = recorded.hash === undefined ? undefined : recorded.hash === report.result.hash;
  if (options.json === true) {
    outJson({ ...run, recordedHash: recorded.hash ?? null, reproduced: reproduced ?? null });
  } else {
    out(runText(run));
    out(reproduced === undefined ? '  (no recorded trace hash to compare with)'
      : reproduced ? `  reproduced: trace hash ${report.result.hash} matches the recording`
        : `  NOT reproduced: trace hash ${report.result.hash}, recorded ${recorded.hash}`);
  }
  return run.outcome === 'passed' && reproduced !== false ? EXIT.ok : EXIT.failed;
}
