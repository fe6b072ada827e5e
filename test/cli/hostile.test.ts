/**
 * `npm run hostile` (cli/hostile.ts) with a small count, so the script cannot rot: mutated
 * scenarios and traces through the built CLI, every one a located error or a verdict, no
 * stack trace, no out-of-memory death, no leftover file. The full run (1000 scenarios, 200
 * traces) is `npm run hostile`; its figures are in the commit that added it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(resolve(import.meta.dirname, '../..'), 'dist/cli/hostile.js');

describe('npm run hostile', () => {
  it.skipIf(!existsSync(script))('finds no stack trace, death or leftover in a small run', () => {
    const r = spawnSync(process.execPath, [script, '--scenarios', '10', '--traces', '4',
      '--seed', '3', '--json'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { summary: Record<string, number>;
      sections: Record<string, { verdict: string }[] | null> };
    expect(json.summary).toEqual({ stackTraces: 0, outOfMemory: 0, leftoverFiles: 0,
      unlocatedErrors: 0, killed: 0, outlived: 0 });
    expect(json.sections['mutated scenarios']).toHaveLength(10);
    expect(json.sections['mutated traces']).toHaveLength(4);
    expect(json.sections['mutated histories']).toBeNull();
    const verdicts = new Set(json.sections['mutated scenarios']?.map((o) => o.verdict));
    expect(verdicts.has('located error')).toBe(true);
  }, 300_000);
});
