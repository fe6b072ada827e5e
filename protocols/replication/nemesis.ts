/**
 * How fuzz campaigns strike master-slave replication where it is weak (runner/fuzz). Phases:
 * - `failover`: a replica stands for election, or no replica is master;
 * - `replication`: the master holds entries some live slave has not acknowledged (a master
 *   lost now takes them along unless enough slaves hold them);
 * - `catch-up`: a live slave holds less than the master has committed (a failover now must not
 *   elect it, and a read from it is stale);
 * - `join`: the master copies a snapshot to a replica, or one is catching up before it counts
 *   (membership.ts).
 * The `leader` is the master of the highest epoch among the up replicas; the `spare`s are
 * the servers outside its configuration that are not joining it; the `slave`s, the other
 * members.
 *
 * A run whose membership may change (spares, operator requests: one in three) also gets one
 * of the membership rules below: as a replica starts joining, every server but the master
 * crashed, so that writes wait, then the master (a new replica counted before it holds the
 * log acknowledges what only the master holds); a spare added and the master
 * crashed once it has caught up (so the new replica may be elected: it must hold every write
 * committed during its copy); a slave removed and added back (it rejoins by a snapshot over
 * its old log) while the master crashes.
 *
 * Runs may honour the synchronous model its failure detector assumes (`synchronous`): then
 * the only faults are crashes and delays stretched up to `maxDelay`, under which no live
 * master may be deposed (`no-false-failover`).
 */
import type { NodeId } from '../../sim/index.js';
import { type ClusterView, highestLeader, type NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import { nominalTimeout } from '../heartbeat/definition.js';
import type { ReplicationParams } from './definition.js';
import { ReplicaNode } from './node.js';

function replica(world: World, id: NodeId): ReplicaNode | undefined {
  const program = world.program(id);
  return program instanceof ReplicaNode ? program : undefined;
}

function masterOf(world: World): { id: NodeId; node: ReplicaNode } | undefined {
  return highestLeader(world, (id) => {
    const node = replica(world, id);
    return node?.role === 'master' ? node : undefined;
  }, (a, b) => a.epoch - b.epoch);
}

const view: ClusterView = {
  phases(world) {
    const phases: string[] = [];
    const master = masterOf(world);
    let candidate = false;
    let unacknowledged = false;
    let behind = false;
    const joining = master !== undefined && master.node.masterState !== undefined &&
      master.node.masterState.joins.targets().length > 0;
    for (const id of world.servers) {
      const node = replica(world, id);
      if (node === undefined) continue;
      if (node.role === 'candidate') candidate = true;
      if (master === undefined || id === master.id || !master.node.configuration().has(id)) {
        continue;
      }
      const match = master.node.masterState?.matchIndex.get(id) ?? 0;
      if (match < master.node.log.lastIndex) unacknowledged = true;
      if (node.log.lastIndex < master.node.commit) behind = true;
    }
    if (candidate || master === undefined) phases.push('failover');
    if (unacknowledged) phases.push('replication');
    if (behind) phases.push('catch-up');
    if (joining) phases.push('join');
    return phases;
  },
  holders(world, role) {
    const master = masterOf(world);
    if (master === undefined) return [];
    if (role === 'leader') return [master.id];
    const config = master.node.configuration();
    if (role === 'slave') return config.list.filter((id) => id !== master.id);
    if (role !== 'spare') return [];
    const joins = master.node.masterState?.joins.targets() ?? [];
    return world.servers.filter((id) => !config.has(id) && !joins.includes(id));
  },
};

const LEADER = { role: 'leader' } as const;
const SPARE = { role: 'spare' } as const;
const NOW = [0, 0] as const;
const QUICK = [0.01, 0.1] as const;

/** Rules for runs whose membership may change (see the file comment); times in timeouts. */
const MEMBERSHIP_RULES: readonly NemesisRule[] = [
  // As a replica starts joining (the operator added it), every server but the master dies,
  // the joiner too: writes can be acknowledged only with the new replica, which holds
  // nothing yet; then the master dies, and the old slaves come back first.
  { name: 'slaves-die-while-joining', trigger: { on: 'enter', phases: ['join'] }, chance: 1,
    limit: 2, steps: [
      { target: 'others', action: 'crash', after: NOW, length: [1.5, 2.5] },
      { target: LEADER, action: 'crash', after: [0.5, 0.9], length: [4, 6] },
    ] },
  { name: 'add-then-fail-over', trigger: { on: 'every', period: 4 }, chance: 1, limit: 2,
    steps: [
      { target: SPARE, action: 'add', after: NOW, length: QUICK },
      { target: LEADER, action: 'crash', after: [1, 2.5], length: [1, 3] },
    ] },
  { name: 'readd-under-failover', trigger: { on: 'every', period: 3 }, chance: 1, limit: 2,
    steps: [
      { target: 'follower', action: 'remove', after: NOW, length: [0.5, 2] },
      { target: LEADER, action: 'crash', after: [0.5, 2.5], length: [0.5, 2] },
    ] },
];

/** Replication's fuzz traits. */
export const replicationFuzz: FuzzTraits<ReplicationParams> = {
  phases: ['failover', 'replication', 'catch-up', 'join'],
  roles: ['leader', 'slave', 'spare'],
  membershipRules: MEMBERSHIP_RULES,
  view: () => view,
  timescale: (p) => ({ tick: p.period, timeout: nominalTimeout(p) }),
  variants: { mode: ['async', 'semi-sync', 'semi-sync', 'sync'],
    reads: ['master', 'master', 'round-robin'], masterReads: ['read-index', 'read-index', 'local'],
    detector: ['fixed', 'fixed', 'phi'], snapshotChunk: [64, 64, 8] },
  // Accuracy under bounded delays is the fixed detector's promise; phi-accrual makes none.
  synchronous: { param: 'synchronous', bound: (p) => p.maxDelay, requires: { detector: 'fixed' } },
  // A replica that reads a record failing its checksum (corrupt, or torn by a crash) leaves
  // service until an operator rebuilds it (README.md), so the liveness phase could never see
  // every replica agree: its campaigns fail syncs but damage nothing.
  profile: { nodes: [2, 5], damage: false },
};
