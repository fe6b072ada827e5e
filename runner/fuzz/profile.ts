/**
 * What a fuzz campaign generates for a protocol: cluster sizes, simulated duration and
 * the workload mix. Protocols differ (a 2PC coordinator with participants is not a Raft
 * group), so a protocol's fuzz traits (its nemesis.ts) can narrow the default profile.
 */
import type { Micros } from '../../sim/index.js';
import type { AnyProtocol } from '../../protocols/index.js';

/** The generator's ranges for one protocol. */
export interface FuzzProfile {
  /** Servers, inclusive range. */
  readonly nodes: readonly [number, number];
  readonly clients: readonly [number, number];
  /** Simulated time per run. */
  readonly duration: Micros;
  /** Time after the faults for the liveness checks to come true. */
  readonly settle: Micros;
  /** Workload operation weights; an empty mix lets the protocol choose. */
  readonly mix: Readonly<Record<string, number>>;
  /**
   * Whether faults may leave records that fail their checksum: corruption, and torn writes at
   * a crash. Without, disk faults only fail syncs and crashes tear nothing. With, damage hits
   * at most a minority of the servers: a replicated protocol tolerates that many servers that
   * lose data and, by design, stops serving when more do (Raft's servers in repair refuse to
   * vote, as they must), so the liveness phase would fail for no bug.
   */
  readonly damage: boolean;
}

const KV_MIX = { get: 0.4, put: 0.3, append: 0.2, cas: 0.1 };

/**
 * The default profile: 3–7 servers, 1–4 clients, 10 s runs with a 4 s liveness phase. The
 * phase must outlast two client operations that each exhaust their attempts (3 × 500 ms) on
 * a lossy network, plus an election: with 3 s, a client that lost five requests in a row to
 * 5 % loss failed `pending-ops-complete` without any server at fault.
 */
export const DEFAULT_PROFILE: FuzzProfile = {
  nodes: [3, 7], clients: [1, 4], duration: 10_000_000, settle: 4_000_000, mix: KV_MIX,
  damage: true,
};

/** The profile of a protocol (its fuzz traits' ranges over the defaults), with an optional
 * simulated duration override. */
export function profileFor(protocol: Pick<AnyProtocol, 'fuzz'>, duration?: Micros): FuzzProfile {
  const profile = { ...DEFAULT_PROFILE, ...protocol.fuzz?.profile };
  if (duration === undefined) return profile;
  return { ...profile, duration, settle: Math.min(profile.settle, Math.floor(duration * 0.4)) };
}
