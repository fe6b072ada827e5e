/**
 * The figures of a replication run, measured rather than asserted:
 * - `lost-acked-writes` (RPO in writes): acknowledged writes missing from the log of a master
 *   established after them (at its election, and at the end of the run);
 * - `stale-reads`: reads that missed a write acknowledged before they were invoked (a slave
 *   behind its master, or a deposed master); `dirty-reads`: reads of a value the final log
 *   does not contain;
 * - `availability`: the fraction of time a live master existed; `failovers`,
 *   `false-failovers` (the shared `rto-ms`, `rpo-writes` and the rest come from
 *   sim/check/recovery.ts, over crashes, pauses and partitions alike);
 * - node figures as the source material defines them: `mtbf-s` (up time per crash),
 *   `mttr-s` (down time per repair) and `formula-availability` = MTBF / (MTBF + MTTR) from
 *   them, beside the shared `node-availability` (measured running time, docs/metrics.md).
 */
import type { AckedWrite } from '../../sim/check/recovery.js';
import type { World } from '../../sim/check/property.js';
import { producedBy } from './store.js';
import { type Completed, replica, type ReplicationObserver } from './observer.js';
import type { ReplicaNode } from './node.js';

/** The log a run ends with: the newest master's, else the most complete live replica's. */
export function finalLog(world: World, observer: ReplicationObserver): ReplicaNode | undefined {
  const master = observer.newestMaster(world);
  if (master !== undefined) return master.node;
  let best: ReplicaNode | undefined;
  for (const id of world.servers) {
    const node = replica(world, id);
    if (node !== undefined && (best === undefined || best.log.isBehind(node.log.lastIndex,
      node.log.lastEpoch))) best = node;
  }
  return best;
}

function lastToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.trim().split(' ').pop();
}

/** Lost writes (counted by the observer), stale and dirty reads against the final log. */
export function historyFigures(final: ReplicaNode | undefined, observer: ReplicationObserver):
Record<string, number> {
  if (final === undefined) return { 'lost-acked-writes': 0, 'stale-reads': 0, 'dirty-reads': 0 };
  const position = new Map(final.base.produced);
  for (let i = final.log.base.index + 1; i <= final.log.lastIndex; i++) {
    const token = producedBy(final.log.at(i));
    if (token !== undefined) position.set(token, i);
  }
  const lost = observer.lost.size;
  const byKey = new Map<string, Completed[]>();
  for (const w of observer.acked) byKey.set(w.key, [...(byKey.get(w.key) ?? []), w]);
  let stale = 0;
  let dirty = 0;
  for (const read of observer.reads) {
    const token = lastToken(read.output);
    const at = token === undefined ? 0 : position.get(token);
    if (at === undefined) {
      dirty++;
      continue;
    }
    const missed = (byKey.get(read.key) ?? []).some((w) => w.doneAt < read.invokedAt &&
      (final.tokens.get(w.token) ?? -1) > at);
    if (missed) stale++;
  }
  return { 'lost-acked-writes': lost, 'stale-reads': stale, 'dirty-reads': dirty };
}

/** Every metric of the run. */
export function replicationMetrics(world: World, observer: ReplicationObserver):
Record<string, number> {
  observer.observe(world);
  const final = finalLog(world, observer);
  const master = observer.newestMaster(world);
  // A live master older than the newest one ever elected (which crashed) is not where the
  // acknowledged writes went; only the newest epoch's master says what was lost.
  if (master !== undefined && master.node.epoch >= observer.highestEpoch) {
    observer.countLost(master.node);
  }
  const mtbf = observer.crashes === 0 ? world.now : observer.nodeUpTime / observer.crashes;
  const mttr = observer.repairs === 0 ? 0 : observer.nodeDownTime / observer.repairs;
  return {
    ...historyFigures(final, observer),
    'acked-writes': observer.acked.length,
    'reads': observer.reads.length,
    'availability': round(world.now === 0 ? 0 : observer.uptime / world.now),
    'failovers': Math.max(0, observer.masters.size - 1),
    'false-failovers': observer.falseFailovers,
    'mtbf-s': round(mtbf / 1e6),
    'mttr-s': round(mttr / 1e6),
    'formula-availability': round(mtbf / (mtbf + mttr)),
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Acknowledged writes the final log lacks (the shared RPO figures). */
export function lostWrites(observer: ReplicationObserver): AckedWrite[] {
  return observer.acked.filter((w) => observer.lost.has(w.token))
    .map((w) => ({ invoked: w.invokedAt, acked: w.doneAt }));
}
