/**
 * `faultline fuzz <protocol|scenario>`: a campaign of generated runs (runner/fuzz/), spread
 * over `--workers` runners on this machine (this thread and worker threads) and, with
 * `--shard i/n`, over machines. Run index `r` belongs to shard `(r mod n) + 1`; its seed
 * derives from the campaign seed and `r`, so the shards of one campaign seed are disjoint and
 * together are the whole campaign.
 *
 * The runners pull runs from a shared counter; their outcomes are taken in run order, so what
 * a campaign counts, keeps and stops at does not depend on how many runners it had. The first
 * failure stops the campaign, or with `--keep-going [n]` the n-th distinct one (by
 * violated property and the shape of its shrunk schedule; repeats are counted against the
 * first). Each is shrunk to a 1-minimal schedule, saved as a scenario file under `--out`, rerun
 * from that file to confirm the trace hash, and its seed printed; safety failures are listed
 * before liveness ones. The campaign ends with a table of runs, simulated time, events, faults
 * by kind and violations by property, and the fault × phase coverage matrix; `--json` prints
 * the same with the seeds run, the failures, the time of the first and the CPU time spent.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { addOutcome, emptyStats, type RunOutcome } from '../../runner/fuzz/index.js';
import { saveCounterexample } from '../counterexample.js';
import { failureLimit, type FuzzOptions, positive, shareConfig } from '../fuzzOptions.js';
import { InOrder, LAST, type Placed, pull, shareCampaign, type ShareConfig, sharedCounter,
} from '../fuzzShare.js';
import type { WorkerData } from '../workerMain.js';
import { type Failure, fuzzSummary, ordered } from '../fuzzSummary.js';
import type { ScheduledFault } from '../../sim/index.js';
import { err, EXIT, out, outJson } from '../io.js';
import { Progress } from '../progress.js';
import { emitReports, fuzzSuite } from '../reporters.js';
import type { Registry } from '../registry.js';

export type { FuzzOptions } from '../fuzzOptions.js';

type Message =
  | { type: 'run'; position: number; outcome: RunOutcome }
  | { type: 'found'; index: number; reason: string }
  | { type: 'done' }
  | { type: 'error'; message: string };

interface Listeners {
  readonly placed: (placed: Placed) => void;
  readonly found: (index: number, reason: string) => void;
}

function startWorker(url: URL, data: WorkerData, { placed, found }: Listeners): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const thread = new Worker(url, { workerData: data });
    thread.on('message', (m: Message) => {
      if (m.type === 'run') placed({ position: m.position, outcome: m.outcome });
      else if (m.type === 'found') found(m.index, m.reason);
      else if (m.type === 'done') resolve();
      else reject(new Error(`fuzz worker: ${m.message}`));
    });
    thread.on('error', reject);
    thread.on('exit', () => resolve());
  });
}

/**
 * Runs the campaign on `workers` runners: this thread and `workers - 1` worker threads, all
 * pulling runs from one shared counter. This thread yields after each of its runs, so that
 * the others' outcomes are heard while it works.
 */
async function runWorkers(config: ShareConfig, workers: number, registry: Registry,
  counter: Int32Array, url: URL, listen: Listeners): Promise<void> {
  // This thread's campaign first: a configuration it rejects stops all before a thread starts.
  const campaign = shareCampaign(config, registry, listen.found);
  const data: WorkerData = { config, counter: counter.buffer as SharedArrayBuffer };
  const threads = Array.from({ length: workers - 1 }, () => startWorker(url, data, listen));
  const here = pull(config, campaign, counter, listen.placed,
    () => new Promise<void>((resolve) => setImmediate(resolve)));
  try {
    await Promise.all([here, ...threads]);
  } catch (error) {
    // Nothing more starts anywhere; the error is the campaign's.
    Atomics.store(counter, LAST, -1);
    throw error;
  }
}

/** Runs a campaign; returns the exit code. */
export async function fuzzCommand(target: string, o: FuzzOptions, registry: Registry,
  workerUrl: URL): Promise<number> {
  const config = shareConfig(target, o, registry);
  const workers = positive(o.workers, '--workers', 1);
  const counter = sharedCounter();
  const stats = emptyStats();
  const seeds: { index: number; runSeed: number; seed: string }[] = [];
  const failures: Failure[] = [];
  const limit = failureLimit(o);
  const distinct = new Map<string, Failure>();
  let firstFailure: { run: number; seconds: number } | undefined;
  const total = config.runs === undefined ? undefined
    : Math.ceil((config.runs - config.shard + 1) / config.shards);
  const budgetMs = config.deadline === undefined ? undefined : config.deadline - Date.now();
  const progress = new Progress(total, budgetMs, o.json !== true);
  const command = `faultline fuzz ${target} --seed ${config.seed}${
    config.bugs.map((b) => ` --bug ${b}`).join('')}${
    Object.entries(config.params).map(([k, v]) => ` --param ${k}=${JSON.stringify(v)}`).join('')}`;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // When each failure was found, by run index (before it was shrunk).
  const foundAt = new Map<number, number>();
  const found = (index: number, reason: string): void => {
    if ((index - config.shard + 1) / config.shards > order.last) return;
    foundAt.set(index, (performance.now() - started) / 1000);
    if (o.json === true) return;
    progress.end();
    err(`run ${index} failed (${reason.split('\n')[0]?.slice(0, 120) ?? ''}); shrinking…`);
  };
  const each = (outcome: RunOutcome): boolean => {
    addOutcome(stats, outcome);
    seeds.push({ index: outcome.index, runSeed: outcome.runSeed, seed: outcome.seed });
    const found = outcome.counterexample;
    if (found !== undefined) {
      const { index, runSeed } = outcome;
      firstFailure ??= { run: index,
        seconds: foundAt.get(index) ?? (performance.now() - started) / 1000 };
      const violated = outcome.violated ?? 'failure';
      const key = signature(violated, found.spec.faults);
      const same = distinct.get(key);
      if (same !== undefined) same.repeats.push(index);
      else if (distinct.size < limit) {
        const saved = saveCounterexample(found, { dir: o.out ?? 'counterexamples', runSeed,
          campaignSeed: config.seed, index, command, violated }, registry);
        const failure: Failure = { ...saved, index, runSeed, seed: String(found.spec.seed),
          violated, ...(outcome.kind === undefined ? {} : { kind: outcome.kind }),
          reason: found.reason, shrinks: found.shrinks, faultsBefore: found.faultsBefore,
          faultsAfter: found.spec.faults.length, minimal: found.minimal, repeats: [] };
        distinct.set(key, failure);
        failures.push(failure);
      }
    }
    progress.update(stats.runs, stats.failures);
    return distinct.size < limit;
  };
  const order = new InOrder(counter, each);
  await runWorkers(config, workers, registry, counter, workerUrl,
    { placed: (placed) => order.add(placed), found });
  order.flush();
  const phases = registry[config.protocol]?.fuzz?.phases;
  progress.end();
  const seconds = (performance.now() - started) / 1000;
  // CPU time of the whole process: this thread and the worker threads, the collector's too.
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  seeds.sort((a, b) => a.index - b.index);
  if (o.json === true) {
    outJson({ target, protocol: config.protocol, campaignSeed: config.seed,
      shard: `${config.shard}/${config.shards}`, workers, bugs: config.bugs,
      params: config.params, nemesis: config.nemesis, seconds, cpuSeconds,
      runsPerSecond: stats.runs / seconds, stats, phases: phases ?? [],
      firstFailure: firstFailure ?? null, seeds, failures: ordered(failures) });
  } else {
    out(fuzzSummary(config, stats, failures, seconds, workers, phases));
  }
  emitReports(o, fuzzSuite({ target, protocol: config.protocol, seed: config.seed,
    shard: `${config.shard}/${config.shards}`, seconds, failures }));
  return failures.length === 0 ? EXIT.ok : EXIT.failed;
}

/** Failures are the same when they violate one property with schedules of the same shape. */
function signature(violated: string, faults: readonly ScheduledFault[]): string {
  return `${violated}|${faults.map((f) => f.fault.kind).sort().join(',')}`;
}
