/**
 * The README's example outputs are what the commands print today: every marked example
 * (cli/readmeExamples.ts) is run with the built CLI and must equal the README's text. When a
 * change moves an output (the fuzzer finds a bug at another run, a report gains a line), this
 * fails until `npm run readme` regenerates them. A second test shows the check can fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { updateExamples } from '../cli/readmeExamples.js';
import { expandFiles, updateTables } from '../cli/readmeTables.js';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/faultline.js'))) {
    expect(spawnSync(process.execPath, [join(root, 'cli/build.mjs')], { cwd: root }).status)
      .toBe(0);
  }
});

describe('README examples', () => {
  it('has the examples marked for generation', () => {
    expect(readme.match(/<!-- readme-example:/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('match what the commands print today (else run `npm run readme`)', () => {
    const current = updateExamples(readme, root);
    const drifted = readme.split('\n').flatMap((line, i) =>
      line === current.split('\n')[i] ? [] : [`README.md:${i + 1}: ${line}`]);
    expect(drifted, 'README.md example outputs drifted from real runs: run `npm run readme` ' +
      'and commit the result').toEqual([]);
    expect(current).toBe(readme);
  }, 300_000);

  it('notices a drifted output', () => {
    // The first example alone, with its trace hash changed as a protocol change would.
    const block = /<!-- readme-example:[^\n]*\n```\n[\s\S]*?\n```/.exec(readme)?.[0] ?? '';
    expect(block).toContain('$ faultline run');
    const stale = block.replace(/trace hash [0-9a-f]{16}/, 'trace hash 0000000000000000');
    expect(stale).not.toBe(block);
    expect(updateExamples(stale, root)).toBe(block);
    expect(() => updateExamples('<!-- readme-example: -->\n```\nls\n```', root))
      .toThrow(/needs a fence and a `\$ faultline …` line/);
  });
});

describe('protocol README scenario tables', () => {
  const readmes = readdirSync(join(root, 'protocols')).map((p) => `protocols/${p}/README.md`)
    .filter((path) => existsSync(join(root, path)) &&
      readFileSync(join(root, path), 'utf8').includes('<!-- scenario-table:'));

  it.each(readmes)('%s: its tables are what the scenarios give today (else `npm run readme`)',
    (path) => {
      const text = readFileSync(join(root, path), 'utf8');
      expect(updateTables(text, root), `${path} drifted: run \`npm run readme\``).toBe(text);
    }, 300_000);

  it('notices a drifted figure and expands file patterns', () => {
    const block = '<!-- scenario-table: files=scenarios/balancer/crash-ring.yaml metrics=x,y -->' +
      '\nstale\n<!-- /scenario-table -->';
    const table = updateTables(block, root, () => ({ outcome: 'passed', metrics: { x: 1 } }));
    expect(table).toContain(
      '| [crash-ring](../../scenarios/balancer/crash-ring.yaml) | passed | 1 | - |');
    expect(updateTables(table, root, () => ({ outcome: 'passed', metrics: { x: 2 } })))
      .not.toBe(table);
    expect(expandFiles(['scenarios/balancer/crash-r*.yaml'], root)).toEqual([
      'scenarios/balancer/crash-random.yaml', 'scenarios/balancer/crash-ring.yaml',
      'scenarios/balancer/crash-round-robin.yaml']);
  });
});

