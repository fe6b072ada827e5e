/**
 * The cluster-wide invariants of master-slave replication, checked after every event by the
 * observer (observer.ts):
 * 1. `one-master-per-epoch`: no two servers are master in one epoch.
 * 2. `epochs-monotonic`: a server's epoch never falls below one it made durable, restarts
 *    included.
 * 3. `no-lost-acked-write`: every acknowledged write is in the log of every master of a
 *    later epoch (checked against the master of the highest epoch seen, never a deposed one
 *    still unaware of its successor). Guaranteed, and so checked by default, only where
 *    acknowledged writes must survive failover (`ackedWritesSurvive`: sync, or semi-sync
 *    whose acks meet every electing majority); elsewhere checked when a scenario names it,
 *    and always measured (`lost-acked-writes`).
 * 4. `no-false-failover`: no master is replaced while it is up and running. Valid only under
 *    the synchronous model the detector's timeout assumes (no loss, no partition, delay at
 *    most maxDelay, no pause); it catches `timeout-below-delay`.
 * `linearizable` is judged after the run; guaranteed where acknowledged writes survive and
 * reads go to the master, and checked elsewhere when a scenario names it (async replication
 * and reads from slaves are not linearizable, and the check shows it).
 * `replicas-agree` (liveness): after healing, a master exists and every replica's commit
 * index reaches its log's end.
 */
import type { AlwaysProperty, LivenessCheck, World } from '../../sim/check/property.js';
import { replica, type ReplicationObserver } from './observer.js';

/** An `always` property answered by the observer. */
export function observed(observer: ReplicationObserver, name: string): AlwaysProperty {
  return {
    kind: 'always',
    name,
    check(world: World): string | undefined {
      observer.observe(world);
      return observer.problems.get(name);
    },
  };
}


/** `replicas-agree`: a live master, and every live replica holds and applies its log. */
export function replicasAgree(observer: ReplicationObserver): LivenessCheck {
  return {
    name: 'replicas-agree',
    explain: 'no master, or a replica that has not caught up with the master',
    holds(world: World): boolean {
      const master = observer.newestMaster(world);
      if (master === undefined || master.node.commit < master.node.log.lastIndex) return false;
      return world.servers.every((id) => {
        const node = replica(world, id);
        return node === undefined || !node.eligible || (node.commit === master.node.commit &&
          node.log.lastIndex === master.node.log.lastIndex);
      });
    },
  };
}
