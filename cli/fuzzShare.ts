/**
 * One process's share of a fuzz campaign, the same loop in the main thread (one worker) and
 * in each worker thread: it resolves the target (a protocol name, or a scenario whose faults
 * and seed are varied), then runs its indexes until they run out, the wall-clock deadline
 * passes, or the stop flag (shared between threads) is set.
 */
import type { Micros } from '../sim/index.js';
import { protocolNamed } from '../protocols/index.js';
import { loadScenario, type RunSpec } from '../runner/index.js';
import { Campaign, indexesFor, type RunOutcome } from '../runner/fuzz/index.js';
import type { Registry } from './registry.js';
import { nodeWatchdog } from './watchdog.js';

/** Everything a share needs; plain data, so it crosses to a worker thread. */
export interface ShareConfig {
  readonly protocol: string;
  /** The scenario to vary, as text and file name, when the target is a file. */
  readonly scenario?: { readonly text: string; readonly file: string };
  readonly seed: number;
  readonly bugs: readonly string[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly duration?: Micros;
  readonly runs?: number;
  /** Epoch milliseconds after which no new run starts. */
  readonly deadline?: number;
  readonly shard: number;
  readonly shards: number;
  readonly worker: number;
  readonly workers: number;
  readonly checkDeterminism: boolean;
  /** Reruns to spend shrinking a failure; 0 reports it unshrunk. */
  readonly shrinkRuns: number;
  readonly nodes?: readonly [number, number];
  /** Whether runs have nemeses (`--no-nemesis` turns them off). */
  readonly nemesis: boolean;
}

/** Runs a share; `stop` is a shared flag (index 0 set to 1 means stop). */
export function runShare(
  config: ShareConfig,
  registry: Registry,
  stop: Int32Array,
  report: (outcome: RunOutcome) => void,
  found: (index: number, reason: string) => void = () => {},
): void {
  const protocol = protocolNamed(registry, config.protocol);
  if (protocol === undefined) throw new Error(`unknown protocol ${config.protocol}`);
  const base: RunSpec | undefined = config.scenario === undefined ? undefined
    : loadScenario(config.scenario.text, config.scenario.file, registry).spec;
  const campaign = new Campaign({
    protocol, registry, seed: config.seed, bugs: config.bugs, params: config.params,
    checkDeterminism: config.checkDeterminism,
    shrinkRuns: config.shrinkRuns, onFailure: found, nemesis: config.nemesis,
    watchdog: nodeWatchdog,
    ...(config.nodes === undefined ? {} : { nodes: config.nodes }),
    ...(base === undefined ? {} : { base }),
    ...(config.duration === undefined ? {} : { duration: config.duration }),
  });
  const indexes = indexesFor({ shard: config.shard, shards: config.shards, worker: config.worker,
    workers: config.workers, ...(config.runs === undefined ? {} : { runs: config.runs }) });
  for (const index of indexes) {
    if (Atomics.load(stop, 0) !== 0) return;
    if (config.deadline !== undefined && Date.now() >= config.deadline) return;
    report(campaign.run(index));
  }
}
