/**
 * Hostile and careless input to `faultline run` and `replay` (issue 18), as a user meets it:
 * the built CLI (`npm run build`) in a scratch directory. Each file under
 * test/fixtures/inputs/ is one reported failure, kept: its first line says the exit code and
 * the message it must print (`# expect: 2 file:line:col: field: ...`). Every run writes a
 * trace, and none may leave a file it did not finish, nor print a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/faultline.js');
const fixtures = join(root, 'test/fixtures/inputs');
let dir = '';

interface Result { code: number; stdout: string; stderr: string }

function faultline(...args: string[]): Result {
  const r = spawnSync(process.execPath, [cli, ...args],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /\n\s+at .+\(|TypeError|ReferenceError|AssertionError/;
const leftovers = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

beforeAll(() => {
  expect(existsSync(cli), 'npm run build first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'faultline-inputs-'));
});

const files = readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).sort();

describe('kept failures of issue 18', () => {
  it.each(files)('%s', (file) => {
    copyFileSync(join(fixtures, file), join(dir, file));
    const [, code, message] = /^# expect: (\d) (.*)$/m.exec(readFileSync(join(dir, file), 'utf8'))
      ?? [];
    const trace = `${file}.jsonl`;
    const r = faultline('run', file, '--trace', trace);
    expect(r.code, r.stderr).toBe(Number(code));
    expect(r.stdout + r.stderr).toContain(message);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(leftovers()).toEqual([]);
    const kept = existsSync(join(dir, trace));
    if (r.code === 2) expect(kept, 'a rejected file runs nothing').toBe(false);
    if (/time limit|memory limit/.test(message as string)) {
      expect(kept, 'a run the machine stopped does not replay: no trace').toBe(false);
      expect(r.stderr).toContain(`${trace}: not written`);
    }
    if (r.code !== 2 && !/time limit|memory limit/.test(message as string)) {
      const replay = faultline('replay', trace);
      expect(replay.stdout, replay.stderr).toContain('reproduced: trace hash');
      expect(replay.code).toBe(r.code);
    }
  });
});

describe('input bounds', () => {
  it('reads at most 1 MiB of a scenario, so /dev/zero is an error, not a hang', () => {
    const r = faultline('run', '/dev/zero');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/dev/zero: more than 1 MiB, too big for a scenario file');
    writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(2 << 20)}\n`);
    expect(faultline('run', 'huge.yaml').stderr).toContain('huge.yaml: 2 MiB, too big');
  });

  it('caps a seed from the command line as the scenario schema does', () => {
    copyFileSync(join(fixtures, 'merge-keys.yaml'), join(dir, 'ok.yaml'));
    const r = faultline('run', 'ok.yaml', '--seed', 'y'.repeat(300));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed: an integer or a string of 1 to 256 characters');
  });

  it('prints one JSON document with --json, even when the command line is wrong', () => {
    const r = faultline('run', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: "missing required argument 'scenario'",
      problems: [] });
    const bad = faultline('run', 'nope.yaml', '--json');
    expect(JSON.parse(bad.stdout).error).toContain('nope.yaml: cannot read (no such file)');
  });
});
