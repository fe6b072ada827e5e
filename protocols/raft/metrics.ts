/**
 * Raft's metrics, measured over a run: when the first leader appeared, how many leaders were
 * elected, client latency percentiles (invoke to `ok`, for writes: the commit latency a client
 * sees), messages and bytes per committed entry (a message's bytes are its JSON length), the
 * availability clients saw (the share of completed operations with a definite answer), and log
 * compaction: the most entries a server held at once and how many snapshots were taken,
 * installed and restored from.
 */
import type { HistoryEvent } from '../../sim/check/history.js';
import type { World } from '../../sim/check/property.js';
import { percentile } from '../../sim/check/recovery.js';
import type { RaftStats } from './config.js';
import type { RaftObserver } from './invariants.js';

/** Metrics of one run. */
export function raftMetrics(
  world: World, observer: RaftObserver, stats: RaftStats,
): Record<string, number> {
  const writes: number[] = [];
  const started = new Map<string, HistoryEvent>();
  let ok = 0;
  let definite = 0;
  let completed = 0;
  for (const event of world.history) {
    if (event.type === 'invoke') {
      started.set(event.process, event);
      continue;
    }
    completed++;
    if (event.type !== 'info') definite++;
    const invoke = started.get(event.process);
    if (event.type !== 'ok' || invoke === undefined) continue;
    ok++;
    if (invoke.f !== 'get') writes.push(event.time - invoke.time);
  }
  writes.sort((a, b) => a - b);
  const committed = observer.maxCommit;
  return {
    'election-time-ms': observer.firstLeaderAt === undefined ? -1 : observer.firstLeaderAt / 1000,
    'election-messages': observer.messagesAtFirstLeader ?? stats.messages,
    'leaders-elected': observer.leaders.size,
    'max-leader-term': Math.max(0, ...observer.leaders.keys()),
    'committed-entries': committed,
    'commit-latency-p50-ms': percentile(writes, 50) / 1000,
    'commit-latency-p99-ms': percentile(writes, 99) / 1000,
    messages: stats.messages,
    'messages-per-committed-entry': committed === 0 ? stats.messages : stats.messages / committed,
    'bytes-sent': stats.bytes,
    'bytes-per-message': stats.messages === 0 ? 0 : stats.bytes / stats.messages,
    'bytes-per-committed-entry': committed === 0 ? stats.bytes : stats.bytes / committed,
    'ops-ok': ok,
    'max-log-entries': observer.maxLogEntries,
    'snapshots-taken': stats.snapshotsTaken,
    'snapshots-installed': stats.snapshotsInstalled,
    'snapshot-restores': stats.snapshotRestores,
    // Completed operations that got a definite answer (ok, or a definite fail such as a CAS
    // mismatch) rather than a timeout or `unknown`.
    availability: completed === 0 ? 0 : definite / completed,
  };
}
