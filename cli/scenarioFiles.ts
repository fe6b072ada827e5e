/**
 * Finding and reading scenario files: the scenarios/ folder of the repository (for `list`
 * and the default run), and files named on the command line, read and loaded all before
 * anything runs so that one bad file stops the whole command with exit code 2.
 */
import { type LoadedScenario, loadScenario, type Problem, ScenarioError } from '../runner/index.js';
import { InputError } from './io.js';
import { MAX_SCENARIO_BYTES } from './inputFiles.js';
import { readText } from './paths.js';
import type { Registry } from './registry.js';

export { defaultScenario, findScenarios, packageRoot, readText, shortPath } from './paths.js';

/** A scenario file read and loaded, with its text (traces and replays carry it). */
export interface ScenarioSource extends LoadedScenario {
  readonly file: string;
  readonly text: string;
}

/** Loads every file, or throws `InputError` with every problem of every file. */
export function loadAll(files: readonly string[], registry: Registry): ScenarioSource[] {
  const problems: Problem[] = [];
  const messages: string[] = [];
  const loaded: ScenarioSource[] = [];
  for (const file of files) {
    try {
      const text = readText(file, MAX_SCENARIO_BYTES, 'a scenario file');
      loaded.push({ ...loadScenario(text, file, registry), file, text });
    } catch (error) {
      if (error instanceof ScenarioError) problems.push(...error.problems);
      if (!(error instanceof ScenarioError || error instanceof InputError)) throw error;
      messages.push(error.message);
    }
  }
  if (messages.length > 0) throw new InputError(messages.join('\n'), problems);
  return loaded;
}
