/**
 * Fuzz throughput, measured on the built command as a user runs it: `faultline fuzz raft`
 * (5 servers, 10 simulated seconds per run, seed 7, 200 runs, no shrinking) with one and with
 * two workers, in alternating rounds so that both see the same machine, the median of each,
 * and the scaling ratio from the same rounds. These machines have 2 cores that other work
 * shares, so the rows say the load average before and after, and the CPU time per run (the
 * whole process's: worker threads and the garbage collector included), which the other work
 * disturbs less than the wall clock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocols } from '../protocols/index.js';
import { type BenchRow, withTarget } from './row.js';

const cli = fileURLToPath(new URL('../cli/faultline.js', import.meta.url));
// Enough runs that a runner's start and warm-up (about 0.3 s of CPU to load and 0.3 s to
// warm up, which a second runner pays again) do not decide the figure, as in a user's campaign.
const RUNS = 200;
const ROUNDS = 3;

interface Round {
  readonly runsPerSecond: number;
  /** CPU milliseconds per run. */
  readonly cpuMs: number;
}

function fuzzRound(workers: number, runs: number, out: string): Round {
  const r = spawnSync(process.execPath, [cli, 'fuzz', 'raft', '--nodes', '5', '--duration', '10s',
    '--runs', String(runs), '--seed', '7', '--workers', String(workers), '--no-shrink',
    '--keep-going', '--json', '--out', out], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`faultline fuzz failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { runsPerSecond: number; cpuSeconds: number };
  return { runsPerSecond: json.runsPerSecond, cpuMs: 1000 * json.cpuSeconds / runs };
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** The fuzz suite. */
export function fuzzBench(): BenchRow[] {
  if (protocols.raft === undefined) return [];
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    fuzzRound(1, 2, out);
    const before = loadavg()[0] as number;
    const rounds: [Round[], Round[]] = [[], []];
    for (let r = 0; r < ROUNDS; r++) {
      rounds[0].push(fuzzRound(1, RUNS, out));
      rounds[1].push(fuzzRound(2, RUNS, out));
    }
    const after = loadavg()[0] as number;
    const [one, two] = rounds.map((rs) => ({
      rate: median(rs.map((x) => x.runsPerSecond)), cpu: median(rs.map((x) => x.cpuMs)) })) as
      [{ rate: number; cpu: number }, { rate: number; cpu: number }];
    const conditions = `median of ${ROUNDS} alternating rounds, load average ${
      before.toFixed(1)} before, ${after.toFixed(1)} after`;
    const name = (what: string) => `fuzz raft 5 nodes 10s sim ${RUNS} runs, ${what} (${conditions})`;
    const oneName = name('1 worker');
    return [
      withTarget({ name: oneName, value: one.rate, unit: 'runs/s' }, '>=', 60),
      withTarget({ name: name('2 workers'), value: two.rate, unit: 'runs/s',
        baseline: oneName, ratio: two.rate / one.rate }, '>=', 1.6, 'ratio'),
      { name: name('1 worker, CPU per run'), value: one.cpu, unit: 'ms' },
      { name: name('2 workers, CPU per run'), value: two.cpu, unit: 'ms',
        baseline: name('1 worker, CPU per run'), ratio: two.cpu / one.cpu },
    ];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
