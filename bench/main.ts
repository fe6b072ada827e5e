/**
 * `npm run bench`: runs every benchmark suite in one process, so rows that are compared are
 * measured side by side on the same machine state, and prints a table (or, with --json, the
 * same rows as one JSON document). `--only NAME` runs the suites whose name contains NAME
 * (`--only engine,raft` any of several). A row with a numeric goal is judged against it from
 * the figures of the same run: `met`, and `ofGoal` (the figure divided by the goal).
 * Targets live here, never in timed tests: these machines are shared and noisy.
 */
import { availabilityBench } from './availability.js';
import { balancerBench } from './balancer.js';
import { checkerBench, inconclusiveBench } from './checker.js';
import { cliBench } from './cli.js';
import { engineBench } from './engine.js';
import { fuzzBench } from './fuzz.js';
import { huntBench } from './hunt.js';
import { linearizabilityBench } from './linearizability.js';
import { memoryBench, memoryChild } from './memory.js';
import { paxosBench } from './paxos.js';
import { type BenchRow, type BenchSuite, judge, type JudgedRow } from './row.js';
import { twoPcBench } from './twopc.js';
import { raftBench } from './raft.js';
import { vizBench } from './viz.js';

// Engine first: its memory row wants a quiet heap.
const suites: Record<string, BenchSuite> = {
  engine: engineBench,
  linearizability: linearizabilityBench,
  checker: checkerBench,
  inconclusive: inconclusiveBench,
  raft: raftBench,
  paxos: paxosBench,
  twopc: twoPcBench,
  availability: availabilityBench,
  balancer: balancerBench,
  hunt: huntBench,
  memory: memoryBench,
  fuzz: fuzzBench,
  cli: cliBench,
  viz: vizBench,
};

function format(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 100) return value.toFixed(0);
  return value.toFixed(2);
}

function verdict(row: JudgedRow): string {
  if (row.met === undefined) return '';
  return `${row.met ? 'met' : 'missed'}${row.ofGoal === undefined ? '' : ` (${row.ofGoal.toFixed(2)}x the goal)`}`;
}

function table(rows: readonly JudgedRow[]): string {
  const cells = rows.map((r) => [r.name, format(r.value), r.unit,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`, r.goal ?? '', verdict(r)]);
  const head = ['benchmark', 'value', 'unit', 'ratio', 'goal', 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 || i === 3 ? x.padStart(widths[i] as number)
    : x.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') : undefined;
  const rows: JudgedRow[] = [];
  for (const [name, suite] of Object.entries(suites)) {
    if (only !== undefined && !only.some((word) => name.includes(word))) continue;
    if (!json) process.stderr.write(`running ${name}…\n`);
    rows.push(...(await suite()).map((row: BenchRow) => judge(row)));
  }
  process.stdout.write(json ? `${JSON.stringify({ rows }, null, 2)}\n` : `${table(rows)}\n`);
}

// bench/memory.ts measures each run in a process of its own: this entry, so asked.
const child = process.argv.indexOf('--memory-child');
if (child >= 0) {
  await memoryChild(process.argv[child + 1] as string, process.argv[child + 2] === 'traced');
} else {
  await main();
}
