/**
 * The history readers never crash: real files of every format (a Porcupine etcd log and kv
 * file, a Knossos-format EDN file, a JSON Lines history from a run), mutated by fast-check
 * (lines deleted, duplicated, swapped, cut short; spans replaced by nasty tokens), checked as
 * `faultline check-history` checks them. Every input gets a verdict or a `HistoryFormatError`
 * with a line inside the file; anything else (a TypeError, a stack trace) fails the test.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistoryText } from '../../sim/check/historyCheck.js';
import { HistoryFormatError } from '../../sim/check/historyFormatError.js';
import { writeHistory } from '../../sim/check/historyWrite.js';
import { loadScenario, runSpec } from '../../runner/index.js';
import { PORCUPINE_DATA } from '../support/data.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(path, 'utf8');

/** A history from a real run, cut to its first 120 events so each check stays quick. */
function runHistory(format: 'jsonl' | 'edn'): string {
  const file = join(root, 'scenarios/paxos/progress-after-heal.yaml');
  const report = runSpec(loadScenario(read(file), file).spec, { trace: 'off' });
  return writeHistory(report.history.slice(0, 120), format, { name: 'kv' });
}

const SOURCES: Record<string, string> = {
  'etcd_000.log': read(join(PORCUPINE_DATA, 'jepsen/etcd_000.log')),
  'c01-bad.txt': read(join(PORCUPINE_DATA, 'kv/c01-bad.txt')),
  'nemesis.edn': read(join(root, 'test/data/knossos-format/good/nemesis-list-and-times.edn')),
  'run.jsonl': runHistory('jsonl'),
  'run.edn': runHistory('edn'),
};

const NASTY = ['', ' ', '{', '}', '[', ']', '(', ')', '"', '\\', ';', '#_', '#{', '#inst "x"',
  ':', 'nil', '-1', '1e400', '99999999999999999999N', '1.5M', ':nemesis', ':invoke', ':ok',
  ':fail', ':info', '"\\u12"', '{"type":"ok"}', 'null', 'NaN', ':process', ':value [1 2',
  'INFO  jepsen.util - 1\t:ok\t:read\t3', '\n', '\t', ',', '\u0000', '💥'];

/** One mutation of a text, by lines or by characters. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), length: fc.nat({ max: 6 }),
    with: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 6 })) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case 'delete':
      return lines.filter((_, i) => i !== line).join('\n');
    case 'duplicate':
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
    case 'swap': {
      const other = m.to % Math.max(1, lines.length);
      const copy = [...lines];
      [copy[line], copy[other]] = [lines[other] ?? '', lines[line] ?? ''];
      return copy.join('\n');
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'replace': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.with + text.slice(at + m.length);
    }
  }
}

/** Checks a text; returns the verdict or 'rejected', and fails the test on anything else. */
function judge(text: string, file: string): string {
  try {
    const { result } = checkHistoryText(text, file,
      { explain: false, timeBudgetMs: 2_000, now: () => performance.now() });
    return result.verdict;
  } catch (error) {
    if (!(error instanceof HistoryFormatError)) throw error;
    expect(error.file).toBe(file);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(text.split('\n').length + 1);
    expect(error.detail.length).toBeGreaterThan(5);
    // No stack frame (`at fn (file:1:2)`), no `undefined` where a value should be, no object
    // printed as such; the message may quote the user's text, so words alone prove nothing.
    expect(error.message)
      .not.toMatch(/\bat \S+ \([^()]*:\d+:\d+\)|: undefined\b|^undefined|\[object Object\]/);
    return 'rejected';
  }
}

describe('history readers under mutation', () => {
  it.each(Object.keys(SOURCES))('%s unmutated gets a verdict', (file) => {
    expect(judge(SOURCES[file] as string, file)).not.toBe('rejected');
  });

  it.each(Object.keys(SOURCES))('%s mutated: a verdict or a located error', (file) => {
    const seen = new Set<string>();
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const text = mutations.reduce(apply, SOURCES[file] as string);
      seen.add(judge(text, file));
    }), { numRuns: 150, seed: 17 });
    // The mutations reach both outcomes, so the property is not passing on one side only.
    expect(seen.has('rejected')).toBe(true);
    expect([...seen].some((s) => s !== 'rejected')).toBe(true);
  });
});
