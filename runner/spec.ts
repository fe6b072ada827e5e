/**
 * A run specification: everything needed for one run, in engine units (microseconds, node
 * counts, fault objects). A scenario file parses into one (runner/schema.ts); the fuzzer
 * generates them; the visualizer builds them from its controls. `runSpec` turns one into a
 * `RunReport`.
 */
import type { ClockConfig, Latency, Micros, NetworkConfig, ScheduledFault, Seed, TraceLevel } from
  '../sim/index.js';
import type { WorkloadSpec } from '../protocols/index.js';
import type { FailureProcess } from './failures.js';
import type { NemesisPlan } from './fuzz/nemesis.js';
import type { LimitsSpec, WatchdogFactory } from './limits.js';

/** Bounds on a metric. */
export interface MetricBound {
  readonly min?: number;
  readonly max?: number;
}

/** What a run must show. */
export interface Expectations {
  /** Properties that must hold; undefined means every property of the protocol. */
  readonly hold?: readonly string[];
  /** A teaching scenario: this property must be violated (and only it is checked). */
  readonly violate?: string;
  readonly liveness?: {
    /** When everything heals; undefined means the time of the last scheduled fault. */
    readonly after?: Micros;
    readonly settle: Micros;
    /** Liveness checks by name; undefined means all of the protocol's. */
    readonly checks?: readonly string[];
  };
  readonly metrics?: Readonly<Record<string, MetricBound>>;
}

/** One run, fully specified. */
export interface RunSpec {
  readonly name: string;
  readonly protocol: string;
  /** The protocol's parameters, raw; its zod schema parses them. */
  readonly params: unknown;
  /** Number of servers, n1..nN. */
  readonly nodes: number;
  readonly network?: NetworkConfig;
  readonly clocks?: Readonly<Record<string, ClockConfig>>;
  readonly disk?: { readonly syncLatency?: Latency };
  readonly workload?: WorkloadSpec;
  readonly faults: readonly ScheduledFault[];
  /** Failures drawn from MTBF and MTTR, added to `faults` when the run starts (failures.ts). */
  readonly failures?: readonly FailureProcess[];
  readonly duration: Micros;
  readonly seed: Seed;
  readonly ties?: 'fifo' | 'shuffle';
  /**
   * Bounds on the run itself (runner/limits.ts): engine events (outcome `event-limit`, a
   * failure), memory and wall time. A counterexample saved from a fuzz run that hit the
   * campaign's event cap keeps the cap, so it replays the same.
   */
  readonly limits?: LimitsSpec;
  readonly expect?: Expectations;
}

/** Options of one run that are not part of what is run. */
export interface RunOptions {
  readonly trace?: TraceLevel;
  readonly traceSink?: (line: string) => void;
  /** Wall-clock budget for the linearizability check, with a clock (`sim/` has none). */
  readonly checkBudgetMs?: number;
  /** Search-step budget for the linearizability check: deterministic, unlike a time budget. */
  readonly checkMaxSteps?: number;
  /** Stop the run after this many events (outcome `event-limit`) when the spec sets none. */
  readonly maxEvents?: number;
  /** Watches the run's memory and wall time (the caller's: runner/ reads neither). */
  readonly watchdog?: WatchdogFactory;
  readonly now?: () => number;
  /**
   * A nemesis that watches the run and strikes (fuzz campaigns; the protocol must have fuzz
   * traits). What it struck is in the report, as a schedule that replays the run without it.
   */
  readonly nemesis?: NemesisPlan;
  /** Whether a nemesis may damage records (torn writes, corruption) on a minority. */
  readonly nemesisDamage?: boolean;
  /** Record which fault kinds struck in which protocol phase (the coverage matrix). */
  readonly coverage?: boolean;
}
