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
 * The role nemeses aim at is the `leader`: the up server that leads in the highest term.
 *
 * Raft adds no rules of its own: the generic ones (runner/fuzz/rules.ts) crash the servers
 * whose vote or acknowledgement is not durable as a leader appears or a commit begins, and
 * isolate, sever or crash the leader as each phase begins, which is where its bugs live.
 */
import type { NodeId } from '../../sim/index.js';
import { type ClusterView, highestLeader } from '../../sim/check/nemesis.js';
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
    if (role !== 'leader') return [];
    const leader = leaderOf(world);
    return leader === undefined ? [] : [leader.id];
  },
};

/** Raft's fuzz traits. */
export const raftFuzz: FuzzTraits<RaftParams> = {
  phases: RAFT_PHASES,
  roles: ['leader'],
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
