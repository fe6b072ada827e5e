/**
 * How fuzz campaigns strike Paxos where it is weak (runner/fuzz).
 *
 * Multi-Paxos phases:
 * - `election`: a server runs phase 1 (Prepare) for leadership, or no server leads;
 * - `accept`: the leader has proposals out that a quorum has not accepted yet (a takeover now
 *   must find them in the promises and re-propose them);
 * - `decide`: a slot is decided at the leader but not yet at every live server.
 * (An acceptor rebuilds from its peers only when both copies of a record are damaged, which
 * the campaigns' fault model, damage on a minority and one copy at a time, never does: no
 * phase for it.)
 * The `leader` is the up server leading with the highest ballot.
 *
 * Single-decree Paxos phases are the proposers': `prepare` and `accept` while some proposer is
 * in them, and `learn` once some server learned the decision and another has not. Its
 * `leader` is a proposer in phase 2 (the one whose value is being accepted), else in phase 1.
 *
 * Both add one rule: duplicate and delay messages while a proposer is in phase 2, so that
 * Accepted and Promise replies of an older ballot arrive late and twice, after the ballot
 * changed (a proposer must count only votes of its current ballot).
 */
import type { NodeId } from '../../sim/index.js';
import { type ClusterView, highestLeader, type NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import { compareBallots } from './ballot.js';
import { MultiPaxosNode } from './node.js';
import { SinglePaxosNode } from './singleNode.js';

const LATE_REPLIES: NemesisRule = {
  name: 'late-replies-in-accept',
  trigger: { on: 'enter', phases: ['accept'] },
  steps: [{ target: 'random', action: 'dup-delay', after: [0, 0.1], length: [0.5, 2] }],
  chance: 0.5, limit: 4,
};

function multiNode(world: World, id: NodeId): MultiPaxosNode | undefined {
  const program = world.program(id);
  return program instanceof MultiPaxosNode ? program : undefined;
}

function multiLeader(world: World): { id: NodeId; node: MultiPaxosNode } | undefined {
  return highestLeader(world, (id) => {
    const node = multiNode(world, id);
    return node?.role === 'leader' ? node : undefined;
  }, (a, b) => compareBallots(a.ballot, b.ballot));
}

const multiView: ClusterView = {
  phases(world) {
    const phases: string[] = [];
    const leader = multiLeader(world);
    let campaigning = false;
    let behind = false;
    for (const id of world.servers) {
      const node = multiNode(world, id);
      if (node === undefined) continue;
      if (node.role === 'candidate') campaigning = true;
      if (leader !== undefined && node.replica.decided.size < leader.node.replica.decided.size) {
        behind = true;
      }
    }
    if (campaigning || leader === undefined) phases.push('election');
    if (leader !== undefined && leader.node.proposals.size > 0) phases.push('accept');
    if (behind) phases.push('decide');
    return phases;
  },
  holders(world, role) {
    if (role !== 'leader') return [];
    const leader = multiLeader(world);
    return leader === undefined ? [] : [leader.id];
  },
};

/** Multi-Paxos's fuzz traits. */
export const multiPaxosFuzz: FuzzTraits<{ leaderTimeout: readonly [number, number];
  heartbeat: number }> = {
  phases: ['election', 'accept', 'decide'],
  roles: ['leader'],
  view: () => multiView,
  timescale: (p) => ({ tick: p.heartbeat, timeout: p.leaderTimeout[0] }),
  rules: [LATE_REPLIES],
  // The shipped options are fuzzed too: reads in slots, and batched proposals.
  variants: {
    reads: ['read-index', 'read-index', 'log'],
    batchDelay: [0, 0, 0, '5ms'],
  },
};

function singleNode(world: World, id: NodeId): SinglePaxosNode | undefined {
  const program = world.program(id);
  return program instanceof SinglePaxosNode ? program : undefined;
}

const singleView: ClusterView = {
  phases(world) {
    const phases = new Set<string>();
    let learned = false;
    let unlearned = false;
    for (const id of world.servers) {
      const node = singleNode(world, id);
      if (node === undefined) continue;
      if (node.proposer.phase !== 'idle') phases.add(node.proposer.phase);
      if (node.learned === undefined) unlearned = true;
      else learned = true;
    }
    if (learned && unlearned) phases.add('learn');
    return [...phases];
  },
  holders(world, role) {
    if (role !== 'leader') return [];
    let best: { id: NodeId; accepting: boolean } | undefined;
    for (const id of world.servers) {
      const phase = singleNode(world, id)?.proposer.phase;
      if (phase === undefined || phase === 'idle') continue;
      if (best === undefined || (phase === 'accept' && !best.accepting)) {
        best = { id, accepting: phase === 'accept' };
      }
    }
    return best === undefined ? [] : [best.id];
  },
};

/** Single-decree Paxos's fuzz traits. */
export const singlePaxosFuzz: FuzzTraits<{ proposeAfter: readonly [number, number];
  backoff: readonly [number, number] }> = {
  phases: ['prepare', 'accept', 'learn'],
  roles: ['leader'],
  view: () => singleView,
  // A round takes a few message delays; a timeout is the backoff before a proposer retries.
  timescale: (p) => ({ tick: p.backoff[0], timeout: Math.max(p.backoff[1], 20_000) }),
  // A decision takes milliseconds, so faults come in the first second; the liveness phase
  // outlasts a proposer's longest backoff (30 ms doubled six times) with room to spare.
  profile: { duration: 4_000_000, settle: 3_000_000 },
  rules: [LATE_REPLIES],
};
