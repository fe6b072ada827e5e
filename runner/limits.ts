/**
 * Limits on a run itself, so that every run ends, and ends cleanly (a failed run with its seed,
 * never a hang or a process killed by the out-of-memory killer): a scenario's `limits:` section,
 * with defaults that fit a 2-core, 24 GiB machine shared by a few runs.
 *
 * - `events`: engine events (trace records). Deterministic: a run it stops stops at the same
 *   event on every machine, so it is part of what is run and replays exactly.
 * - `memory`: bytes of JavaScript heap and array buffers. The default leaves room for two fuzz
 *   workers and the main thread, and stays well below V8's own heap limit, whose crash no one
 *   can catch.
 * - `time`: wall-clock time of the simulation.
 *
 * Memory and time are properties of the machine, not of the run: sim/ and runner/ read neither
 * (they run in the browser too). The caller hands `prepareRun` a `WatchdogFactory` that does
 * (the CLI's is cli/watchdog.ts); a run it stops fails as `memory-limit` or `time-limit`, with
 * its seed, and does not replay exactly. The same watchdog bounds the memory of the
 * linearizability check after the run, which ends `unknown` (out of memory) at the budget.
 */
import { DEFAULT_MAX_EVENTS, type MachineLimit, type Outcome } from '../sim/index.js';
import { formatDuration } from '../protocols/durations.js';

/** A run's limits, resolved (every field set). */
export interface RunLimits {
  readonly events: number;
  readonly memoryBytes: number;
  readonly timeMs: number;
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** The limits of a run that names none. */
export const DEFAULT_LIMITS: RunLimits = {
  events: DEFAULT_MAX_EVENTS,
  memoryBytes: 2 * GIB,
  timeMs: 10 * 60_000,
};

/** The least and most memory a scenario may give a run. */
export const MEMORY_RANGE = { min: 16 * MIB, max: 64 * GIB } as const;

/** Asked during a run whether the machine says stop; see `EngineConfig.watchdog`. */
export type Watchdog = () => MachineLimit | undefined;

/** Builds the watchdog of one run from its limits (called once per run, as it starts). */
export type WatchdogFactory = (limits: RunLimits) => Watchdog;

/** What a scenario's `limits:` section holds, in engine units. */
export interface LimitsSpec {
  readonly events?: number;
  readonly memoryBytes?: number;
  readonly timeMs?: number;
}

/**
 * The limits of one run: the scenario's own, then the caller's event cap (a fuzz campaign's),
 * then the defaults.
 */
export function resolveLimits(spec: LimitsSpec | undefined, maxEvents?: number): RunLimits {
  return {
    events: spec?.events ?? maxEvents ?? DEFAULT_LIMITS.events,
    memoryBytes: spec?.memoryBytes ?? DEFAULT_LIMITS.memoryBytes,
    timeMs: spec?.timeMs ?? DEFAULT_LIMITS.timeMs,
  };
}

const BYTES = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?\s*$/;
const BYTE_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: MIB, GiB: GIB };

/** `512MiB`, `2GiB`, `1.5GiB` or a number of bytes, in bytes; undefined when it is none. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = BYTES.exec(value);
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * (BYTE_UNITS[match[2] ?? 'B'] as number));
}

/** Bytes as a person writes them: `2GiB`, `512MiB`, `1000B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB && bytes % (GIB / 1024) === 0) return `${bytes / GIB}GiB`;
  if (bytes >= MIB && bytes % 1024 === 0) return `${bytes / MIB}MiB`;
  return `${bytes}B`;
}

/** Why a run that `outcome` ended failed, in words; undefined when no limit stopped it. */
export function limitFailure(outcome: Outcome, limits: RunLimits): string | undefined {
  switch (outcome) {
    case 'event-limit':
      return `the run reached its event limit (${limits.events} events)`;
    case 'memory-limit':
      return `the run reached its memory limit (${formatBytes(limits.memoryBytes)}); raise ` +
        '`limits.memory` or shorten the run';
    case 'time-limit':
      return `the run reached its time limit (${formatDuration(limits.timeMs * 1_000)} of wall ` +
        'time); raise `limits.time` or shorten the run';
    default:
      return undefined;
  }
}
