/**
 * What a nemesis sees of a run and how it strikes (Jepsen's nemeses; FoundationDB's "buggify"
 * moments). A nemesis watches the cluster after every event, as the properties do, through a
 * protocol's `ClusterView`: which phases the protocol is in (an election, a commit, a lease
 * held) and which nodes hold its roles (the leader, a lock holder). When a rule of its plan
 * fires it strikes: it queues an ordinary fault a little later (runner/fuzz/nemesis.ts).
 *
 * A strike goes through `Engine.strike`, which orders it exactly as a fault of the run's
 * schedule would be, so the faults a nemesis struck, written into the schedule, replay the run
 * event for event without the nemesis. That is how a counterexample is saved.
 *
 * Nothing here draws on real time or chance; a nemesis draws from its own `Prng`.
 */
import type { Fault } from '../faults.js';
import type { Micros, NodeId } from '../types.js';
import type { World } from './property.js';

/** Queues `fault` `after` µs from now (at least 1 µs: a strike never lands in the past). */
export type Strike = (fault: Fault, after?: Micros) => void;

/** A nemesis watching one run. */
export interface Nemesis {
  /** Called after every event that changed something; reads the world, may strike. */
  observe(world: World, strike: Strike): void;
}

/**
 * A protocol's cluster as nemeses and the coverage matrix see it. One view serves one run; it
 * may keep state between calls (what it saw of each node), and must change nothing.
 */
export interface ClusterView {
  /** The phases active now, a subset of the protocol's declared phases; empty when idle. */
  phases(world: World): readonly string[];
  /**
   * The nodes that hold `role` now: `leader` (the node clients and replication go through: a
   * Raft or Multi-Paxos leader, a replication master, a 2PC coordinator, a lock service) and
   * any other role the protocol declares (a lock `holder`). Empty when nobody does.
   */
  holders(world: World, role: string): readonly NodeId[];
}

/** The phase shown for a fault that struck while no declared phase was active. */
export const IDLE_PHASE = 'idle';

/**
 * When a rule fires: a node newly holds `role` (a new leader; with `returning`, only a node
 * that held it before in this run: a former leader back in a later term); one of `phases`
 * becomes active (each time one does); a server holds writes that are not durable yet (a
 * promise may be out before its fsync); or every `period` (in timescale units, see
 * `NemesisRule`).
 */
export type Trigger =
  | { readonly on: 'change'; readonly role: string; readonly returning?: boolean }
  | { readonly on: 'enter'; readonly phases: readonly string[] }
  | { readonly on: 'unsynced' }
  | { readonly on: 'every'; readonly period: number };

/**
 * Whom a strike hits: the holder of a role (`leader`, or another the protocol declares), the
 * servers holding unsynced writes, one server other than the leader, any server, or every
 * server but the leader.
 */
export type Target =
  | { readonly role: string }
  | 'unsynced'
  | 'follower'
  | 'random'
  | 'others';

/**
 * What a strike does, each undone after its length (a crash by a restart, an isolation by a
 * heal, a slow link by restoring the network) except clock jumps, which stay:
 * - `crash`, `crash-torn` (the write in progress is torn), `pause`;
 * - `isolate` (the target alone against the rest), `sever` (cut both ways from one other
 *   server), `split` (the target and a minority against the majority), `split-clients` (the
 *   same, with half the clients on each side: those with the minority reach only it, as
 *   clients running beside their servers do), `bridge` (the target
 *   at one end of a bridge: it reaches the middle node, which reaches a majority without it),
 *   `ring`;
 * - `clock-jump` forward by the length, `clock-back` back by it;
 * - `slow` (every link takes about the length to deliver), `lossy` (every link loses a
 *   third), `dup-delay` (every link duplicates half its messages and gives delays a long tail,
 *   one in a hundred as late as the length, so replies arrive late and twice, across whatever
 *   changes meanwhile), `limp` (the target's outgoing links take about the length: a gray
 *   failure, a node whose replies arrive long after the others moved on), `straggle` (the
 *   target's links to and from every other server as `dup-delay`: on time as a rule, so
 *   nothing times out, but now and then a message to or from it arrives a length late);
 * - `fail-sync`, `corrupt` (disk faults; no repair);
 * - `remove` (the operator removes the target from the configuration; undone by adding it
 *   back), `add` (the operator adds the target, a spare; not undone), `transfer` (the
 *   operator moves the leadership to the target; not undone): membership changes, for
 *   protocols that have them, in runs whose membership may change.
 */
export type Action =
  | 'crash' | 'crash-torn' | 'pause'
  | 'isolate' | 'sever' | 'split' | 'split-clients' | 'bridge' | 'ring'
  | 'clock-jump' | 'clock-back'
  | 'slow' | 'lossy' | 'dup-delay' | 'limp' | 'straggle'
  | 'fail-sync' | 'corrupt'
  | 'remove' | 'add' | 'transfer';

/** The actions that ask the operator for a membership change (the run needs its process). */
export const MEMBERSHIP_ACTIONS: ReadonlySet<Action> = new Set(['remove', 'add', 'transfer']);

/** One strike of a rule. Times are in units of the protocol's timeout (see `Timescale`). */
export interface StrikeStep {
  readonly target: Target;
  readonly action: Action;
  /** Delay after the trigger, in timeouts (0: the next microsecond). */
  readonly after: readonly [number, number];
  /** How long the fault lasts, or how far a clock jumps, in timeouts. */
  readonly length: readonly [number, number];
}

/**
 * A rule of a nemesis: when `trigger` fires, with probability `chance`, run its steps (at
 * most `limit` times a run). A rule is data, so a plan can be drawn, printed and replayed.
 */
export interface NemesisRule {
  /** A short name for reports, such as `amnesia` or `isolate-new-leader`. */
  readonly name: string;
  readonly trigger: Trigger;
  readonly steps: readonly StrikeStep[];
  readonly chance: number;
  readonly limit: number;
}

/** A protocol's characteristic durations, µs: the scale of a nemesis's delays and outages. */
export interface Timescale {
  /** A heartbeat or resend period. */
  readonly tick: Micros;
  /** An election timeout, a lease, a detector's timeout: what a fault must outlast to matter. */
  readonly timeout: Micros;
}

/**
 * The leading server a view aims at: among the servers `leading` returns a node for (one that
 * believes it leads), the one `compare` ranks highest (by term, ballot or epoch: a deposed
 * leader that has not heard of its successor ranks below it). Undefined when none leads.
 */
export function highestLeader<N>(world: World, leading: (id: NodeId) => N | undefined,
  compare: (a: N, b: N) => number): { id: NodeId; node: N } | undefined {
  let best: { id: NodeId; node: N } | undefined;
  for (const id of world.servers) {
    const node = leading(id);
    if (node !== undefined && (best === undefined || compare(node, best.node) > 0)) {
      best = { id, node };
    }
  }
  return best;
}
