/**
 * CLI start to first output, measured on the built command as a user runs it: spawn
 * `faultline --help` until its first byte on stdout (goal at most 150 ms), best of several,
 * beside a bare `node -e` measured the same way (on a loaded machine the baseline shows how
 * much of the figure is Node's own start). Fuzz throughput is bench/fuzz.ts's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './row.js';

const cli = fileURLToPath(new URL('../cli/faultline.js', import.meta.url));

function firstOutputMs(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => resolve(Number(process.hrtime.bigint() - start) / 1e6));
    child.on('error', reject);
  });
}

/** The CLI suite. */
export async function cliBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let best = Infinity;
  let node = Infinity;
  for (let i = 0; i < 7; i++) {
    node = Math.min(node, await firstOutputMs(['-e', 'console.log(1)']));
    best = Math.min(best, await firstOutputMs([cli, '--help']));
  }
  rows.push({ name: 'node start to first output (baseline)', value: node, unit: 'ms' });
  rows.push({ name: 'cli start to first output (faultline --help)', value: best, unit: 'ms',
    baseline: 'node start to first output (baseline)', ratio: best / node, goal: '<= 150 ms' });
  return rows;
}
