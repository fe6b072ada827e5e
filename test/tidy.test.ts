/**
 * Tidy (TigerBeetle's tidy.zig): sim/ and protocols/ must not touch real time or real chance,
 * or a seed would no longer fix a run. This test reads every source file there and fails on
 * Math.random, Date.now, new Date(), performance.now, setTimeout/setInterval/setImmediate,
 * crypto randomness, async code (handlers run to completion) and a leftover FIXME.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const BANNED: readonly [RegExp, string][] = [
  [/\bMath\.random\b/, 'Math.random (use the node\'s prng)'],
  [/\bDate\.now\b/, 'Date.now (use ctx.now())'],
  [/\bnew Date\s*\(/, 'new Date() (real time)'],
  [/\bperformance\.now\b/, 'performance.now (real time)'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'real timers (use ctx.setTimer)'],
  [/\b(getRandomValues|randomUUID|randomBytes|randomInt)\b/, 'crypto randomness'],
  [/['"](node:)?crypto['"]/, 'the crypto module'],
  [/\basync\s+(function|\(|[a-zA-Z_$]+\s*\()|\bawait\s/, 'async code (handlers run to completion)'],
  [/\bFIXME\b/, 'FIXME left on main'],
];

/** Banned uses in one file's text, as `file:line: what`; comments are skipped. */
export function tidyProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/^\s*(\*|\/\*)/.test(code) && !/FIXME/.test(code)) return;
    for (const [pattern, what] of BANNED) {
      if (pattern.test(code) || (what.startsWith('FIXME') && pattern.test(line))) {
        problems.push(`${file}:${i + 1}: ${what}`);
      }
    }
  });
  return problems;
}

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sources(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('tidy', () => {
  it('finds no real time, real randomness or async code in sim/ and protocols/', () => {
    const root = process.cwd();
    const files = ['sim', 'protocols'].flatMap((d) => sources(join(root, d)));
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((f) => tidyProblems(relative(root, f), readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('catches each banned use (the scanner itself works)', () => {
    const bad = [
      'const x = Math.random();', 'const t = Date.now();', 'const d = new Date();',
      'performance.now()', 'setTimeout(f, 1)', 'setInterval(f, 1)', 'crypto.getRandomValues(a)',
      "import { randomUUID } from 'node:crypto';", 'async function f() {}', '  await x;',
      '// FIXME: later',
    ];
    for (const line of bad) expect(tidyProblems('x.ts', line), line).not.toEqual([]);
    expect(tidyProblems('x.ts', 'const ok = ctx.now(); // not Date.now')).toEqual([]);
  });
});
