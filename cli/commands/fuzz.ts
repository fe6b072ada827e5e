/**
 * `faultline fuzz <protocol|scenario>`: a campaign of generated runs (runner/fuzz/), spread
 * over worker threads on this machine and, with `--shard i/n`, over machines. Run index `r`
 * belongs to shard `(r mod n) + 1`; its seed derives from the campaign seed and `r`, so the
 * shards of one campaign seed are disjoint and together are the whole campaign.
 *
 * The first failure (unless `--keep-going`) stops the campaign; it is shrunk, saved as a
 * scenario file under `--out`, rerun from that file to confirm the trace hash, and its seed
 * printed. The campaign ends with a table of runs, simulated time, events, faults by kind and
 * violations by property; `--json` prints the seeds run and the failures instead.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { durationOrReason } from '../../runner/schema.js';
import { addOutcome, emptyStats, type RunOutcome } from '../../runner/fuzz/index.js';
import { saveCounterexample, type SavedCounterexample } from '../counterexample.js';
import { runShare, type ShareConfig } from '../fuzzShare.js';
import { EXIT, InputError, out, outJson, showTime, table } from '../io.js';
import { Progress } from '../progress.js';
import type { Registry } from '../registry.js';
import { loadAll } from '../scenarioFiles.js';
import { parseSeed } from '../execute.js';

/** Options of `faultline fuzz`, as commander gives them. */
export interface FuzzOptions {
  readonly runs?: string;
  readonly time?: string;
  readonly seed?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly bug?: readonly string[];
  readonly out?: string;
  readonly duration?: string;
  readonly keepGoing?: boolean;
  readonly checkDeterminism?: boolean;
  readonly json?: boolean;
  /** False with --no-shrink. */
  readonly shrink?: boolean;
  readonly nodes?: string;
}

interface Failure extends SavedCounterexample {
  index: number; runSeed: number; seed: string; violated: string; reason: string; shrinks: number;
}

function positive(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${what}: a positive integer, got ${text}`);
  return n;
}

function micros(text: string, what: string): number {
  const value = durationOrReason(/^\d+$/.test(text) ? `${text}s` : text, false);
  if (typeof value === 'string' || value === 0) throw new InputError(`${what}: ${value === 0 ? 'above 0' : value}`);
  return value;
}

/** Reads the options into a share configuration for worker 0 of 1. */
export function shareConfig(target: string, o: FuzzOptions, registry: Registry): ShareConfig {
  let protocol = target;
  let scenario: ShareConfig['scenario'];
  if (registry[target] === undefined) {
    if (!existsSync(target) && !/\.ya?ml$/.test(target)) {
      const names = Object.keys(registry).sort().join(', ') || 'none registered yet';
      throw new InputError(`fuzz: ${JSON.stringify(target)} is neither a protocol (${names}) nor a scenario file`);
    }
    const [source] = loadAll([target], registry);
    protocol = source?.spec.protocol ?? target;
    scenario = { text: source?.text ?? '', file: target };
  }
  const known = registry[protocol]?.bugs.map((b) => b.name) ?? [];
  for (const bug of o.bug ?? []) {
    if (!known.includes(bug)) {
      throw new InputError(`--bug: a bug of ${protocol} (${known.join(', ') || 'it has none'}), got ${bug}`);
    }
  }
  const shard = /^(\d+)\/(\d+)$/.exec(o.shard ?? '1/1');
  const [i, n] = [Number(shard?.[1]), Number(shard?.[2])];
  if (shard === null || n < 1 || i < 1 || i > n) {
    throw new InputError(`--shard: i/n with 1 <= i <= n, such as 2/8, got ${o.shard}`);
  }
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : parseSeed(o.seed);
  if (typeof seed !== 'number') throw new InputError(`--seed: an integer, got ${o.seed}`);
  const runs = o.time === undefined ? positive(o.runs, '--runs', 100) : undefined;
  return {
    protocol, ...(scenario === undefined ? {} : { scenario }), seed, bugs: o.bug ?? [],
    ...(o.duration === undefined ? {} : { duration: micros(o.duration, '--duration') }),
    ...(runs === undefined ? {} : { runs }),
    ...(o.time === undefined ? {} : { deadline: Date.now() + micros(o.time, '--time') / 1000 }),
    shard: i, shards: n, worker: 0, workers: 1, checkDeterminism: o.checkDeterminism === true,
    shrinkRuns: o.shrink === false ? 0 : 300, ...(o.nodes === undefined ? {} : { nodes: nodeRange(o.nodes) }),
  };
}

function nodeRange(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const [lo, hi] = [Number(m?.[1]), Number(m?.[2] ?? m?.[1])];
  if (m === null || lo < 1 || hi < lo || hi > 100) {
    throw new InputError(`--nodes: a count such as 5 or a range such as 3-7 (1 to 100), got ${text}`);
  }
  return [lo, hi];
}

/** Runs the shares on `workers` threads (or in this thread for one); calls `each` per run. */
async function runWorkers(config: ShareConfig, workers: number, registry: Registry, stop: Int32Array,
  url: URL, each: (outcome: RunOutcome) => void): Promise<void> {
  if (workers === 1) return runShare(config, registry, stop, each);
  await Promise.all(Array.from({ length: workers }, (_, worker) => new Promise<void>((resolve, reject) => {
    const thread = new Worker(url, { workerData: { config: { ...config, worker, workers }, stop: stop.buffer } });
    thread.on('message', (m: { type: string; outcome?: RunOutcome; message?: string }) => {
      if (m.type === 'run' && m.outcome !== undefined) each(m.outcome);
      else if (m.type === 'done') resolve();
      else if (m.type === 'error') reject(new Error(`fuzz worker ${worker}: ${m.message}`));
    });
    thread.on('error', reject);
    thread.on('exit', () => resolve());
  })));
}

/** Runs a campaign; returns the exit code. */
export async function fuzzCommand(target: string, o: FuzzOptions, registry: Registry,
  workerUrl: URL): Promise<number> {
  const config = shareConfig(target, o, registry);
  const workers = positive(o.workers, '--workers', 1);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const stats = emptyStats();
  const seeds: { index: number; runSeed: number; seed: string }[] = [];
  const failures: Failure[] = [];
  const budgetMs = config.deadline === undefined ? undefined : config.deadline - Date.now();
  const progress = new Progress(config.runs === undefined ? undefined
    : Math.ceil((config.runs - config.shard + 1) / config.shards), budgetMs, o.json !== true);
  const command = `faultline fuzz ${target} --seed ${config.seed}${config.bugs.map((b) => ` --bug ${b}`).join('')}`;
  const started = performance.now();
  await runWorkers(config, workers, registry, stop, workerUrl, (outcome) => {
    addOutcome(stats, outcome);
    seeds.push({ index: outcome.index, runSeed: outcome.runSeed, seed: outcome.seed });
    const found = outcome.counterexample;
    if (found !== undefined) {
      if (o.keepGoing !== true) Atomics.store(stop, 0, 1);
      const saved = saveCounterexample(found, { dir: o.out ?? 'counterexamples', runSeed: outcome.runSeed,
        campaignSeed: config.seed, index: outcome.index, command }, registry);
      failures.push({ ...saved, index: outcome.index, runSeed: outcome.runSeed, seed: String(found.spec.seed),
        violated: outcome.violated ?? 'failure', reason: found.reason, shrinks: found.shrinks });
    }
    progress.update(stats.runs, stats.failures);
  });
  progress.end();
  const seconds = (performance.now() - started) / 1000;
  seeds.sort((a, b) => a.index - b.index);
  if (o.json === true) {
    outJson({ target, protocol: config.protocol, campaignSeed: config.seed, shard: `${config.shard}/${config.shards}`,
      workers, bugs: config.bugs, seconds, runsPerSecond: stats.runs / seconds, stats, seeds, failures });
  } else {
    out(summary(config, stats, failures, seconds, workers));
  }
  return failures.length === 0 ? EXIT.ok : EXIT.failed;
}

function summary(config: ShareConfig, stats: ReturnType<typeof emptyStats>, failures: readonly Failure[],
  seconds: number, workers: number): string {
  const lines = [`fuzz ${config.protocol}: campaign seed ${config.seed}, shard ${config.shard}/${config.shards}, ${
    workers} worker${workers === 1 ? '' : 's'}${config.bugs.length > 0 ? `, bugs ${config.bugs.join(' ')}` : ''}`, ''];
  const rows: [string, string | number][] = [
    ['runs', stats.runs], ['runs per second', +(stats.runs / seconds).toFixed(1)],
    ['simulated time', showTime(stats.simulated)], ['events', stats.events], ['failures', stats.failures],
    ['inconclusive (checker budget)', stats.inconclusive],
    ...Object.entries(stats.faults).sort().map(([k, n]): [string, number] => [`faults: ${k}`, n]),
    ...Object.entries(stats.violations).sort().map(([k, n]): [string, number] => [`violations: ${k}`, n]),
  ];
  lines.push(table(['', 'total'], rows.map(([k, v]) => [k, String(v)])));
  for (const f of failures) {
    lines.push('', `FAILURE in run ${f.index} (run seed ${f.runSeed}, engine seed ${f.seed}): ${f.violated}`,
      `  ${f.reason.split('\n')[0] ?? ''}`, `  shrunk ${f.shrinks} times; counterexample: ${f.file}`,
      f.reproduced ? `  replayed from the file: same trace hash ${f.fileHash}`
        : `  WARNING: the file replays with trace hash ${f.fileHash}, the run had ${f.hash}`,
      `  rerun: faultline run ${f.file}`);
  }
  return lines.join('\n');
}
