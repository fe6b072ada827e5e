/**
 * Memory of `faultline run` as a user runs it, with the trace off and streamed to a file
 * (`--trace`): peak resident memory per million engine events. The goal is that streaming
 * costs no more than no trace at all: a streamed trace keeps nothing of what it wrote.
 *
 * Conditions: Raft, 5 servers, 5 clients at 200 operations/s each, 3 simulated minutes (about
 * 1.9M events), linearizability checked at the end as always. Each measurement runs in a
 * process of its own (this bench's entry with `--memory-child`), which runs the real CLI
 * program in-process and reports its peak RSS (`resourceUsage().maxRSS`) above the RSS it had
 * once loaded, so one row's garbage cannot inflate another's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/program.js';
import { loadRegistry } from '../cli/registry.js';
import type { BenchRow, BenchSuite } from './row.js';

const SCENARIO = `name: bench-memory
protocol: raft
nodes: 5
network: { latency: { dist: uniform, min: 1ms, max: 3ms } }
workload: { clients: 5, rate: 200/s, keys: 8, mix: { get: 0.3, put: 0.3, append: 0.2, cas: 0.2 },
  timeout: 300ms, attempts: 4 }
duration: 3m
seed: 1
`;

/** What a child measured. */
interface Measured { events: number; peakBytes: number; traceBytes: number }

/**
 * In the child: runs the CLI on the scenario (its JSON document goes to stdout), then reports
 * its peak memory above where it started on the last line of stderr.
 */
export async function memoryChild(dir: string, traced: boolean): Promise<void> {
  const trace = join(dir, 'bench-memory.jsonl');
  const start = process.memoryUsage().rss;
  const code = await runCli(['run', join(dir, 'bench-memory.yaml'), '--json',
    ...(traced ? ['--trace', trace] : [])],
  { registry: loadRegistry, workerUrl: new URL('../cli/fuzzWorker.js', import.meta.url) });
  const peakBytes = process.resourceUsage().maxRSS * 1024 - start;
  const traceBytes = traced ? statSync(trace).size : 0;
  process.stderr.write(`\n${JSON.stringify({ code, peakBytes, traceBytes })}\n`);
}

/** Runs one child and reads what it measured. */
function measure(dir: string, traced: boolean): Measured {
  const entry = fileURLToPath(new URL('./main.js', import.meta.url));
  const r = spawnSync(process.execPath, [entry, '--memory-child', dir, traced ? 'traced' : 'off'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const run = (JSON.parse(r.stdout) as { runs: { events: number }[] }).runs[0];
  const measured = JSON.parse(last) as Omit<Measured, 'events'> & { code: number };
  if (measured.code !== 0 || run === undefined) throw new Error(`the run failed: ${r.stderr}`);
  return { events: run.events, peakBytes: measured.peakBytes, traceBytes: measured.traceBytes };
}

export const memoryBench: BenchSuite = () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-memory-'));
  try {
    writeFileSync(join(dir, 'bench-memory.yaml'), SCENARIO);
    const off = measure(dir, false);
    const streamed = measure(dir, true);
    const perMillion = (m: Measured): number => m.peakBytes / 2 ** 20 / (m.events / 1e6);
    const baseline = 'faultline run, Raft 5 nodes: peak memory per 1M events, trace off';
    return [
      { name: baseline, value: perMillion(off), unit: 'MiB' },
      { name: 'faultline run --trace, Raft 5 nodes: peak memory per 1M events, trace streamed',
        value: perMillion(streamed), unit: 'MiB', baseline,
        ratio: perMillion(streamed) / perMillion(off), goal: '<= 1.0x trace off' },
      { name: `  (that run: ${(streamed.events / 1e6).toFixed(2)}M events, trace file)`,
        value: streamed.traceBytes / 2 ** 20, unit: 'MiB' },
    ] satisfies BenchRow[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
