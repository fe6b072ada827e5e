/**
 * The settings a replica runs with, derived from the protocol parameters: the replication
 * mode and how many slave acknowledgements a write needs, the failure detector that watches
 * the master, and the bug switches.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import type { DetectorSettings } from '../heartbeat/detector.js';
import { majorityOf } from '../membership.js';

/** How many slaves must hold a write before it is acknowledged. */
export type Mode = 'async' | 'semi-sync' | 'sync';

/** A replica's settings. */
export interface ReplicaOptions {
  readonly mode: Mode;
  /** Slave acknowledgements asked for in semi-sync mode (see `requiredAcks`). */
  readonly acks: number;
  /** The first configuration's members; the other servers start as spares. */
  readonly initialMembers: readonly NodeId[];
  /** Catch-up rounds a joining replica gets (protocols/membership.ts `CatchUp`). */
  readonly catchUpRounds: number;
  /** Records per InstallSnapshot chunk. */
  readonly snapshotChunk: number;
  readonly detector: DetectorSettings;
  readonly checkInterval: Micros;
  /** Base election delay: a candidate retries after [T, 2T]; a suspicion waits [0, T]. */
  readonly electionTimeout: Micros;
  /** Whether slaves may answer reads (read/write splitting); else they redirect. */
  readonly slaveReads: boolean;
  /** Whether the master answers reads from its own state without confirming its epoch. */
  readonly localReads: boolean;
  /** Entries per Replicate message, at most. */
  readonly batch: number;
  /** False under the `no-fencing` bug: epochs are not checked. */
  readonly fencing: boolean;
  /** True under `async-ack-failover`: acknowledge once the master alone has the write. */
  readonly ackBeforeReplication: boolean;
  /** True under `count-before-caught-up`: a new member counts at once as holding the log. */
  readonly countBeforeCaughtUp: boolean;
  /** True under `snapshot-without-tail`: a snapshot is labelled where its copy ended. */
  readonly snapshotWithoutTail: boolean;
}

/** Slave acknowledgements a write needs in `mode` on a cluster of `servers`. */
export function requiredAcks(mode: Mode, acks: number, servers: number): number {
  switch (mode) {
    case 'async':
      return 0;
    case 'semi-sync':
      return Math.min(acks, servers - 1);
    case 'sync':
      return servers - 1;
  }
}

/**
 * Whether an acknowledged write survives any failover: the servers holding it (the master
 * and its required slaves) always meet the majority that elects the next master, and the
 * election prefers the most complete log (Raft's Leader Completeness argument, §5.4).
 */
export function ackedWritesSurvive(requiredAcksCount: number, servers: number): boolean {
  return requiredAcksCount + 1 + majorityOf(servers) > servers;
}
