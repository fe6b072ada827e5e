/**
 * Fuzz throughput, measured on the built command as a user runs it: `faultline fuzz raft`
 * (5 servers, 10 simulated seconds per run, seed 7, no shrinking) with one and with two
 * worker threads, and the scaling ratio measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocols } from '../protocols/index.js';
import { type BenchRow, withTarget } from './row.js';

const cli = fileURLToPath(new URL('../cli/faultline.js', import.meta.url));

function fuzzRate(workers: number, runs: number, out: string): number {
  const r = spawnSync(process.execPath, [cli, 'fuzz', 'raft', '--nodes', '5', '--duration', '10s',
    '--runs', String(runs), '--seed', '7', '--workers', String(workers), '--no-shrink',
    '--keep-going', '--json', '--out', out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`faultline fuzz failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { runsPerSecond: number }).runsPerSecond;
}

/** The fuzz suite. */
export function fuzzBench(): BenchRow[] {
  if (protocols.raft === undefined) return [];
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    const runs = 60;
    fuzzRate(1, 2, out);
    const one = fuzzRate(1, runs, out);
    const two = fuzzRate(2, runs, out);
    const name = 'fuzz raft 5 nodes 10s sim, 1 worker';
    return [
      withTarget({ name, value: one, unit: 'runs/s' }, '>=', 60),
      withTarget({ name: 'fuzz raft 5 nodes 10s sim, 2 workers', value: two, unit: 'runs/s',
        baseline: name, ratio: two / one }, '>=', 1.6, 'ratio'),
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
