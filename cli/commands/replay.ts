/**
 * `faultline replay <file>`: reproduces a run exactly. The file is either a scenario (a
 * counterexample from `faultline fuzz` carries the trace hash it produced in a comment,
 * `# trace hash: …`) or a trace written by `faultline run --trace`, whose header carries the
 * scenario text and seed. The rerun's trace hash is compared with the recorded one.
 */
import { hashRecords, type TraceRecord } from '../../sim/index.js';
import { loadScenario, ScenarioError } from '../../runner/index.js';
import { EXIT, InputError, out, outJson } from '../io.js';
import { execute } from '../execute.js';
import type { Registry } from '../registry.js';
import { readText, type ScenarioSource } from '../scenarioFiles.js';
import { runJson, runText } from '../report.js';

interface Recorded { source: ScenarioSource; seed?: string; hash?: string }

/** The scenario and expected hash of a trace file. */
function fromTrace(file: string, text: string, registry: Registry): Recorded {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const parse = (line: string, n: number): Record<string, unknown> => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new InputError(`${file}:${n}: expected a JSON object (a trace record)`);
    }
  };
  const header = parse(lines[0] ?? '{}', 1);
  const meta = header.meta as { scenario?: unknown; file?: unknown } | undefined;
  if (header.format !== 'faultline-trace' || typeof meta?.scenario !== 'string') {
    throw new InputError(`${file}:1: expected a faultline trace header carrying its scenario ` +
      '(written by `faultline run --trace`)');
  }
  const scenarioFile = typeof meta.file === 'string' ? `${file} (from ${meta.file})` : file;
  const source = load(meta.scenario, scenarioFile, registry);
  const ids = [...(header.nodes as string[] ?? []), ...(header.clients as string[] ?? [])];
  const records = lines.slice(1).map((l, i) => parse(l, i + 2) as unknown as TraceRecord);
  return { source, seed: String(header.seed), hash: hashRecords(records, ids) };
}

function load(text: string, file: string, registry: Registry): ScenarioSource {
  try {
    return { ...loadScenario(text, file, registry), file, text };
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message, error.problems);
    throw error;
  }
}

/** Replays a file; returns the exit code. */
export async function replayCommand(
  file: string,
  options: { json?: boolean },
  registry: Registry,
): Promise<number> {
  const text = readText(file);
  const isTrace = text.trimStart().startsWith('{');
  const recorded: Recorded = isTrace ? fromTrace(file, text, registry) : {
    source: load(text, file, registry),
    ...(/^# trace hash: ([0-9a-f]+)/m.exec(text)?.[1] === undefined ? {}
      : { hash: /^# trace hash: ([0-9a-f]+)/m.exec(text)?.[1] as string }),
  };
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
