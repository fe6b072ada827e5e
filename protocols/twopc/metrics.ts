/**
 * The figures a `twopc` run reports: commit latency seen by clients (invoke to ok of a
 * transfer or read), the abort rate over decided transactions, and blocked time — how long
 * prepared participants waited holding their locks, from the instant their prepared record was
 * durable to the instant they learned the decision (true time, read by the observer after
 * every event; an interval still open at the end counts up to then).
 */
import type { World } from '../../sim/check/property.js';
import type { Observer } from './observer.js';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const ms = (micros: number) => Math.round(micros) / 1000;

/** The metrics of a run so far. */
export function twoPcMetrics(observer: Observer, world: World): Record<string, number> {
  observer.observe(world);
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const outcomes = { ok: 0, fail: 0, info: 0 };
  for (const event of world.history) {
    if (event.type === 'invoke') started.set(event.process, event.time);
    else {
      outcomes[event.type]++;
      const start = started.get(event.process);
      if (event.type === 'ok' && start !== undefined) latencies.push(event.time - start);
    }
  }
  latencies.sort((a, b) => a - b);
  const blocked = observer.blockedTimes(world.now).sort((a, b) => a - b);
  const decided = observer.committed.size + observer.aborted.size;
  const total = blocked.reduce((a, b) => a + b, 0);
  return {
    'committed': observer.committed.size,
    'aborted': observer.aborted.size,
    'abort-rate': decided === 0 ? 0 : Math.round((observer.aborted.size / decided) * 1000) / 1000,
    'aborts-vote-timeout': observer.abortReasons.get('vote-timeout') ?? 0,
    'client-ok': outcomes.ok,
    'client-fail': outcomes.fail,
    'client-info': outcomes.info,
    'commit-latency-p50-ms': ms(percentile(latencies, 50)),
    'commit-latency-p99-ms': ms(percentile(latencies, 99)),
    'blocked-count': blocked.length,
    'blocked-time-max-ms': ms(blocked[blocked.length - 1] ?? 0),
    'blocked-time-p50-ms': ms(percentile(blocked, 50)),
    'blocked-time-total-ms': ms(total),
  };
}
