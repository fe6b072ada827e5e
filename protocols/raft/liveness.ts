/**
 * Raft's liveness checks for the phase after faults heal (engine `LivenessPhase`):
 * - `leader-elected`: some server leads and has committed an entry of its own term, so it can
 *   serve (a leader that cannot commit is no progress);
 * - `pending-ops-complete`: every client operation pending at the heal has completed, and
 *   every client has had an operation invoked after the heal served (`ok`, or a
 *   compare-and-set answered `cas-mismatch`: sim/check/history.ts `served`);
 * - `servers-caught-up`: every server that is up (and not disabled by a damaged disk) has
 *   applied everything any server had committed at the heal: a server that was cut off or
 *   down catches up, through AppendEntries or InstallSnapshot (the lab's "agreement after
 *   the follower reconnects"). Only the servers of the configuration in force count (that of
 *   the server that committed most): a spare never added, or a removed server, is left alone.
 * A check is first asked at the heal itself (the engine checks after the heal event), which is
 * when `pending-ops-complete` takes its snapshot of what is pending.
 */
import { type HistoryEvent, served } from '../../sim/check/history.js';
import type { LivenessCheck, World } from '../../sim/check/property.js';
import type { NodeId } from '../../sim/index.js';
import { raftNode } from './invariants.js';
import type { RaftNode } from './node.js';

/** Some up server leads and has committed in its term. */
export function leaderCanCommit(world: World): boolean {
  return world.servers.some((id) => {
    const node = raftNode(world.program(id));
    return node !== undefined && world.isUp(id) && !world.isPaused(id) && node.role === 'leader' &&
      node.log.termAt(node.commitIndex) === node.currentTerm;
  });
}

/** Builds the liveness checks of one run. */
export function raftLiveness(): LivenessCheck[] {
  let healIndex: number | undefined;
  let pending = new Set<NodeId>();
  let scanned = 0;
  const okAfter = new Set<NodeId>();
  const invokedAfter = new Set<NodeId>();
  const scan = (history: readonly HistoryEvent[]): void => {
    for (; scanned < history.length; scanned++) {
      const event = history[scanned] as HistoryEvent;
      if (event.type === 'invoke') invokedAfter.add(event.process);
      else {
        pending.delete(event.process);
        if (served(event) && invokedAfter.has(event.process)) okAfter.add(event.process);
      }
    }
  };
  let committedAtHeal: number | undefined;
  /** The servers that must catch up and have not, as `n3 applied 40 of 212`. */
  const behind = (world: World): string[] => {
    const nodes = world.servers.map((id) => ({ id, node: raftNode(world.program(id)) }));
    committedAtHeal ??= Math.max(0, ...nodes.map(({ node }) => node?.commitIndex ?? 0));
    const target = committedAtHeal;
    let ahead: RaftNode | undefined;
    for (const { node } of nodes) {
      if (node !== undefined && node.commitIndex >= (ahead?.commitIndex ?? -1)) ahead = node;
    }
    const config = ahead?.configuration;
    return nodes.filter(({ id, node }) => node !== undefined && world.isUp(id) &&
      node.disabled === undefined && node.lastApplied < target &&
      (config === undefined || config.has(id)))
      .map(({ id, node }) => `${id} applied ${node?.lastApplied} of ${target}`);
  };
  return [
    { name: 'leader-elected', explain: 'no leader able to commit in its term was elected',
      holds: leaderCanCommit },
    { name: 'servers-caught-up',
      explain: 'a server that is up did not apply the entries committed before the heal',
      holds: (world) => behind(world).length === 0,
      detail: (world) => behind(world).join(', ') },
    { name: 'pending-ops-complete',
      explain: 'client operations pending at the heal did not complete, or a client made no ' +
        'progress after it',
      holds(world) {
        if (healIndex === undefined) {
          healIndex = world.history.length;
          pending = pendingAt(world.history);
          scanned = healIndex;
        }
        scan(world.history);
        return pending.size === 0 && world.clients.every((c) => okAfter.has(c));
      },
      detail(world) {
        const idle = world.clients.filter((c) => !okAfter.has(c) && !pending.has(c));
        return pending.size === 0 && idle.length === 0 ? undefined : [
          ...pending.size === 0 ? [] : [`still pending: ${[...pending].join(', ')}`],
          ...idle.length === 0 ? [] : [`no operation served since: ${idle.join(', ')}`],
        ].join('; ');
      } },
  ];
}

function pendingAt(history: readonly HistoryEvent[]): Set<NodeId> {
  const open = new Set<NodeId>();
  for (const event of history) {
    if (event.type === 'invoke') open.add(event.process);
    else open.delete(event.process);
  }
  return open;
}
