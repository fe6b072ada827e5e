/**
 * How fuzz campaigns strike Raft where it is weak (runner/fuzz). Its phases:
 * - `election`: a server campaigns (pre-candidate or candidate), or no server leads;
 * - `replication`: the leader holds entries of its term that no follower acknowledged (the moment
 *   of the paper's Figure 8: a leader isolated now leaves entries of its term on no other
 *   server, and a later leader may or may not carry them);
 * - `commit`: the leader has committed further than some live follower knows (isolating it now
 *   leaves followers to elect a leader from what they acknowledged);
 * - `read`: a ReadIndex round or reads waiting on one (a leader deposed now must not answer);
 * - `snapshot`: an InstallSnapshot is under way (a cut now leaves a follower with part of one).
 * The roles nemeses aim at are the `leader`, the up server that leads in the highest term,
 * and the `spare`s, servers outside its configuration (not yet added, or removed).
 *
 * Raft adds no rules of its own for every run: the generic ones (runner/fuzz/rules.ts) crash
 * the servers whose vote or acknowledgement is not durable as a leader appears or a commit
 * begins, and isolate, sever or crash the leader as each phase begins, which is where its
 * bugs live. A run whose membership may change (spares, operator requests: one run in three)
 * also gets one of the membership rules below (thesis chapter 4): two removals asked at once,
 * then the leader split off with part of the cluster and crashed, so that servers holding
 * different configurations elect leaders; a spare added and a follower crashed soon after (a
 * new server counted before it holds the log); the leader removed, or first moved off with a
 * leadership transfer and then removed.
 */
import type { NodeId } from '../../sim/index.js';
import { type ClusterView, highestLeader, type NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import type { RaftParams } from './definition.js';
import { raftNode } from './invariants.js';
import type { RaftNode } from './node.js';

export const RAFT_PHASES = ['election', 'replication', 'commit', 'read', 'snapshot'] as const;

/** The leader of the highest term, with its node. */
function leaderOf(world: World): { id: NodeId; node: RaftNode } | undefined {
  return highestLeader(world, (id) => {
    const node = raftNode(world.program(id));
    return node?.role === 'leader' ? node : undefined;
  }, (a, b) => a.currentTerm - b.currentTerm);
}

function phasesOf(world: World): string[] {
  const phases: string[] = [];
  const leader = leaderOf(world);
  let campaigning = false;
  let snapshot = false;
  let behind = false;
  for (const id of world.servers) {
    const node = raftNode(world.program(id));
    if (node === undefined) continue;
    if (node.role === 'candidate' || node.role === 'precandidate') campaigning = true;
    if (node.incoming !== undefined) snapshot = true;
    if (leader !== undefined && id !== leader.id && node.commitIndex < leader.node.commitIndex) {
      behind = true;
    }
  }
  if (campaigning || leader === undefined) phases.push('election');
  if (leader !== undefined) {
    const { node } = leader;
    let acknowledged = 0;
    for (const progress of node.progress.values()) {
      acknowledged = Math.max(acknowledged, progress.matchIndex);
      if (progress.snapshotIndex > 0) snapshot = true;
    }
    // Entries of its own term that no follower acknowledged: isolated now, it leaves them on
    // no other server.
    if (node.log.lastTerm === node.currentTerm && node.log.lastIndex > acknowledged) {
      phases.push('replication');
    }
    if (behind) phases.push('commit');
    if (node.pendingReads.length > 0) phases.push('read');
  }
  if (snapshot) phases.push('snapshot');
  return phases;
}

const view: ClusterView = {
  phases: phasesOf,
  holders(world, role) {
    const leader = leaderOf(world);
    if (role === 'leader') return leader === undefined ? [] : [leader.id];
    if (role !== 'spare' || leader === undefined) return [];
    const config = leader.node.configuration;
    return world.servers.filter((id) => !config.has(id) && !leader.node.learners.has(id));
  },
};

const LEADER = { role: 'leader' } as const;
const SPARE = { role: 'spare' } as const;
const NOW = [0, 0] as const;
const QUICK = [0.01, 0.1] as const;

/** Rules for runs whose membership may change (see the file comment); times in timeouts. */
const MEMBERSHIP_RULES: readonly NemesisRule[] = [
  { name: 'two-changes-then-split', trigger: { on: 'every', period: 3 }, chance: 1, limit: 2,
    steps: [
      { target: 'follower', action: 'remove', after: NOW, length: [3, 6] },
      { target: 'follower', action: 'remove', after: NOW, length: [3, 6] },
      { target: SPARE, action: 'add', after: NOW, length: QUICK },
      { target: LEADER, action: 'split', after: [0.005, 0.05], length: [1, 3] },
      { target: LEADER, action: 'crash', after: [0.3, 0.8], length: [0.2, 0.8] },
    ] },
  { name: 'add-and-crash', trigger: { on: 'every', period: 3 }, chance: 1, limit: 2,
    steps: [
      { target: SPARE, action: 'add', after: NOW, length: QUICK },
      { target: 'follower', action: 'crash', after: [0.1, 1], length: [1, 3] },
    ] },
  { name: 'remove-leader', trigger: { on: 'change', role: 'leader' }, chance: 0.5, limit: 2,
    steps: [{ target: LEADER, action: 'remove', after: [0, 0.5], length: [2, 5] }] },
  // Moved off gracefully (§3.10), then removed, while a follower crashes.
  { name: 'move-and-remove-leader', trigger: { on: 'change', role: 'leader' }, chance: 0.5,
    limit: 2, steps: [
      { target: 'follower', action: 'transfer', after: [0, 0.3], length: QUICK },
      { target: LEADER, action: 'remove', after: [0.3, 0.6], length: [2, 5] },
      { target: 'follower', action: 'crash', after: [0.1, 1], length: [0.5, 2] },
    ] },
];

/** Raft's fuzz traits. */
export const raftFuzz: FuzzTraits<RaftParams> = {
  phases: RAFT_PHASES,
  roles: ['leader', 'spare'],
  membershipRules: MEMBERSHIP_RULES,
  view: () => view,
  timescale: (p) => ({ tick: p.heartbeat, timeout: p.electionTimeout[0] }),
  variants: {
    preVote: [false, false, true],
    checkQuorum: [false, false, true],
    reads: ['read-index', 'read-index', 'log'],
    snapshotEvery: [0, 0, 0, 5, 20],
    batchDelay: [0, 0, 0, '5ms'],
  },
};
