/**
 * Saving a fuzz failure as a scenario file that `faultline run` replays: the shrunk spec is
 * written with `toScenarioYaml`, loaded back and rerun, and the file records the trace hash
 * of that rerun (`# trace hash: …`, which `faultline replay` compares). When the protocol's
 * clients' history has a model, the rerun's history is written beside it,
 * `NAME.history.jsonl`, for `faultline check-history` and for other tools. Files appear atomically (temporary file, then rename), so a crash never
 * leaves half a scenario.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, runSpec, toScenarioYaml } from '../runner/index.js';
import { CAMPAIGN_LIMITS, type Counterexample } from '../runner/fuzz/index.js';
import { writeHistoryFile } from './historyFile.js';
import type { Registry } from './registry.js';


/** A counterexample on disk. */
export interface SavedCounterexample {
  readonly file: string;
  /** The trace hash of the shrunk run and of the file's rerun. */
  readonly hash: string;
  readonly fileHash: string;
  readonly reproduced: boolean;
  /** The clients' history of the rerun, in our JSON Lines (when the protocol has a model). */
  readonly history?: string;
}

/** Writes a counterexample under `dir` and verifies that the file reproduces it. */
export function saveCounterexample(
  found: Counterexample,
  context: { dir: string; runSeed: number; campaignSeed: number; index: number; command: string;
    violated: string },
  registry: Registry,
): SavedCounterexample {
  const violated = context.violated;
  const name = `${found.spec.protocol}-${violated}-${context.runSeed}`.toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const spec = { ...found.spec, name };
  const description = `Found by faultline fuzz: ${found.reason.split('\n')[0] ?? ''}`.slice(0, 300);
  const header = [
    `Counterexample found by: ${context.command}`,
    `campaign seed ${context.campaignSeed}, run ${context.index} (run seed ${context.runSeed}), ` +
      `shrunk ${found.shrinks} times`,
    `violated: ${violated}`,
  ].join('\n');
  const body = toScenarioYaml(spec, { description, comment: header });
  const file = join(context.dir, `${name}.yaml`);
  const rerun = runSpec(loadScenario(body, file, registry).spec,
    // The campaign's limits, so that a livelocked counterexample reruns the same way.
    { trace: 'off', ...CAMPAIGN_LIMITS }, registry);
  const fileHash = rerun.result.hash;
  const text = body.replace(/^(# violated: .*)$/m, `$1\n# trace hash: ${fileHash}`);
  mkdirSync(context.dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
  const hash = found.report.result.hash;
  const saved = { file, hash, fileHash, reproduced: fileHash === hash };
  if (rerun.historyModel === undefined) return saved;
  const history = join(context.dir, `${name}.history.jsonl`);
  writeHistoryFile(history, rerun.history, 'jsonl', rerun.historyModel);
  return { ...saved, history };
}
