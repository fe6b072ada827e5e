/**
 * How fuzz campaigns strike master-slave replication where it is weak (runner/fuzz). Phases:
 * - `failover`: a replica stands for election, or no replica is master;
 * - `replication`: the master holds entries some live slave has not acknowledged (a master
 *   lost now takes them along unless enough slaves hold them);
 * - `catch-up`: a live slave holds less than the master has committed (a failover now must not
 *   elect it, and a read from it is stale).
 * The `leader` is the master of the highest epoch among the up replicas.
 *
 * Runs may honour the synchronous model its failure detector assumes (`synchronous`): then
 * the only faults are crashes and delays stretched up to `maxDelay`, under which no live
 * master may be deposed (`no-false-failover`).
 */
import type { NodeId } from '../../sim/index.js';
import { type ClusterView, highestLeader } from '../../sim/check/nemesis.js';
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
    for (const id of world.servers) {
      const node = replica(world, id);
      if (node === undefined) continue;
      if (node.role === 'candidate') candidate = true;
      if (master === undefined || id === master.id) continue;
      const match = master.node.masterState?.matchIndex.get(id) ?? 0;
      if (match < master.node.log.lastIndex) unacknowledged = true;
      if (node.log.lastIndex < master.node.commit) behind = true;
    }
    if (candidate || master === undefined) phases.push('failover');
    if (unacknowledged) phases.push('replication');
    if (behind) phases.push('catch-up');
    return phases;
  },
  holders(world, role) {
    if (role !== 'leader') return [];
    const master = masterOf(world);
    return master === undefined ? [] : [master.id];
  },
};

/** Replication's fuzz traits. */
export const replicationFuzz: FuzzTraits<ReplicationParams> = {
  phases: ['failover', 'replication', 'catch-up'],
  roles: ['leader'],
  view: () => view,
  timescale: (p) => ({ tick: p.period, timeout: nominalTimeout(p) }),
  variants: { mode: ['async', 'semi-sync', 'semi-sync', 'sync'],
    reads: ['master', 'master', 'round-robin'], masterReads: ['read-index', 'read-index', 'local'],
    detector: ['fixed', 'fixed', 'phi'] },
  // Accuracy under bounded delays is the fixed detector's promise; phi-accrual makes none.
  synchronous: { param: 'synchronous', bound: (p) => p.maxDelay, requires: { detector: 'fixed' } },
  // A replica that reads a record failing its checksum (corrupt, or torn by a crash) leaves
  // service until an operator rebuilds it (README.md), so the liveness phase could never see
  // every replica agree: its campaigns fail syncs but damage nothing.
  profile: { nodes: [2, 5], damage: false },
};
