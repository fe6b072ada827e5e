/**
 * Trace and scenario content is data: no source file of the visualizer may turn a string
 * into markup or code (innerHTML, outerHTML, insertAdjacentHTML, document.write, d3's
 * `.html()`, eval, new Function). Text goes in through textContent, SVG `.text()` or canvas
 * fillText; the browser tests check the same with hostile files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BANNED: readonly [RegExp, string][] = [
  [/\b(innerHTML|outerHTML)\b/, 'innerHTML/outerHTML'],
  [/\binsertAdjacentHTML\b/, 'insertAdjacentHTML'],
  [/\bdocument\.write(ln)?\b/, 'document.write'],
  [/\.html\s*\(/, "d3's .html()"],
  [/\beval\s*\(/, 'eval'],
  [/\bnew\s+Function\b/, 'new Function'],
  [/\bsrcdoc\b/, 'srcdoc'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|html)$/.test(name) ? [path] : [];
  });
}

describe('viz: safety', () => {
  it('no visualizer source turns strings into markup or code', () => {
    const problems = [...files('viz/src'), 'viz/index.html'].flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, i) => BANNED
        .filter(([pattern]) => !/^\s*(\*|\/\*|\/\/)/.test(line) &&
          pattern.test(line.replace(/\/\/.*$/, '')))
        .map(([, what]) => `${file}:${i + 1}: ${what}`)));
    expect(problems).toEqual([]);
  });
});
