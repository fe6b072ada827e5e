/**
 * scenarios/schema.json flags what the CLI flags. Every bundled scenario, a few good
 * variants and a set of bad files go through a JSON Schema validator (ajv, draft 2020-12, as
 * editors' YAML language server uses) and through the CLI's own checks (the loader, then the
 * protocol's parameters and properties, as `faultline run` does before anything runs); the
 * two must agree on each. The bad files also go through the built CLI: exit 2.
 *
 * Left out on purpose: what JSON Schema cannot compare across fields (a node id beyond
 * `nodes`, a fault after `duration`), which only the loader can flag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario, prepareRun } from '../../runner/index.js';
import { isComparisonText, loadComparison } from '../../runner/compare/index.js';

const root = resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(join(root, 'scenarios/schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function find(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return find(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/** Whether the editor's validator accepts the text. */
const schemaAccepts = (text: string): boolean => validate(parse(text)) === true;

/** Whether the CLI accepts the text as input: it loads and its run can be prepared. */
function cliAccepts(text: string, file: string): boolean {
  try {
    if (isComparisonText(text)) loadComparison(text, file);
    else prepareRun(loadScenario(text, file).spec);
    return true;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ScenarioError' || name === 'ConfigError') return false;
    throw error;
  }
}

const BASE = readFileSync(join(root, 'scenarios/raft/leader-failure.yaml'), 'utf8');
const edit = (from: string | RegExp, to: string) => {
  const text = BASE.replace(from, to);
  expect(text).not.toBe(BASE);
  return text;
};

const BAD: Record<string, string> = {
  'a loss above 1': edit('network: { latency', 'network: { loss: 1.5, latency'),
  'a negative fault time': edit('{ at: 1s, crash: n1 }', '{ at: "-1s", crash: n1 }'),
  'a protocol that does not exist': edit('protocol: raft', 'protocol: raftt'),
  'a parameter that is not a duration': edit('params: {}', 'params: { heartbeat: fast }'),
  'a bug the protocol does not have': edit('params: {}', 'params: { bugs: [no-such-bug] }'),
  'a parameter the protocol does not have': edit('params: {}', 'params: { speed: 3 }'),
  'a parameter of another protocol': edit('params: {}', 'params: { leaderTimeout: [1ms, 2ms] }'),
  'a property misspelt': edit('expect:\n', 'expect:\n  hold: [linearisable]\n'),
  'a property of another protocol': edit('expect:\n', 'expect:\n  hold: [agreement]\n'),
  'a liveness check that does not exist': edit('settle: 2s }', 'settle: 2s, checks: [done] }'),
  'a duration without a unit': edit('duration: 5s', 'duration: 5 seconds'),
  'no nodes': edit('nodes: 3', 'nodes: 0'),
  'a fractional seed': edit('seed: 1', 'seed: 1.5'),
  'a name that is not kebab-case': edit('name: raft-leader-failure', 'name: Raft Demo'),
  'an unknown field': edit('nodes: 3', 'nodes: 3\nnodez: 3'),
  'a mix weight above 1': edit('get: 0.3', 'get: 2'),
  'a drift beyond 500000 ppm': edit('faults:', 'clocks: { n1: { drift: 900000 } }\nfaults:'),
  'a negative timeout': edit('timeout: 300ms', 'timeout: "-300ms"'),
};

const GOOD: Record<string, string> = {
  'a negative clock offset': edit('faults:', 'clocks: { n1: { offset: "-5ms" } }\nfaults:'),
  'a duration in whole µs': edit('duration: 5s', 'duration: 5000000'),
  'every raft property held': edit('expect:\n', 'expect:\n  hold: [election-safety, linearizable]\n'),
  'a bug switch and a duration range': edit('params: {}',
    'params: { bugs: [commit-previous-term], electionTimeout: [150ms, 300ms] }'),
};

describe('scenarios/schema.json agrees with the CLI', () => {
  const bundled = find(join(root, 'scenarios')).filter((f) => !f.endsWith('schema.json'));

  it('has enums for protocols, bugs and properties, discriminated by protocol', () => {
    expect(schema.properties.protocol.enum).toContain('raft');
    const raft = schema.allOf.find((b: any) => b.if.properties.protocol.const === 'raft');
    expect(raft.then.properties.params.properties.bugs.items.enum)
      .toContain('commit-previous-term');
    expect(raft.then.properties.expect.properties.hold.items.enum).toContain('linearizable');
    expect(raft.then.properties.params.additionalProperties).toBe(false);
  });

  it.each(bundled.map((f) => f.slice(root.length + 1)))('accepts %s, as the CLI does', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(cliAccepts(text, file)).toBe(true);
    expect(schemaAccepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(Object.keys(GOOD))('accepts %s, as the CLI does', (name) => {
    const text = GOOD[name] as string;
    expect(cliAccepts(text, 'good.yaml')).toBe(true);
    expect(schemaAccepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(Object.keys(BAD))('rejects %s, as the CLI does', (name) => {
    const text = BAD[name] as string;
    expect(cliAccepts(text, 'bad.yaml')).toBe(false);
    expect(schemaAccepts(text)).toBe(false);
  });

  it('the built CLI exits 2 on every bad file, with its place', () => {
    const cli = join(root, 'dist/cli/faultline.js');
    if (!existsSync(cli)) {
      expect(spawnSync(process.execPath, [join(root, 'cli/build.mjs')], { cwd: root }).status)
        .toBe(0);
    }
    const dir = mkdtempSync(join(tmpdir(), 'faultline-schema-'));
    for (const [i, text] of Object.values(BAD).entries()) {
      writeFileSync(join(dir, `bad-${i}.yaml`), text);
      const r = spawnSync(process.execPath, [cli, 'run', `bad-${i}.yaml`],
        { cwd: dir, encoding: 'utf8' });
      expect(r.status, `${Object.keys(BAD)[i]}: ${r.stdout}`).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^bad-${i}\\.yaml:\\d+:\\d+: `));
    }
  });
});
