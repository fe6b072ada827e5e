/**
 * The `faultline` command end to end, as a user runs it: the built CLI (with the toy protocol
 * registered, dist/test/toyCli.js) in a scratch directory. Exit codes 0/1/2, one JSON document
 * with `--json`, bad files reported with their place, traces and counterexamples that replay
 * with the same trace hash, and shards that split a campaign into disjoint parts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PORCUPINE_DATA } from '../support/data.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/test/toyCli.js');
let dir = '';

interface Result { code: number; stdout: string; stderr: string; json: () => any }

function faultline(...args: string[]): Result {
  const r = spawnSync(process.execPath, [cli, ...args],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr,
    json: () => JSON.parse(r.stdout) };
}

const TOY = `name: toy-one
description: One toy server, no faults.
protocol: toykv
nodes: 1
workload: { clients: 2, rate: 100/s, keys: 2 }
duration: 1s
seed: 7
`;

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, 'cli/build.mjs')],
    { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  dir = mkdtempSync(join(tmpdir(), 'faultline-cli-'));
  writeFileSync(join(dir, 'toy.yaml'), TOY);
  writeFileSync(join(dir, 'bug.yaml'),
    TOY.replace('nodes: 1', 'params: { bugs: [forget-writes] }\nnodes: 1'));
  writeFileSync(join(dir, 'bad.yaml'),
    TOY.replace('nodes: 1', 'nodes: 1\nnodez: 2').replace('seed: 7', 'seed: 1.5'));
}, 60_000);

describe('faultline run', () => {
  it('passes a good scenario with exit 0 and prints a summary', () => {
    const r = faultline('run', 'toy.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED {2}toy-one {2}\(toykv, seed 7\)/);
    expect(r.stdout).toMatch(/trace hash [0-9a-f]{16}/);
    expect(r.stdout).toContain('checked: served-something, linearizable');
  });

  it('prints one JSON document with --json', () => {
    const run = faultline('run', 'toy.yaml', '--json').json().runs[0];
    expect(run)
      .toMatchObject({ scenario: 'toy-one', seed: '7', outcome: 'passed', violations: [] });
    expect(run.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(run.metrics.operations).toBeGreaterThan(10);
    expect(run).toMatchObject({ checked: ['served-something', 'linearizable'], liveness: [],
      notChecked: [] });
  });

  it('lists what a run did not check, with the reason, in text and JSON', () => {
    writeFileSync(join(dir, 'some.yaml'), `${TOY}expect: { hold: [linearizable] }\n`);
    const r = faultline('run', 'some.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('checked: linearizable\n  not checked:\n' +
      '    served-something: not named in expect.hold');
    expect(faultline('run', 'some.yaml', '--json').json().runs[0].notChecked)
      .toEqual([{ name: 'served-something', reason: 'not named in expect.hold' }]);
  });

  it('rejects an empty hold list with exit 2 and its place: it would check nothing', () => {
    writeFileSync(join(dir, 'none.yaml'), `${TOY}expect: { hold: [] }\n`);
    const r = faultline('run', 'none.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/none\.yaml:8:\d+: expect\.hold: at least one property/);
    expect(r.stdout).toBe('');
  });

  it('exits 1 on a violation and explains it with time and event index', () => {
    const r = faultline('run', 'bug.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/violation: linearizable \(safety\) at [\d.]+m?s, event \d+/);
    const json = faultline('run', 'bug.yaml', '--json').json();
    expect(json.passed).toBe(false);
    expect(json.runs[0].violations[0].name).toBe('linearizable');
  });

  it('exits 2 on a bad file, reports every problem with its place and runs nothing', () => {
    const r = faultline('run', 'toy.yaml', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:5:1: nodez: unknown field "nodez"');
    expect(r.stderr).toContain('bad.yaml:8:7: seed: an integer seed (or a string), got 1.5');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = faultline('run', 'bad.yaml', '--json').json();
    expect(json.problems).toHaveLength(2);
    expect(json.problems[0]).toMatchObject({ file: 'bad.yaml', line: 5, column: 1, path: 'nodez' });
    expect(faultline('run', 'missing.yaml').stderr)
      .toContain('missing.yaml: cannot read (no such file)');
    expect(faultline('run').code).toBe(2);
    expect(faultline('frobnicate').code).toBe(2);
  });

  it('overrides the seed, checks determinism and writes a trace that replays', () => {
    const r = faultline('run', 'toy.yaml', '--seed', '99', '--check-determinism',
      '--trace', 'out.jsonl', '--json');
    const run = r.json().runs[0];
    expect(run.seed).toBe('99');
    expect(run.determinism.same).toBe(true);
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'faultline-trace', seed: '99' });
    expect(lines.length).toBe(run.events + 1);
    const replay = faultline('replay', 'out.jsonl', '--json');
    expect(replay.code).toBe(0);
    expect(replay.json())
      .toMatchObject({ reproduced: true, hash: run.hash, recordedHash: run.hash });
  });
});

describe('faultline fuzz', () => {
  it('finds a switched-on bug, shrinks it and writes a counterexample that replays', () => {
    const bug = ['fuzz', 'toykv', '--bug', 'forget-writes', '--runs', '5', '--seed', '1'];
    const r = faultline(...bug, '--json');
    expect(r.code, r.stderr).toBe(1);
    const json = r.json();
    expect(json.campaignSeed).toBe(1);
    const failure = json.failures[0];
    expect(failure.violated).toBe('linearizable');
    expect(failure.reproduced).toBe(true);
    expect(existsSync(join(dir, failure.file))).toBe(true);
    expect(failure.file).toMatch(/^counterexamples\/toykv-linearizable-\d+\.yaml$/);
    const rerun = faultline('run', failure.file, '--json');
    expect(rerun.code).toBe(1);
    expect(rerun.json().runs[0].hash).toBe(failure.hash);
    expect(faultline('replay', failure.file, '--json').json().reproduced).toBe(true);
    // Its history, written beside it, checks as the run did: not linearizable.
    expect(failure.history).toBe(failure.file.replace(/\.yaml$/, '.history.jsonl'));
    const history = faultline('check-history', failure.history, '--no-explain');
    expect(history.stdout).toMatch(/: not-linearizable \(jsonl, model kv/);
    expect(history.code).toBe(1);
    const text = faultline(...bug, '--out', 'ce');
    expect(text.stdout).toMatch(/violations: linearizable +1/);
    expect(text.stdout).toMatch(/replayed from the file: same trace hash/);
    const unshrunk = faultline(...bug, '--no-shrink', '--json').json();
    expect(unshrunk.failures[0])
      .toMatchObject({ shrinks: 0, reproduced: true, runSeed: failure.runSeed });
  });

  it('goes on past failures with --keep-going n, keeping distinct ones, safety first', () => {
    const r = faultline('fuzz', 'toykv', '--bug', 'forget-writes', '--runs', '12', '--seed', '3',
      '--keep-going', '3', '--shrink-runs', '20', '--out', 'kg', '--json');
    expect(r.code, r.stderr).toBe(1);
    const json = r.json();
    expect(json.failures.length).toBeGreaterThan(0);
    expect(json.failures.length).toBeLessThanOrEqual(3);
    const failed = json.stats.failures;
    const listed = json.failures.reduce((n: number, f: { repeats: number[] }) =>
      n + 1 + f.repeats.length, 0);
    // Every failing run is either listed or a repeat of a listed one, until the limit.
    expect(listed).toBeLessThanOrEqual(failed);
    expect(json.firstFailure.run).toBe(Math.min(...json.failures.map((f: any) => f.index)));
    expect(json.firstFailure.seconds).toBeGreaterThanOrEqual(0);
    const keys = json.failures.map((f: any) => `${f.violated}|${f.faultsAfter}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of json.failures) expect(typeof f.minimal).toBe('boolean');
  }, 120_000);

  it('finds the same failures, shrunk the same, whatever the number of workers', () => {
    const bug = ['fuzz', 'toykv', '--bug', 'forget-writes', '--runs', '16', '--seed', '3',
      '--shrink-runs', '20', '--json'];
    for (const more of [[], ['--keep-going']]) {
      const [one, three] = [1, 3].map((workers) => {
        const out = `w${workers}-${more.length}`;
        const r = faultline(...bug, ...more, '--workers', String(workers), '--out', out);
        expect(r.code, r.stderr).toBe(1);
        const json = r.json();
        const files = json.failures.map((f: { file: string }) =>
          readFileSync(join(dir, f.file), 'utf8').replaceAll(out, 'OUT'));
        const failures = json.failures.map(({ file: _f, history: _h, ...rest }: any) => rest);
        return { json, failures, files };
      });
      if (one === undefined || three === undefined) throw new Error('two campaigns');
      // One runner stops at the first failure; three pull ahead, but keep and count the same
      // runs. Going on, every later failure is a repeat of the first, listed in run order.
      expect(one.json.stats.runs).toBe(more.length === 0 ? 1 : 16);
      expect(one.failures).toHaveLength(1);
      if (more.length > 0) expect(one.failures[0].repeats.length).toBeGreaterThan(5);
      expect(three.failures).toEqual(one.failures);
      expect(three.files).toEqual(one.files);
      expect(three.json.stats).toEqual(one.json.stats);
      expect(three.json.seeds).toEqual(one.json.seeds);
      expect(three.json.firstFailure.run).toBe(one.json.firstFailure.run);
    }
  }, 120_000);

  it('prints the fault x phase matrix, and turns nemeses off with --no-nemesis', () => {
    const on = faultline('fuzz', 'toykv', '--runs', '4', '--seed', '1', '--keep-going',
      '--no-shrink');
    expect(on.stdout).toMatch(/nemesis on/);
    expect(on.stdout).toMatch(/coverage: faults by the phase they struck in \(\d+ of 9 cells\)/);
    expect(on.stdout).toMatch(/^idle +[\d.]/m);
    const off = faultline('fuzz', 'toykv', '--runs', '4', '--seed', '1', '--keep-going',
      '--no-shrink', '--no-nemesis', '--json').json();
    expect(off.nemesis).toBe(false);
    expect(off.stats.nemesis).toEqual({});
  }, 120_000);

  it('splits a campaign into disjoint shards whose union is the campaign', () => {
    const args = ['fuzz', 'toykv', '--runs', '9', '--seed', '5', '--duration', '200ms',
      '--keep-going', '--json'];
    const whole = faultline(...args).json();
    const shards = [1, 2, 3].map((i) => faultline(...args, '--shard', `${i}/3`).json());
    const indexes = shards.map((s) => s.seeds.map((x: { index: number }) => x.index));
    expect(indexes).toEqual([[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
    const union = shards.flatMap((s) => s.seeds).sort((a: any, b: any) => a.index - b.index);
    expect(union).toEqual(whole.seeds);
    const workers = faultline(...args, '--workers', '2').json();
    expect(workers.seeds).toEqual(whole.seeds);
    expect(workers.stats).toEqual(whole.stats);
  }, 120_000);

  it('varies the faults of a scenario file, runs for a time budget, and checks determinism', () => {
    const r = faultline('fuzz', 'toy.yaml', '--time', '1s', '--seed', '2', '--duration', '300ms',
      '--check-determinism', '--keep-going', '--no-shrink', '--json');
    expect([0, 1]).toContain(r.code);
    const json = r.json();
    expect(json.protocol).toBe('toykv');
    expect(json.stats.runs).toBeGreaterThan(0);
    expect(json.stats.violations.nondeterminism).toBeUndefined();
    expect(faultline('fuzz', 'toy.yaml', '--runs', '2', '--time', '1s').code).toBe(2);
  });

  it('rejects bad options with exit 2', () => {
    expect(faultline('fuzz', 'nope').code).toBe(2);
    expect(faultline('fuzz', 'toykv', '--shard', '4/3').stderr)
      .toContain('--shard: i/n with 1 <= i <= n');
    expect(faultline('fuzz', 'toykv', '--bug', 'nope').stderr).toContain('--bug: a bug of toykv');
    expect(faultline('fuzz', 'toykv', '--runs', '0').code).toBe(2);
  });
});

describe('--reporter junit=FILE and github', () => {
  it('run: one test case per scenario; a failure with its property, explanation and rerun', () => {
    const r = faultline('run', 'toy.yaml', 'bug.yaml', '--reporter', 'junit=run.xml',
      '--reporter', 'github');
    expect(r.code).toBe(1);
    const xml = readFileSync(join(dir, 'run.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml).toMatch(/<testsuite name="faultline run" tests="2" failures="1" errors="0"/);
    expect(xml).toMatch(/<testcase name="toy-one" classname="faultline.run.toykv" time="[\d.]+"\/>/);
    expect(xml).toMatch(/<failure type="linearizable" message="linearizable violated at \d+/);
    expect(xml).toContain('rerun: faultline run bug.yaml --seed 7</failure>');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    expect(annotation).toMatch(/^::error file=bug\.yaml,line=\d+,title=toy-one%3A linearizable::/);
    expect(annotation).toContain('%0Arerun%3A faultline run bug.yaml --seed 7'.replace('%3A', ':'));
    expect(r.stdout.match(/^::error /gm)).toHaveLength(1);
  });

  it('fuzz: one test case per campaign, each counterexample a failure at its file', () => {
    const r = faultline('fuzz', 'toykv', '--bug', 'forget-writes', '--runs', '5', '--seed', '1',
      '--out', 'rep', '--reporter', 'junit=fuzz.xml', '--reporter', 'github', '--json');
    expect(r.code).toBe(1);
    const failure = r.json().failures[0];
    const xml = readFileSync(join(dir, 'fuzz.xml'), 'utf8');
    expect(xml).toMatch(/<testcase name="fuzz toykv \(campaign seed 1, shard 1\/1\)"/);
    expect(xml).toContain(`file="${failure.file}"`);
    expect(xml).toContain(`rerun: faultline run ${failure.file}`);
    // With --json, stdout is one JSON document; the annotations go to stderr.
    expect(r.stderr).toContain(`::error file=${failure.file},line=1,title=`);
    // The toy keeps its data in memory, so only blind schedules (no nemesis) leave it correct.
    const clean = faultline('fuzz', 'toykv', '--runs', '3', '--seed', '1', '--no-nemesis',
      '--reporter', 'junit=clean.xml');
    expect(clean.code).toBe(0);
    expect(readFileSync(join(dir, 'clean.xml'), 'utf8')).toMatch(/tests="1" failures="0"/);
  });

  it('rejects a reporter it does not know before running anything', () => {
    const r = faultline('run', 'toy.yaml', '--reporter', 'tap');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/expected junit=FILE or github, got "tap"/);
    expect(r.stdout).toBe('');
  });
});

describe('faultline list, check-history and the default', () => {
  it('lists protocols with their bugs', () => {
    const json = faultline('list', '--json').json();
    const toy = json.protocols.find((p: { name: string }) => p.name === 'toykv');
    expect(toy.bugs[0].name).toBe('forget-writes');
    expect(faultline('list').stdout).toContain('bug forget-writes: drops every third put');
    // A parameter shows the values it allows.
    expect(faultline('list').stdout).toContain('param bugs (array of forget-writes, default [])');
  });

  it('checks a history file and names the operations that cannot be ordered', () => {
    const ev = (i: number, type: string, p: string, f: string, value: unknown, time: number) =>
      JSON.stringify({ index: i, type, process: p, f, key: 'x', value, time });
    const put = [ev(0, 'invoke', 'c1', 'put', '1', 0), ev(1, 'ok', 'c1', 'put', null, 1)];
    writeFileSync(join(dir, 'good.jsonl'), [...put, ev(2, 'invoke', 'c2', 'get', null, 2),
      ev(3, 'ok', 'c2', 'get', '1', 3)].join('\n'));
    writeFileSync(join(dir, 'stale.jsonl'), [...put, ev(2, 'invoke', 'c2', 'get', null, 2),
      ev(3, 'ok', 'c2', 'get', null, 3)].join('\n'));
    expect(faultline('check-history', 'good.jsonl').code).toBe(0);
    const bad = faultline('check-history', 'stale.jsonl');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('not-linearizable');
    expect(bad.stdout).toContain('cannot come next');
    expect(faultline('check-history', 'stale.jsonl', '--json').json().violation.operations.length)
      .toBe(2);
    expect(faultline('check-history', 'good.jsonl', '--model', 'graph').code).toBe(2);
    writeFileSync(join(dir, 'junk.jsonl'), 'hello\n');
    expect(faultline('check-history', 'junk.jsonl').stderr).toMatch(/^junk.jsonl:1: /);
  });

  const porcupine = join(PORCUPINE_DATA, 'kv');
  it('agrees with Porcupine on its Jepsen kv histories', () => {
    expect(faultline('check-history', join(porcupine, 'c01-ok.txt')).code).toBe(0);
    const bad = faultline('check-history', join(porcupine, 'c01-bad.txt'), '--json');
    expect(bad.code).toBe(1);
    expect(bad.json())
      .toMatchObject({ format: 'jepsen-edn', model: 'kv', verdict: 'not-linearizable' });
  });

  it('runs the default scenario, or prints help when there is none, with no arguments', () => {
    const r = faultline();
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    expect(r.stdout).toMatch(/PASSED|FAILED|Usage: faultline/);
  });

  it('prints the package version with --version and -V', () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as
      { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = faultline(flag);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });
});
