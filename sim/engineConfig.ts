/**
 * A run's configuration (`EngineConfig`), its defaults, and the checks that refuse a bad one
 * with an error naming the field, before anything runs.
 */
import { ConfigError } from './assert.js';
import { type ClockConfig, validateClock } from './clock.js';
import { type Fault, type ScheduledFault, validateFault } from './faults.js';
import { type Latency, validateLatency } from './latency.js';
import type { NetworkConfig } from './network.js';
import type { ProgramFactory } from './node.js';
import type { Seed } from './prng.js';
import type { TraceLevel } from './trace.js';
import type { NodeId } from './types.js';
import type { LivenessPhase, Property, World } from './check/property.js';

/** Everything a run needs. Only `seed`, `servers` and `program` are required. */
export interface EngineConfig<M> {
  readonly seed: Seed;
  readonly servers: readonly NodeId[];
  readonly clients?: readonly NodeId[];
  /**
   * The operator process, when the schedule asks anything of the cluster (`admin` faults):
   * the engine hands it each request as a message from itself (sim/check/operator.ts). It is
   * neither a server nor a workload client, and no fault strikes it.
   */
  readonly operator?: NodeId;
  /** Builds the program of a server or client, at boot and at every restart. */
  readonly program: ProgramFactory<M>;
  readonly network?: NetworkConfig;
  readonly clocks?: Readonly<Record<NodeId, ClockConfig>>;
  readonly disk?: { readonly syncLatency?: Latency };
  readonly trace?: TraceLevel;
  /** Receives each JSON line when `trace` is `full`. */
  readonly traceSink?: (line: string) => void;
  /** Equal-time events run in insertion order (`fifo`, default) or in a seeded random order. */
  readonly ties?: 'fifo' | 'shuffle';
  readonly maxEvents?: number;
  /**
   * Asked every `WATCHDOG_EVERY` events whether the run must stop for a reason outside the
   * simulation, which it names. It reads the machine, not the run, so a run it stops does not
   * replay exactly (runner/limits.ts).
   */
  readonly watchdog?: () => MachineLimit | undefined;
  /** Messages a paused node can buffer; beyond it they are dropped. */
  readonly pauseBuffer?: number;
  readonly faults?: readonly ScheduledFault[];
  readonly properties?: readonly Property[];
  /**
   * Called after every event, before the properties, whichever properties a run selects:
   * protocols measure their metrics here. An observer reads the world and changes nothing.
   */
  readonly observers?: readonly ((world: World) => void)[];
  /**
   * Called when a fault is about to be applied (not the liveness phase's repairs, not a fault
   * it ignores), with the world as it is before the fault: fuzz campaigns record which fault
   * struck in which protocol phase here. It reads and changes nothing.
   */
  readonly faultObservers?: readonly ((fault: Fault, world: World) => void)[];
  readonly liveness?: LivenessPhase;
}

/** A limit of the machine that ended a run: its memory or its wall-clock time. */
export type MachineLimit = 'memory-limit' | 'time-limit';

export const DEFAULT_MAX_EVENTS = 50_000_000;
/** Engine events between two questions to the watchdog. */
export const WATCHDOG_EVERY = 4_096;
export const DEFAULT_PAUSE_BUFFER = 10_000;
export const DEFAULT_SYNC_LATENCY: Latency = { dist: 'uniform', min: 200, max: 1_000 };

/** Every node of a run: servers, clients, then the operator if there is one. */
export function engineIds<M>(config: EngineConfig<M>): NodeId[] {
  return [...config.servers, ...(config.clients ?? []),
    ...(config.operator === undefined ? [] : [config.operator])];
}

/** Checks a configuration; throws ConfigError naming the first bad field. */
export function validateEngineConfig<M>(config: EngineConfig<M>): void {
  const ids = engineIds(config);
  if (config.servers.length === 0) throw new ConfigError('nodes', 'at least one server');
  const seen = new Set<NodeId>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new ConfigError(`nodes[${i}]`, `${id} is listed twice`);
    seen.add(id);
  });
  if (ids.length > 30_000) throw new ConfigError('nodes', 'at most 30000 nodes and clients');
  for (const [id, clock] of Object.entries(config.clocks ?? {})) {
    if (!seen.has(id)) throw new ConfigError(`clocks.${id}`, `a node of this cluster`);
    validateClock(clock, `clocks.${id}`);
  }
  if (config.disk?.syncLatency !== undefined) {
    validateLatency(config.disk.syncLatency, 'disk.syncLatency');
  }
  (config.faults ?? []).forEach(({ at, fault }, i) => {
    if (!(Number.isInteger(at) && at >= 0)) {
      throw new ConfigError(`faults[${i}].at`, `a non-negative integer time in µs, got ${at}`);
    }
    validateFault(fault, seen, `faults[${i}]`);
    if (fault.kind === 'admin' && config.operator === undefined) {
      throw new ConfigError(`faults[${i}]`, 'an operator process to ask (EngineConfig.operator)');
    }
    if (fault.kind === 'admin' && !config.servers.includes(fault.node)) {
      throw new ConfigError(`faults[${i}].node`, `a server, got ${fault.node}`);
    }
  });
  const live = config.liveness;
  if (live !== undefined && !(live.healAt >= 0 && live.settle > 0)) {
    throw new ConfigError('liveness', 'healAt >= 0 and settle > 0');
  }
}
