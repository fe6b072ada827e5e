/**
 * A nemesis that watches the cluster (Jepsen's targeted nemeses): it runs the engine in short
 * slices and, seeing who leads, crashes, pauses or isolates the leader, and crashes a server
 * right after an election (when votes were just cast). Every choice comes from one seeded
 * `Prng`, so a run replays exactly. Used by the bug-switch tests: some bugs need a fault at a
 * moment a blind schedule rarely hits.
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
}

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
  for (let t = 5_000; t < spec.duration && !engine.isStopped; t += 5_000) {
    engine.run(t);
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

function crashFor(
  engine: ReturnType<typeof prepareRun>['engine'], node: NodeId, at: number, down: number,
): void {
  if (!engine.isUp(node)) return;
  engine.schedule(Math.max(at, engine.now), { kind: 'crash', node });
  engine.schedule(Math.max(at, engine.now) + down, { kind: 'restart', node });
}

function currentLeader(
  engine: ReturnType<typeof prepareRun>['engine'], servers: readonly NodeId[],
): { id: NodeId; term: number } | undefined {
  let best: { id: NodeId; term: number } | undefined;
  for (const id of servers) {
    const node = raftNode(engine.program(id));
    if (node === undefined || !engine.isUp(id) || node.role !== 'leader') continue;
    if (best === undefined || node.currentTerm > best.term) best = { id, term: node.currentTerm };
  }
  return best;
}
