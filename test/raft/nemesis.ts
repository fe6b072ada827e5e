/**
 * A nemesis that watches the cluster (Jepsen's targeted nemeses): it runs the engine in short
 * slices and, seeing who leads, crashes, pauses or isolates the leader, and crashes a server
 * right after an election (when votes were just cast). Every choice comes from one seeded
 * `Prng`, so a run replays exactly. Used by the bug-switch tests: some bugs need a fault at a
 * moment a blind schedule rarely hits.
 *
 * Its `strikes` watch at a finer grain (every `WATCH_SLICE` µs) for moments that last about a
 * message delay or a disk sync, and strike then, as a Jepsen nemesis that kills a process
 * between its reply and its fsync does: a vote granted but not yet durable, a leader just
 * elected, a leader that just counted replicas of an older term's entry. They read the
 * servers' state and inject ordinary faults (crash, restart, partition), the same whether a
 * bug switch is on or not; the correct protocol survives them (test/raft/bugs.test.ts).
 */
import { type Fault, type NodeId, Prng, type ScheduledFault } from '../../sim/index.js';
import { judge, prepareRun, type RunReport, type RunSpec } from '../../runner/index.js';
import { raftNode } from '../../protocols/raft/invariants.js';

export interface NemesisOptions {
  /**
   * What to do to the leader every `every` µs: crash or pause it, isolate it, or sever it
   * from one follower (both directions), which can then be elected by the others while the
   * old leader still reaches them.
   */
  readonly leader: 'crash' | 'pause' | 'isolate' | 'sever' | 'none';
  readonly every: readonly [number, number];
  /** How long a fault lasts before its repair. */
  readonly downFor: readonly [number, number];
  /** Probability of crashing a random server right after a new leader appears. */
  readonly crashAfterElection: number;
  /** Faults at finely watched moments (see the file comment); checked every `WATCH_SLICE` µs. */
  readonly strikes?: Strikes;
}

/** The finely watched strikes; each is off when absent. */
export interface Strikes {
  /**
   * When a new leader appears while some of its voters' votes are not durable yet (the voter
   * holds the vote and its disk unsynced writes), with this chance: crash those voters at
   * once and restart them after `voterDownFor`, and crash the leader for `leaderDownFor`. A
   * voter that replied before its vote was durable comes back without it and can vote again
   * in that term, for a candidate that never heard of the leader.
   */
  readonly forgetVotes?: {
    readonly chance: number;
    readonly voterDownFor: readonly [number, number];
    readonly leaderDownFor: readonly [number, number];
  };
  /**
   * Probability of isolating a new leader (a partition of it alone against the rest, replacing
   * any other) as soon as it holds an entry of its term that no other server holds, once per
   * server: like the leaders of the paper's Figure 8 it keeps entries of its term no one else
   * has, while the others elect a new leader. A server isolated once is left to lead when
   * elected again, with that log.
   */
  readonly isolateNewLeader?: number;
  /**
   * Isolate a leader at once when its commit index rises to an entry of an older term (it
   * counted that entry's replicas: the moment c of the paper's Figure 8), before its own
   * term's entries reach the others. Correct Raft never does that, so this strike never fires
   * on it.
   */
  readonly isolateOnOldCommit?: boolean;
}

/** How often the strikes look at the cluster, µs: below a message delay or a disk sync. */
export const WATCH_SLICE = 200;

/** Runs `spec` under the nemesis and judges it as `runSpec` would. */
export function runWithNemesis(spec: RunSpec, options: NemesisOptions): RunReport {
  return nemesisRun(spec, options).report;
}

/** Runs `spec` under the nemesis; also returns the faults it injected, as a schedule. */
export function nemesisRun(
  spec: RunSpec, options: NemesisOptions,
): { report: RunReport; injected: ScheduledFault[] } {
  const prepared = prepareRun(spec);
  const injected: ScheduledFault[] = [];
  const engine = new Proxy(prepared.engine, { get(target, key) {
    if (key !== 'schedule') return Reflect.get(target, key, target);
    return (at: number, fault: Fault) => {
      injected.push({ at, fault });
      target.schedule(at, fault);
    };
  } });
  const prng = new Prng('nemesis', String(spec.seed));
  const servers = engine.servers;
  const between = ([min, max]: readonly [number, number]) => prng.int(min, max);
  let nextAction = between(options.every);
  let lastLeaderTerm = 0;
  const strikes = options.strikes === undefined ? undefined
    : new Striker(engine, servers, prng, options.strikes);
  const slice = strikes === undefined ? 5_000 : WATCH_SLICE;
  for (let t = slice; t < spec.duration && !engine.isStopped; t += slice) {
    engine.run(t);
    strikes?.watch(t);
    if (t % 5_000 !== 0) continue;
    const leader = currentLeader(engine, servers);
    if (leader !== undefined && leader.term > lastLeaderTerm) {
      lastLeaderTerm = leader.term;
      if (prng.chance(options.crashAfterElection)) {
        crashFor(engine, prng.pick(servers), t + prng.int(0, 4_000), between(options.downFor));
      }
    }
    if (t < nextAction || leader === undefined || options.leader === 'none') continue;
    nextAction = t + between(options.every);
    const down = between(options.downFor);
    if (options.leader === 'crash') crashFor(engine, leader.id, t, down);
    else if (options.leader === 'pause') {
      engine.schedule(t, { kind: 'pause', node: leader.id });
      engine.schedule(t + down, { kind: 'resume', node: leader.id });
    } else if (options.leader === 'sever') {
      const other = prng.pick(servers.filter((id) => id !== leader.id));
      engine.schedule(t, { kind: 'cut', from: leader.id, to: other });
      engine.schedule(t, { kind: 'cut', from: other, to: leader.id });
      engine.schedule(t + down, { kind: 'heal' });
    } else {
      const rest = servers.filter((id) => id !== leader.id);
      engine.schedule(t, { kind: 'partition', groups: [[leader.id], rest] });
      engine.schedule(t + down, { kind: 'heal' });
    }
  }
  engine.run(spec.duration);
  return { report: judge(prepared), injected: injected.sort((a, b) => a.at - b.at) };
}

type Engine = ReturnType<typeof prepareRun>['engine'];

/** What the strikes saw of one server. */
interface Seen {
  /** The program (a restart makes a new one). */
  readonly program: unknown;
  /** The term it was last seen leading in, or 0. */
  leaderTerm: number;
  commit: number;
  /** Whether to isolate it, as leader of `leaderTerm`, once it holds an entry alone. */
  isolateWhenAlone: boolean;
}

/** The strikes of one run: what they saw last, to act once per leadership and per commit. */
class Striker {
  private readonly seen = new Map<NodeId, Seen>();
  /** Servers isolated by `isolateNewLeader` (once each). */
  private readonly isolated = new Set<NodeId>();

  constructor(
    private readonly engine: Engine, private readonly servers: readonly NodeId[],
    private readonly prng: Prng, private readonly options: Strikes,
  ) {}

  watch(t: number): void {
    for (const id of this.servers) {
      const node = raftNode(this.engine.program(id));
      if (node === undefined || !this.engine.isUp(id)) continue;
      let seen = this.seen.get(id);
      if (seen === undefined || seen.program !== node) {
        seen = { program: node, leaderTerm: 0, commit: node.commitIndex, isolateWhenAlone: false };
        this.seen.set(id, seen);
      }
      const term = node.currentTerm;
      if (node.role !== 'leader') {
        seen.leaderTerm = 0;
        seen.commit = node.commitIndex;
        continue;
      }
      if (seen.leaderTerm !== term) {
        seen.leaderTerm = term;
        seen.commit = node.commitIndex;
        seen.isolateWhenAlone = false;
        if (this.forgetVotes(t, id, term)) continue;
        const isolate = this.options.isolateNewLeader;
        seen.isolateWhenAlone = isolate !== undefined && !this.isolated.has(id) &&
          this.prng.chance(isolate);
      }
      if (seen.isolateWhenAlone && lastLogTerm(node.log) === term && this.aloneInTerm(id, term)) {
        seen.isolateWhenAlone = false;
        this.isolated.add(id);
        this.isolate(t, id);
      }
      if (node.commitIndex > seen.commit) {
        seen.commit = node.commitIndex;
        const committed = termAt(node.log, node.commitIndex) ?? term;
        if (this.options.isolateOnOldCommit === true && committed < term) {
          seen.isolateWhenAlone = false;
          this.isolate(t, id);
        }
      }
    }
  }

  /** The `forgetVotes` strike on a leader of `term` just elected; returns whether it struck. */
  private forgetVotes(t: number, leader: NodeId, term: number): boolean {
    const forget = this.options.forgetVotes;
    if (forget === undefined) return false;
    const voters = this.servers.filter((id) => {
      const node = raftNode(this.engine.program(id));
      return id !== leader && node !== undefined && this.engine.isUp(id) &&
        node.currentTerm === term && node.votedFor === leader &&
        this.engine.disk(id).unsyncedWrites > 0;
    });
    if (voters.length === 0 || !this.prng.chance(forget.chance)) return false;
    for (const id of voters) crashFor(this.engine, id, t, this.prng.int(...forget.voterDownFor));
    crashFor(this.engine, leader, t, this.prng.int(...forget.leaderDownFor));
    return true;
  }

  /** Whether no server but `leader` holds an entry of `term` (its last entry would be one). */
  private aloneInTerm(leader: NodeId, term: number): boolean {
    return this.servers.every((id) => {
      const node = raftNode(this.engine.program(id));
      return id === leader || node === undefined || lastLogTerm(node.log) < term;
    });
  }

  /** Partitions `leader` alone against the rest (replacing any partition). */
  private isolate(t: number, leader: NodeId): void {
    this.engine.schedule(t, { kind: 'partition',
      groups: [[leader], this.servers.filter((id) => id !== leader)] });
  }
}

/**
 * The term of entry `index` of a log (undefined past its end). The log is an array of entries
 * or, with log compaction, an object that knows its terms: this reads either.
 */
function termAt(log: unknown, index: number): number | undefined {
  if (Array.isArray(log)) return (log[index - 1] as { term: number } | undefined)?.term;
  return (log as { termAt(index: number): number | undefined }).termAt(index);
}

/** The term of a log's last entry (0 when empty). */
function lastLogTerm(log: unknown): number {
  if (Array.isArray(log)) return (log.at(-1) as { term: number } | undefined)?.term ?? 0;
  return (log as { lastTerm: number }).lastTerm;
}

function crashFor(
  engine: Engine, node: NodeId, at: number, down: number,
): void {
  if (!engine.isUp(node)) return;
  engine.schedule(Math.max(at, engine.now), { kind: 'crash', node });
  engine.schedule(Math.max(at, engine.now) + down, { kind: 'restart', node });
}

function currentLeader(
  engine: Engine, servers: readonly NodeId[],
): { id: NodeId; term: number } | undefined {
  let best: { id: NodeId; term: number } | undefined;
  for (const id of servers) {
    const node = raftNode(engine.program(id));
    if (node === undefined || !engine.isUp(id) || node.role !== 'leader') continue;
    if (best === undefined || node.currentTerm > best.term) best = { id, term: node.currentTerm };
  }
  return best;
}
