/**
 * Linearizability checker benchmarks on generated histories of one register
 * (sim/check/generate.ts: clients calling reads and writes back to back, a read half the time,
 * each write a new value; seed 1):
 * - the grid of issue 16 (5 clients 1k operations; 10 clients 5k and 20k; 10 clients 20k with
 *   one impossible read in the middle): check time and peak memory, ours and Porcupine's, each
 *   in a process of its own, best of several checks in that process (both warm up: Porcupine's
 *   first check of 1k operations takes ten times its best). Porcupine runs when
 *   FAULTLINE_PORCUPINE names its harness (bench/porcupine/README.md), under an address-space
 *   limit of FAULTLINE_PORCUPINE_GIB (default 8) GiB; otherwise the rows say it was not measured;
 * - peak memory and check time on a 20k-operation history of 5 clients (goal: at most 1 GiB).
 * Peak memory is the process's peak resident set, history and runtime included.
 *
 * The inconclusive suite runs the default fuzz campaign of raft, paxos and replication (the
 * product's `Campaign`, as `faultline fuzz <protocol> --runs 500 --seed 1` runs it, without
 * shrinking) and reports the share of runs whose linearizability check ran out of its budget
 * (2 million steps), with the goal of under 1% (issue 12).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocols } from '../protocols/index.js';
import { Campaign } from '../runner/fuzz/index.js';
import { generateRegisterHistory, type RegisterHistoryOptions } from '../sim/check/generate.js';
import type { BenchRow } from './row.js';

const worker = fileURLToPath(new URL('../bench/checkWorker.js', import.meta.url));

/** What one checker process reports. */
interface Measured {
  readonly ms: number;
  readonly verdict: string;
  readonly maxRssKb: number;
  /** Set when the checker did not finish (Porcupine out of memory or timed out). */
  readonly failed?: string;
}

interface Cell {
  readonly label: string;
  readonly options: Omit<RegisterHistoryOptions, 'seed'>;
  readonly repeats: number;
}

const GRID: readonly Cell[] = [
  { label: '5 clients, 1k ops', options: { clients: 5, operations: 1_000 }, repeats: 50 },
  { label: '10 clients, 5k ops', options: { clients: 10, operations: 5_000 }, repeats: 10 },
  { label: '10 clients, 20k ops', options: { clients: 10, operations: 20_000 }, repeats: 3 },
  { label: '10 clients, 20k ops, one impossible read',
    options: { clients: 10, operations: 20_000, impossibleRead: 0.5 }, repeats: 1 },
];

const MB = 1024;

function ours(file: string, repeats: number): Measured {
  const r = spawnSync(process.execPath, [worker, file, String(repeats)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the checker worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measured;
}

/** Porcupine's harness on a file, under the memory limit; undefined when not configured. */
function porcupine(file: string, repeats: number): Measured | undefined {
  const harness = process.env['FAULTLINE_PORCUPINE'];
  if (harness === undefined || harness === '') return undefined;
  const gib = Number(process.env['FAULTLINE_PORCUPINE_GIB'] ?? 8);
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', 'ulimit -v "$1"; shift; exec "$@"', 'sh',
    String(Math.round(gib * MB * MB)), harness, file, '300s', String(repeats)],
  { encoding: 'utf8', maxBuffer: 64 * MB * MB });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status === 0) {
    const measured = JSON.parse(r.stdout) as Measured;
    return measured.verdict === 'Unknown' ? { ...measured, failed: 'timed out at 300 s' }
      : measured;
  }
  if (/out of memory|cannot allocate/i.test(r.stderr)) {
    return { ms, verdict: 'unknown', maxRssKb: gib * MB * MB, failed: `out of memory at ${gib} GiB` };
  }
  throw new Error(`Porcupine's harness failed: ${r.stderr.slice(0, 500)}`);
}

const NOT_MEASURED = 'Porcupine not measured: set FAULTLINE_PORCUPINE (bench/porcupine/README.md)';

/** Time and memory rows of one cell, ours against Porcupine's when measured. */
function cellRows(cell: Cell, dir: string, prefix = 'checker grid'): BenchRow[] {
  const file = join(dir, `${cell.label.replace(/\W+/g, '-')}.jsonl`);
  const { events } = generateRegisterHistory({ seed: 1, ...cell.options });
  writeFileSync(file, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const them = porcupine(file, cell.repeats);
  const us = ours(file, cell.repeats);
  const expected = cell.options.impossibleRead === undefined ? 'linearizable' : 'not-linearizable';
  if (us.verdict !== expected) throw new Error(`${cell.label}: ours said ${us.verdict}`);
  const name = `${prefix}, ${cell.label}`;
  const ourMb = us.maxRssKb / MB;
  if (them === undefined) {
    return [{ name: `${name}: time`, value: us.ms, unit: 'ms', goal: NOT_MEASURED },
      { name: `${name}: peak memory`, value: ourMb, unit: 'MB', goal: '<= 1024 MB' }];
  }
  const theirs = `${name}: Porcupine`;
  if (them.failed !== undefined) {
    return [
      { name: `${theirs} time (${them.failed})`, value: them.ms, unit: 'ms' },
      { name: `${name}: time`, value: us.ms, unit: 'ms', goal: `Porcupine ${them.failed}` },
      { name: `${name}: peak memory`, value: ourMb, unit: 'MB', goal: '<= 1024 MB' },
    ];
  }
  const theirMb = them.maxRssKb / MB;
  return [
    { name: `${theirs} time`, value: them.ms, unit: 'ms' },
    { name: `${name}: time`, value: us.ms, unit: 'ms', baseline: `${theirs} time`,
      ratio: us.ms / them.ms, goal: '<= 1.0x Porcupine' },
    { name: `${theirs} peak memory`, value: theirMb, unit: 'MB' },
    { name: `${name}: peak memory`, value: ourMb, unit: 'MB', baseline: `${theirs} peak memory`,
      ratio: ourMb / theirMb, goal: '<= 1024 MB' },
  ];
}

/** The checker suite: the grid, then memory and time on 20k operations of 5 clients. */
export function checkerBench(): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-checker-'));
  try {
    const five = { label: '5 clients, 20k ops', options: { clients: 5, operations: 20_000 },
      repeats: 3 };
    return [...GRID.flatMap((cell) => cellRows(cell, dir)), ...cellRows(five, dir, 'checker')];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs of the default campaign per protocol, and its seed. */
const CAMPAIGN_RUNS = 500;
const CAMPAIGN_SEED = 1;

/** The share of inconclusive linearizability checks in a default campaign, per protocol. */
export function inconclusiveBench(): BenchRow[] {
  return ['raft', 'paxos', 'replication'].flatMap((name) => {
    const protocol = protocols[name];
    if (protocol === undefined) return [];
    const campaign = new Campaign({ protocol, registry: protocols, seed: CAMPAIGN_SEED,
      shrinkRuns: 0 });
    let inconclusive = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < CAMPAIGN_RUNS; i++) if (campaign.run(i).inconclusive) inconclusive++;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return [{ name: `fuzz ${name}: inconclusive checks, default campaign (${CAMPAIGN_RUNS} runs, ` +
      `seed ${CAMPAIGN_SEED}, ${seconds.toFixed(0)} s)`, value: (100 * inconclusive) / CAMPAIGN_RUNS,
    unit: '%', goal: '< 1%' }];
  });
}
