/**
 * CLI benchmarks, measured on the built command as a user runs it:
 * - fuzz throughput on Raft (5 servers, 10 simulated seconds per run, no shrinking) with one
 *   and with two worker threads, and the scaling ratio (goal at least 1.8x on two free cores);
 * - CLI start to first output: spawn `faultline --help` until its first byte on stdout
 *   (goal at most 150 ms), best of several, beside a bare `node -e` measured the same way (on a
 *   loaded machine the baseline shows how much of the figure is Node's own start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocols } from '../protocols/index.js';
import type { BenchRow } from './row.js';

const cli = fileURLToPath(new URL('../cli/faultline.js', import.meta.url));

function fuzzRate(workers: number, runs: number, out: string): number {
  const r = spawnSync(process.execPath, [cli, 'fuzz', 'raft', '--nodes', '5', '--duration', '10s',
    '--runs', String(runs), '--seed', '7', '--workers', String(workers), '--no-shrink',
    '--keep-going', '--json', '--out', out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`faultline fuzz failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runsPerSecond: number }).runsPerSecond;
}

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
  if (protocols.raft === undefined) return rows;
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    const runs = 60;
    fuzzRate(1, 2, out);
    const one = fuzzRate(1, runs, out);
    const two = fuzzRate(2, runs, out);
    rows.push({ name: 'fuzz raft 5 nodes 10s sim, 1 worker', value: one, unit: 'runs/s' });
    rows.push({ name: 'fuzz raft 5 nodes 10s sim, 2 workers', value: two, unit: 'runs/s',
      baseline: 'fuzz raft 5 nodes 10s sim, 1 worker', ratio: two / one, goal: '>= 1.8x' });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}
