/**
 * Histories in and out through the built `faultline` command, as a script uses it:
 * `run --history` in each format, `check-history` on the file with the run's verdict, and
 * exit codes to branch on: 0 linearizable, 1 not, 3 unknown (budget), 2 bad input with
 * `file:line:` and never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRegisterHistory } from '../../sim/check/generate.js';
import { PORCUPINE_DATA } from '../support/data.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/faultline.js');
let dir = '';

function faultline(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) {
    const build = spawnSync(process.execPath, [join(root, 'cli/build.mjs')], { cwd: root });
    expect(build.status).toBe(0);
  }
  dir = mkdtempSync(join(tmpdir(), 'faultline-history-'));
}, 60_000);

const SCENARIO = join(root, 'scenarios/replication/partition-fenced.yaml');

describe('faultline run --history', () => {
  it.each(['h.jsonl', 'h.edn', 'h.txt'])('writes %s, which checks as the run did', (file) => {
    const run = faultline('run', SCENARIO, '--history', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).runs[0].checked).toContain('linearizable');
    const check = faultline('check-history', file, '--no-explain');
    expect(check.stdout).toMatch(/: linearizable \(/);
    expect(check.code).toBe(0);
  });

  it('takes --format over the extension, and refuses a file it cannot name', () => {
    expect(faultline('run', SCENARIO, '--history', 'h.out', '--format', 'edn').code).toBe(0);
    expect(readFileSync(join(dir, 'h.out'), 'utf8')).toMatch(/^; faultline: --model kv/);
    const bad = faultline('run', SCENARIO, '--history', 'h.out');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--history h\.out: name the format by the extension/);
    expect(existsSync(join(dir, 'h.out.tmp'))).toBe(false);
  });
});

describe('faultline check-history: exit codes', () => {
  const etcd = (n: string) => join(PORCUPINE_DATA, 'jepsen', `etcd_${n}.log`);

  it('0 linearizable, 1 not, 3 unknown when the budget runs out', () => {
    expect(faultline('check-history', etcd('002')).code).toBe(0);
    const bad = faultline('check-history', etcd('000'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('cannot come next');
    const quick = faultline('check-history', etcd('000'), '--no-explain');
    expect(quick.code).toBe(1);
    expect(quick.stdout).not.toContain('cannot come next');
    // Ten clients, 5 000 operations and a stale read: over a million search steps.
    const { events } = generateRegisterHistory({ seed: 1, clients: 10, operations: 5_000,
      impossibleRead: 0.5 });
    writeFileSync(join(dir, 'hard.jsonl'), events.map((e) => JSON.stringify(e)).join('\n'));
    const hard = ['check-history', 'hard.jsonl', '--model', 'register'];
    const unknown = faultline(...hard, '--budget', '0.000001');
    expect(unknown.stdout).toContain('ran out of time');
    expect(unknown.code).toBe(3);
    const small = faultline(...hard, '--memory', '1', '--json');
    expect(JSON.parse(small.stdout)).toMatchObject({ verdict: 'unknown', exhausted: 'memory' });
    expect(small.code).toBe(3);
    expect(faultline(...hard, '--memory', '1').stdout)
      .toContain('ran out of memory (1 MiB); --memory gives it more');
  });

  it.each([
    ['--budget abc', ['x.jsonl', '--budget', 'abc'], /^--budget: a positive number of seconds/],
    ['--budget -1', ['x.jsonl', '--budget', '-1'], /^--budget: a positive number/],
    ['--memory 0', ['x.jsonl', '--memory', '0'], /^--memory: a positive number of MiB/],
    ['no such file', ['missing.edn'], /^missing\.edn: cannot read \(no such file\)/],
    ['--model graph', ['x.jsonl', '--model', 'graph'], /--model/],
  ])('2 for bad options: %s', (_, args, message) => {
    writeFileSync(join(dir, 'x.jsonl'), '');
    const r = faultline('check-history', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it.each([
    ['nemesis info with a process number', 'n.edn',
      '[{:process 0, :type :invoke, :f :read, :value nil}\n{:process 3, :type :info, :f :kill}]',
      'n.edn:2: info kill by c3'],
    ['a process that invokes twice', 't.edn',
      '{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}',
      't.edn:2: process c0 invokes read while its read'],
    ['an operation the model lacks', 'o.edn', '{:process 0, :type :invoke, :f :enqueue}',
      'o.edn:1: c0 enqueue: the register model has read, write and cas'],
    ['numeric kv values', 'k.edn', '{:process 0, :type :invoke, :f :put, :key "a", :value 1}',
      "k.edn:1: c0 put: the kv model's values are strings"],
  ])('2 for bad input, located, no stack trace: %s', (_, file, text, message) => {
    writeFileSync(join(dir, file), text);
    const r = faultline('check-history', file);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('2 for a register history checked with the kv model', () => {
    const r = faultline('check-history', etcd('002'), '--model', 'kv');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/etcd_002\.log:1: c\d+ \w+: the kv model has get, put/);
  });
});
