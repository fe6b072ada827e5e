/**
 * The repository stands alone: a fresh clone, with nothing beside it, must pass its own tests
 * and run its benchmarks. So no file of it may name a path outside it: a relative path that
 * climbs above the repository root (`../neighbour/…`), or an absolute path into someone's
 * workspace or home (`/work/…`, `/home/…`). System paths (`/usr/bin/chromium`, `/tmp`, `/dev`)
 * are allowed: they are the machine's, not a neighbour's.
 *
 * A relative path must name something in the repository: from the file that holds it (an
 * import), or from some folder of the repository (`../schema.json` in documentation that
 * speaks of a scenario file). `../neighbour/data` names nothing here from anywhere, whether
 * it was meant from the file or from the working directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
/** Not part of the repository: installed, built or ignored output. */
const SKIP = new Set(['.git', 'node_modules', 'dist', 'counterexamples', 'test-artifacts',
  '.faultline']);
const BINARY = /\.(png|jpe?g|gif|ico|woff2?|pdf)$/;
/** Absolute paths that belong to the machine, not to a workspace. */
const SYSTEM = /^\/(usr|bin|dev|tmp|proc|etc|var|sys)(\/|$)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (SKIP.has(entry)) return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const all = files(ROOT).map((f) => relative(ROOT, f).split(sep).join('/'));
/** What the build makes (cli/build.mjs, vite.config.ts): code refers to it from beside it. */
const BUILT = ['dist/cli/faultline.js', 'dist/cli/fuzzWorker.js', 'dist/viz/index.html'];
const existing = new Set(['', ...all, ...BUILT, ...[...all, ...BUILT].flatMap((f) => {
  const parts = f.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
})]);

/** Whether `rest` (a path without leading `../`) names a file or folder `ups` levels deep. */
function namesSomething(rest: string, ups: number): boolean {
  const clean = rest.replace(/[/.]+$/, '');
  if (existing.has(clean)) return true;
  for (const path of existing) {
    if (path.endsWith(`/${clean}`) && path.split('/').length - clean.split('/').length >= ups) {
      return true;
    }
  }
  return false;
}

/** The paths in a file's text that lead outside the repository. */
export function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?<![\w.])((?:\.\.\/)+)([\w.@-]+(?:\/[\w.@-]+)*)/g)) {
    const ups = (m[1] ?? '').length / 3;
    const target = resolve(ROOT, dirname(file), m[0]);
    const path = relative(ROOT, target).split(sep).join('/');
    const exists = existing.has(path) || existing.has(path.replace(/\.js$/, '.ts'));
    const rest = m[2] ?? '';
    const named = namesSomething(rest, ups) || namesSomething(rest.replace(/\.js$/, '.ts'), ups);
    if (!exists && !named) found.push(m[0]);
  }
  for (const m of text.matchAll(/(?<![\w.:/~-])(\/(?:[\w.@-]+\/)+[\w.@-]*)/g)) {
    const path = m[1] ?? '';
    if (!SYSTEM.test(path) && /^\/(work|home|root|Users|mnt|opt|srv|workspace)\//.test(path)) {
      found.push(path);
    }
  }
  return found;
}

describe('the repository stands alone', () => {
  it('has files to check', () => {
    expect(all).toContain('package.json');
    expect(all.length).toBeGreaterThan(100);
  });

  it('no file refers to a path outside the repository', () => {
    // This file holds bad references on purpose, to show the check catches them.
    const checked = all.filter((f) => !BINARY.test(f) && f !== 'test/selfContained.test.ts');
    const offenders = checked.flatMap((f) =>
      outsideReferences(f, readFileSync(join(ROOT, f), 'utf8')).map((p) => `${f}: ${p}`));
    expect(offenders).toEqual([]);
  });

  it('catches the references it is meant to catch', () => {
    expect(outsideReferences('test/x.test.ts', "path.resolve('../neighbour/data/x')"))
      .toEqual(['../neighbour/data/x']);
    expect(outsideReferences('bench/x.ts', "'../../neighbour/data'")).not.toEqual([]);
    expect(outsideReferences('test/x.test.ts', "const d = '/work/neighbour/data';"))
      .toEqual(['/work/neighbour/data']);
    expect(outsideReferences('README.md', 'see /home/me/notes.md')).toEqual(['/home/me/notes.md']);
    expect(outsideReferences('test/cli/x.ts', "import '../../sim/index.js'")).toEqual([]);
    expect(outsideReferences('scenarios/raft/x.yaml', '$schema=../schema.json')).toEqual([]);
    expect(outsideReferences('test/e2e/x.ts', "'/usr/bin/chromium'")).toEqual([]);
  });
});
