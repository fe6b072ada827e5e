/**
 * The loader never crashes or hangs: random text, random YAML values, a good file with
 * random edits (wrong types, huge and negative numbers, deleted and duplicated lines), deep
 * nesting, anchors and aliases, and every bundled scenario mutated as a careless or hostile
 * user would (runner/mutate.ts). Every input either loads or throws a `ScenarioError` whose
 * problems all have a line, a column and a message; a mutated scenario that loads runs to a
 * verdict under small limits; and the heap stays under 1 GiB throughout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec, ScenarioError } from '../../runner/index.js';
import { mutatedYaml } from '../../runner/mutate.js';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { nodeWatchdog } from '../../cli/watchdog.js';
import type { RunLimits } from '../../runner/limits.js';
import { toyKv } from '../support/toyKv.js';

const registry = { toykv: toyKv };
const GOOD = `name: toy
protocol: toykv
nodes: 1
network: { latency: { dist: uniform, min: 1ms, max: 2ms }, loss: 0.1 }
clocks: { n1: { offset: 1ms, drift: 10 } }
workload: { clients: 2, rate: 100/s, keys: 2, mix: { get: 0.5 } }
faults:
  - { at: 1s, crash: n1 }
  - { at: 1.5s, restart: n1 }
  - { at: 1s, link: { from: n1, to: c1, loss: 0.2 } }
  - { at: 1s, clock: { node: n1, jump: -5ms } }
duration: 2s
seed: 3
expect: { hold: [linearizable], liveness: { settle: 100ms } }
`;

/** Loads `text`; returns 'ok' or 'rejected', and fails the test on any other outcome. */
function judge(text: string, known: Readonly<Record<string, AnyProtocol>> = registry):
  'ok' | 'rejected' {
  const start = performance.now();
  try {
    loadScenario(text, 'fuzz.yaml', known);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const p of error.problems) {
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.column).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(3);
      // No stack frame (`at fn (file:1:2)`), and no `undefined` where a value should be; the
      // message may quote the user's text, so words alone prove nothing.
      expect(p.message).not.toMatch(/\bat \S+ \([^()]*:\d+:\d+\)|: undefined\b|^undefined/);
    }
    return 'rejected';
  } finally {
    expect(performance.now() - start).toBeLessThan(10_000);
  }
}

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(-1, -1e300, 1e308, 1e400, 0.5, '-5ms', '1e9s', '.inf', '.nan', '~',
    'n99', '*alias', '&a x', '[[[[', '{', '- -', '"unterminated', '0x10', '1_000', '!!binary AA==',
    '99999999999999999999999', '1.5/s', 'NaN', '', ' '),
);

const lines = GOOD.trimEnd().split('\n');

describe('loader robustness', () => {
  it('always answers random text with a clear error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
      expect(judge(text)).toBe('rejected');
    }), { numRuns: 300, seed: 1 });
  });

  it('answers any YAML value, and a scenario with one field replaced, without crashing', () => {
    fc.assert(fc.property(fc.anything(), (value) => {
      judge(String(stringify(value) ?? ""));
    }), { numRuns: 200, seed: 2 });
    const how = fc.constantFrom('replace', 'delete', 'dup');
    fc.assert(fc.property(fc.nat(lines.length - 1), nasty, how,
      (i, value, how) => {
        const copy = [...lines];
        const line = copy[i] as string;
        const key = line.split(':')[0] as string;
        if (how === 'delete') copy.splice(i, 1);
        else if (how === 'dup') copy.splice(i, 0, line);
        else copy[i] = `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
        judge(copy.join('\n'));
      }), { numRuns: 400, seed: 3 });
  });

  it('bounds deep nesting, huge documents and alias expansion', () => {
    expect(judge(`name: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`)).toBe('rejected');
    expect(() => loadScenario(`name: ${'['.repeat(5_000)}`, 'f.yaml', registry))
      .toThrow(/deeply|syntax/);
    expect(judge(`params: ${'{a: '.repeat(2_000)}1${'}'.repeat(2_000)}\n`)).toBe('rejected');
    expect(judge(`${GOOD}x: [${'1, '.repeat(20_000)}1]\n`)).toBe('rejected');
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) {
      const p = String.fromCharCode(96 + i);
      const q = String.fromCharCode(97 + i);
      laughs.push(`${q}: &${q} [${Array(9).fill(`*${p}`).join(', ')}]`);
    }
    expect(judge(laughs.join('\n'))).toBe('rejected');
    expect(judge(GOOD.replace('seed: 3', 'seed: &s 3\nties: *s'))).toBe('rejected');
    expect(judge(GOOD)).toBe('ok');
  });

  it('answers every bundled scenario, mutated, with a located error or a verdict', () => {
    const files = bundled('scenarios');
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const seen = { ok: 0, rejected: 0 };
    let heap = 0;
    const arb = fc.nat(texts.length - 1).chain((i) =>
      mutatedYaml(texts[i] as string, texts).map((text) => text));
    fc.assert(fc.property(arb, (text) => {
      const verdict = judge(text, protocols);
      seen[verdict]++;
      if (verdict === 'ok') {
        const watchdog = (limits: RunLimits) => nodeWatchdog({ ...limits, timeMs: 5_000 });
        const report = runSpec(loadScenario(text, 'fuzz.yaml').spec,
          { maxEvents: 20_000, checkMaxSteps: 100_000, watchdog });
        expect(typeof report.passed).toBe('boolean');
      }
      heap = Math.max(heap, process.memoryUsage().heapUsed);
    }), { numRuns: 300, seed: 4 });
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.rejected).toBeGreaterThan(100);
    expect(heap).toBeLessThan(2 ** 30);
  }, 120_000);
});

function bundled(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return bundled(path);
    return entry.endsWith('.yaml') ? [path] : [];
  });
}
