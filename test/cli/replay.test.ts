/**
 * `faultline replay` trusts nothing in a trace file (issue 18): it used to say "reproduced"
 * for a trace of version 2, null or none, crash with a TypeError on a null record, a null tag,
 * `["x"]` or `"nodes": 3`, accept records that are not objects, and run with seed "undefined"
 * when the header had none. Each is now exit 2 at `file:line:column`, checked with the schema
 * the visualizer reads with, and nothing runs; a good trace still reproduces.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/faultline.js');
let dir = '';
let lines: string[] = [];

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  expect(existsSync(cli), 'npm run build first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'faultline-replay-'));
  writeFileSync(join(dir, 'paxos.yaml'), readFileSync(join(root,
    'scenarios/paxos/acceptor-crash-restart.yaml'), 'utf8'));
  const r = faultline('run', 'paxos.yaml', '--trace', 'good.jsonl');
  expect(r.code, r.stderr).toBe(0);
  lines = readFileSync(join(dir, 'good.jsonl'), 'utf8').trimEnd().split('\n');
});

/** Replays the good trace with `edit` applied to its lines. */
function replayEdited(edit: (lines: string[]) => string[]): { code: number; text: string } {
  writeFileSync(join(dir, 'bad.jsonl'), `${edit([...lines]).join('\n')}\n`);
  const r = faultline('replay', 'bad.jsonl');
  expect(r.stderr).not.toMatch(/\n\s+at |TypeError/);
  return { code: r.code, text: r.stderr + r.stdout };
}

const header = (patch: (h: Record<string, unknown>) => void) => (l: string[]): string[] => {
  const h = JSON.parse(l[0] as string) as Record<string, unknown>;
  patch(h);
  return [JSON.stringify(h), ...l.slice(1)];
};
const record = (n: number, text: string) => (l: string[]): string[] => {
  l[n] = text;
  return l;
};

describe('faultline replay of a trace', () => {
  it('reproduces a good trace', () => {
    const r = faultline('replay', 'good.jsonl');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('reproduced: trace hash');
  });

  it.each([
    ['version 2', header((h) => { h.version = 2; }),
      /^bad\.jsonl:1:\d+: trace format version 2 is/],
    ['version null', header((h) => { h.version = null; }),
      /^bad\.jsonl:1:\d+: trace format version null/],
    ['no version', header((h) => { delete h.version; }),
      /^bad\.jsonl:1:1: trace format version missing/],
    ['no seed', header((h) => { delete h.seed; }), /^bad\.jsonl:1:1: "seed": the run's seed/],
    ['nodes: 3', header((h) => { h.nodes = 3; }), /^bad\.jsonl:1:\d+: "nodes" must be a list/],
    ['no scenario', header((h) => { delete h.meta; }),
      /^bad\.jsonl:1:1: the header carries no scenario/],
    ['other nodes', header((h) => { h.nodes = ['n1', 'n2']; }),
      /^bad\.jsonl:1:1: the header's nodes/],
    ['a null record', record(3, 'null'), /^bad\.jsonl:4:1: expected a record object/],
    ['the number 42', record(3, '42'), /^bad\.jsonl:4:1: expected a record object/],
    ['a string', record(3, '"str"'), /^bad\.jsonl:4:1: expected a record object/],
    ['an empty list', record(3, '[]'), /^bad\.jsonl:4:1: expected a record object/],
    ['["x"]', record(3, '["x"]'), /^bad\.jsonl:4:1: expected a record object/],
    ['tag null', (l: string[]) => l.map((line, i) => i === 0 || !line.includes('"tag"') ? line
      : line.replace(/"tag":"[^"]*"/, '"tag":null')),
      /^bad\.jsonl:\d+:\d+: "tag" must be a string/],
    ['a cut line', (l: string[]) => record(3, (l[3] ?? '').slice(0, 20))(l),
      /^bad\.jsonl:4:21: not JSON/],
    ['a blank line inside', (l: string[]) => [...l.slice(0, 3), '', ...l.slice(3)],
      /^bad\.jsonl:4:1: not JSON: expected a value/],
    ['a line missing', (l: string[]) => [...l.slice(0, 3), ...l.slice(4)],
      /^bad\.jsonl:4:\d+: "i": record 2 comes here, got 3/],
  ])('refuses %s with exit 2 at its line and column', (_name, edit, message) => {
    const r = replayEdited(edit);
    expect(r.code, r.text).toBe(2);
    expect(r.text).toMatch(message);
  });

  it('says NOT reproduced, exit 1, for a valid trace of another run', () => {
    const r = replayEdited((l) => l.map((line, i) => i === 0 ? line
      : line.replace(/"tag":"Accept"/, '"tag":"Accepted"')));
    expect(r.code, r.text).toBe(1);
    expect(r.text).toContain('NOT reproduced');
  });
});
