/**
 * Files and places the CLI needs before it loads anything heavy: the package root, the
 * scenario files under scenarios/, the default scenario, reading a file with a clear error.
 * Only Node built-ins here, so `faultline --help` starts fast.
 */
import {
  existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBounded } from './inputFiles.js';
import { InputError } from './io.js';

/** The repository (package) root: dist/cli/faultline.js lives two folders below it. */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '..', '.']) {
    const dir = resolve(here, up);
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
  }
  return process.cwd();
}

/** The package's version, from its package.json ('unknown' when it cannot be read). */
export function packageVersion(): string {
  try {
    const meta = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as unknown;
    const version = (meta as { version?: unknown } | null)?.version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
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

/** The scenario `faultline` runs with no command: Raft's leader failure, else the first found. */
export function defaultScenario(): string | undefined {
  const preferred = join(packageRoot(), 'scenarios', 'raft', 'leader-failure.yaml');
  if (existsSync(preferred)) return shortPath(preferred);
  return findScenarios()[0];
}

/** Input files read whole at most: far beyond any history or scenario, far below memory. */
const MAX_INPUT_BYTES = 256 << 20;

/** Reads a file (at most `maxBytes`) or throws `InputError` naming it. */
export function readText(file: string, maxBytes = MAX_INPUT_BYTES, what = 'an input file'): string {
  return readBounded(file, maxBytes, what);
}

/**
 * Writes a file whole or not at all (a temporary file, then rename), making its folder; a
 * failure throws `InputError` naming `what` (the option that asked for the file).
 */
export function writeWhole(file: string, text: string, what: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    // The temporary file may not exist, or its folder may not be one (ENOTDIR): nothing to undo.
    try { rmSync(temp, { force: true }); } catch { /* nothing was written */ }
    throw new InputError(`${what}: cannot write ${file} (${writeProblem(error)})`);
  }
}

/** Why a file could not be written, in words, with the system's code. */
function writeProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EEXIST: 'a folder on its path is a file', ENOTDIR: 'a folder on its path is a file',
    EISDIR: 'it is a folder', EACCES: 'permission denied', EPERM: 'not permitted',
    EROFS: 'a read-only file system', ENOSPC: 'no space left on the device',
  };
  if (code === undefined) return (error as Error).message;
  return words[code] === undefined ? code : `${words[code]}, ${code}`;
}
