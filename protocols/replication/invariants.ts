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
 * `replicas-agree` (liveness): after healing, a master exists and every member of its
 * configuration commits what it had committed at the heal, with the same entries.
 */
import type { AlwaysProperty, LivenessCheck, World } from '../../sim/check/property.js';
import type { ReplicaNode } from './node.js';
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
    evidence: () => observer.evidence.get(name),
  };
}


/**
 * `replicas-agree`: a master exists, and every eligible member that is up has committed what
 * the newest master had committed when the check first saw it after the heal, with the same
 * entry there (so the same log up to it), and holds every acknowledged write the master had
 * committed by then (a replica that joined by a snapshot holds no entries below it, so its
 * state is checked by the writes it applied: the log's entries cannot show a snapshot that
 * missed some; spares and removed replicas follow no master and are not checked). When a master of a newer epoch appears, the target
 * is its own: a master cut off before the heal, in async or semi-sync mode, commits writes
 * alone or with a minority that its successor rightly discards (faultline fuzz replication
 * --seed 7, run 331: scenarios/replication/agree-after-deposed-master.yaml; --seed 20261207,
 * run 762, the same in async mode). A fixed target,
 * as Raft's `servers-caught-up`: under a workload that never pauses, replicas rarely hold the
 * master's very last entry at one instant, and a check that wanted that failed correct runs
 * (faultline fuzz replication --seed 1, run 9: scenarios/replication/agree-under-load.yaml).
 */
export function replicasAgree(observer: ReplicationObserver): LivenessCheck {
  let target: { readonly index: number; readonly epoch: number; readonly master: number } |
    undefined;
  // The replicas (by program) found to hold the acknowledged writes up to a target index.
  const verified = new WeakMap<object, number>();
  /** An acknowledged write committed by `at` that `node` lacks, by its token, if any. */
  const missingWrite = (node: ReplicaNode, master: ReplicaNode, at: number):
    string | undefined => {
    if (verified.get(node) === at) return undefined;
    for (const write of observer.acked) {
      const index = master.tokens.get(write.token);
      if (index !== undefined && index <= at && !node.tokens.has(write.token)) return write.token;
    }
    verified.set(node, at);
    return undefined;
  };
  /** What keeps the check from holding, as `n4 committed 3 of 5`; empty once it holds. */
  const behind = (world: World): string[] => {
    const master = observer.newestMaster(world);
    if (master === undefined) return ['no master'];
    const index = master.node.commit;
    if (target === undefined || master.node.epoch > target.master) {
      target = { index, epoch: master.node.log.epochAt(index), master: master.node.epoch };
    }
    const { index: at, epoch } = target;
    const members = master.node.configuration();
    const problems: string[] = [];
    for (const id of world.servers) {
      const node = replica(world, id);
      // A spare, or a replica removed, follows no master; below a snapshot's index a
      // replica holds the committed state, not the entries.
      if (node === undefined || !node.eligible || !world.isUp(id) || !members.has(id)) continue;
      if (node.commit < at) problems.push(`${id} committed ${node.commit} of ${at}`);
      else if (!node.log.compacted(at) && node.log.epochAt(at) !== epoch) {
        problems.push(`${id} holds entry ${at} of epoch ${node.log.epochAt(at)}, not ${epoch}`);
      } else {
        const write = missingWrite(node, master.node, at);
        if (write !== undefined) {
          problems.push(`${id} lacks the acknowledged write ${write}, committed by ${at}`);
        }
      }
    }
    return problems;
  };
  return {
    name: 'replicas-agree',
    explain: 'no master, or a replica that has not caught up with what the master had ' +
      'committed at the heal, or lacks an acknowledged write committed by then',
    holds: (world) => behind(world).length === 0,
    detail: (world) => behind(world).join(', ') || undefined,
  };
}
