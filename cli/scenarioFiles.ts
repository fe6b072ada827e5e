/**
 * Finding and reading scenario files: the scenarios/ folder of the repository (for `list`
 * and the default run), and files named on the command line, read and loaded all before
 * anything runs so that one bad file stops the whole command with exit code 2.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadedScenario, loadScenario, type Problem, ScenarioError } from '../runner/index.js';
import { InputError } from './io.js';
import type { Registry } from './registry.js';

/** The repository (package) root: dist/cli/faultline.js lives two folders below it. */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '..', '.']) {
    const dir = resolve(here, up);
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
  }
  return process.cwd();
}

/** A path as short as it reads well: relative to the working directory when inside it. */
export function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** Every `*.yaml` under `dir`, sorted (see `shortPath`). */
export function findScenarios(dir = join(packageRoot(), 'scenarios')): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry)) found.push(path);
    }
  };
  walk(dir);
  return found.map(shortPath);
}

/** The scenario `faultline` runs with no command: Raft's leader crash, else the first found. */
export function defaultScenario(): string | undefined {
  const preferred = join(packageRoot(), 'scenarios', 'raft', 'leader-crash.yaml');
  if (existsSync(preferred)) return shortPath(preferred);
  return findScenarios()[0];
}

/** A scenario file read and loaded, with its text (traces and replays carry it). */
export interface ScenarioSource extends LoadedScenario {
  readonly file: string;
  readonly text: string;
}

/** Reads a file or throws `InputError` naming it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'a directory, not a file' : String(code)})`);
  }
}

/** Loads every file, or throws `InputError` with every problem of every file. */
export function loadAll(files: readonly string[], registry: Registry): ScenarioSource[] {
  const problems: Problem[] = [];
  const messages: string[] = [];
  const loaded: ScenarioSource[] = [];
  for (const file of files) {
    try {
      const text = readText(file);
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
