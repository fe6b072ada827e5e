/**
 * One runner's part of a fuzz campaign, the same loop in the main thread and in each worker
 * thread: it resolves the target (a protocol name, or a scenario whose faults and seed are
 * varied), then pulls the next run from a counter that all runners share, until the runs run
 * out, the wall-clock deadline passes, or the campaign says where it stops.
 *
 * Runners pull instead of taking a fixed stride of the indexes, so one slow run (a failure
 * being shrunk, a long linearizability check) does not leave the other runners idle at the
 * end. Which runner ran a run changes nothing in it: run `i` is the same wherever it runs.
 */
import type { Micros } from '../sim/index.js';
import { protocolNamed } from '../protocols/index.js';
import { loadScenario, type RunSpec } from '../runner/index.js';
import { Campaign, type RunOutcome, shardIndex } from '../runner/fuzz/index.js';
import type { Registry } from './registry.js';
import { nodeWatchdog } from './watchdog.js';

/** Everything a runner needs; plain data, so it crosses to a worker thread. */
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
  readonly checkDeterminism: boolean;
  /** Reruns to spend shrinking a failure; 0 reports it unshrunk. */
  readonly shrinkRuns: number;
  readonly nodes?: readonly [number, number];
  /** Whether runs have nemeses (`--no-nemesis` turns them off). */
  readonly nemesis: boolean;
}

/**
 * The counter the runners of one process share (an Int32Array over a SharedArrayBuffer):
 * the next position to take in the shard's sequence of runs, and the last position that may
 * still start (the campaign lowers it when it has found what it looks for).
 */
export const NEXT = 0;
export const LAST = 1;

/** A fresh shared counter: nothing taken, nothing stopped. */
export function sharedCounter(): Int32Array {
  const counter = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  counter[LAST] = 0x7fffffff;
  return counter;
}

/** The campaign of a share's configuration. */
export function shareCampaign(config: ShareConfig, registry: Registry,
  found: (index: number, reason: string) => void = () => {}): Campaign {
  const protocol = protocolNamed(registry, config.protocol);
  if (protocol === undefined) throw new Error(`unknown protocol ${config.protocol}`);
  const base: RunSpec | undefined = config.scenario === undefined ? undefined
    : loadScenario(config.scenario.text, config.scenario.file, registry).spec;
  return new Campaign({
    protocol, registry, seed: config.seed, bugs: config.bugs, params: config.params,
    checkDeterminism: config.checkDeterminism,
    shrinkRuns: config.shrinkRuns, onFailure: found, nemesis: config.nemesis,
    watchdog: nodeWatchdog,
    ...(config.nodes === undefined ? {} : { nodes: config.nodes }),
    ...(base === undefined ? {} : { base }),
    ...(config.duration === undefined ? {} : { duration: config.duration }),
  });
}

/** A run's outcome with its position in the shard's sequence. */
export interface Placed {
  readonly position: number;
  readonly outcome: RunOutcome;
}

/**
 * Takes the next position from `counter`: its run index, or undefined when no run is left to
 * start (past `--runs`, past where the campaign stopped, or past the deadline).
 */
function take(config: ShareConfig, counter: Int32Array):
{ position: number; index: number } | undefined {
  const position = Atomics.add(counter, NEXT, 1);
  if (position > Atomics.load(counter, LAST)) return undefined;
  const index = shardIndex(config, position);
  if (index === undefined) return undefined;
  if (config.deadline !== undefined && Date.now() >= config.deadline) return undefined;
  return { position, index };
}

/**
 * Runs positions pulled from `counter` until none is left to start. `pause` runs between two
 * runs (the main thread's runner yields there, so that the campaign hears the other runners).
 */
export async function pull(config: ShareConfig, campaign: Campaign, counter: Int32Array,
  report: (placed: Placed) => void, pause?: () => Promise<void>): Promise<void> {
  for (let next = take(config, counter); next !== undefined; next = take(config, counter)) {
    report({ position: next.position, outcome: campaign.run(next.index) });
    if (pause !== undefined) await pause();
  }
}

/**
 * Outcomes in the order of their positions, whatever order the runners finish them in, so
 * that a campaign counts, keeps and stops at the same runs with any number of workers. `take`
 * says whether to go on; after a no, later positions are dropped and no runner starts one.
 */
export class InOrder<T = RunOutcome> {
  private next = 0;
  private readonly waiting = new Map<number, T>();
  /** The last position taken, once the campaign has stopped. */
  last = Number.POSITIVE_INFINITY;

  constructor(private readonly counter: Int32Array,
    private readonly take: (outcome: T) => boolean) {}

  add({ position, outcome }: { position: number; outcome: T }): void {
    if (position > this.last) return;
    this.waiting.set(position, outcome);
    while (this.waiting.has(this.next)) this.consume(this.next++);
  }

  /**
   * Takes what is left at the end, in order: runs past a gap (a run that a runner did not
   * start because the deadline had passed).
   */
  flush(): void {
    for (const position of [...this.waiting.keys()].sort((a, b) => a - b)) {
      if (position <= this.last) this.consume(position);
    }
  }

  private consume(position: number): void {
    const outcome = this.waiting.get(position) as T;
    this.waiting.delete(position);
    if (this.take(outcome)) return;
    this.last = position;
    Atomics.store(this.counter, LAST, position);
    this.waiting.clear();
  }
}
