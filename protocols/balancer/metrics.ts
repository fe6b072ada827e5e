/**
 * The balancer's figures, from its observer (which sees every event, whatever a scenario
 * checks) and the client history:
 * - load: `load-<backend>` (attempts each backend was sent), `imbalance` (max over mean of
 *   those, over the backends that were ever in the pool) and `load-cv` (their coefficient of
 *   variation); `util-<backend>` (share of its workers busy over the run) and `util-imbalance`;
 *   with the `feedback` policy, `weight-<backend>`, the weights an active balancer ends with;
 * - failures: `requests-to-dead` (attempts sent to a crashed backend), `eject-ms` (mean time
 *   from a backend's crash until no balancer has it in rotation), `readmit-ms` (from its
 *   restart until every balancer has it back), `ejections`, `takeovers`;
 * - a failover (from a backend crash until it is out of rotation): `failover-errors` (client
 *   operations invoked in it that ended without `ok`) and `failover-p50-ms`, `failover-p99-ms`
 *   (the latency of the operations invoked in it);
 * - clients: `latency-p50-ms`, `latency-p99-ms` of `ok` operations; `requests`, `retries`,
 *   `retry-ratio`;
 * - hashing: `keys-moved` (mean share of 1000 sample keys whose owner changed, over the
 *   rotation changes) and `keys-moved-ideal` (the least a change could move: 1/n for one of n
 *   leaving).
 */
import type { HistoryEvent } from '../../sim/check/history.js';
import type { World } from '../../sim/check/property.js';
import type { Micros, NodeId } from '../../sim/index.js';
import { Backend } from './backend.js';
import { Balancer } from './balancer.js';
import { type HashKind, type HashSettings, keyMap, keysMoved } from './hashing.js';
import type { BalancerObserver } from './invariants.js';
import { percentile } from '../../sim/check/recovery.js';

const SAMPLE_KEYS = Array.from({ length: 1000 }, (_, i) => `key-${i + 1}`);

/** How the run maps keys, for `keys-moved` (undefined without a hash policy). */
export interface KeyMapping {
  readonly kind: HashKind;
  readonly settings: HashSettings;
}

const ms = (micros: number): number => Math.round(micros / 100) / 10;

function spread(values: readonly number[]): { imbalance: number; cv: number } {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  if (mean === 0) return { imbalance: 0, cv: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { imbalance: Math.round((Math.max(...values) / mean) * 1000) / 1000,
    cv: Math.round((Math.sqrt(variance) / mean) * 1000) / 1000 };
}

/** Completed client operations: invoke time, end time, outcome. */
function operations(history: readonly HistoryEvent[]):
{ start: Micros; end: Micros; ok: boolean }[] {
  const open = new Map<NodeId, Micros>();
  const out: { start: Micros; end: Micros; ok: boolean }[] = [];
  for (const event of history) {
    if (event.type === 'invoke') open.set(event.process, event.time);
    else {
      const start = open.get(event.process);
      if (start === undefined) continue;
      open.delete(event.process);
      out.push({ start, end: event.time, ok: event.type === 'ok' });
    }
  }
  return out;
}

function loadFigures(world: World, observer: BalancerObserver, backends: readonly NodeId[]):
Record<string, number> {
  const out: Record<string, number> = {};
  const counts = new Map<NodeId, number>(backends.map((id) => [id, 0]));
  for (const { record } of observer.forwards) {
    counts.set(record.backend, (counts.get(record.backend) ?? 0) + 1);
  }
  for (const [id, count] of counts) out[`load-${id}`] = count;
  const load = spread([...counts.values()]);
  out.imbalance = load.imbalance;
  out['load-cv'] = load.cv;
  const utils: number[] = [];
  for (const id of backends) {
    const program = world.program(id);
    if (!(program instanceof Backend)) continue;
    const u = Math.round(program.utilization(world.monotonicTime(id)) * 1000) / 1000;
    out[`util-${id}`] = u;
    utils.push(u);
  }
  if (utils.length > 0) out['util-imbalance'] = spread(utils).imbalance;
  const active = observer.setup.balancers.map((id) => world.program(id))
    .find((p): p is Balancer => p instanceof Balancer && p.options.policy === 'feedback');
  if (active !== undefined) {
    for (const [id, weight] of Object.entries(active.feedback.snapshot(active.pool))) {
      out[`weight-${id}`] = weight;
    }
  }
  return out;
}

function failoverFigures(observer: BalancerObserver, history: readonly HistoryEvent[]):
Record<string, number> {
  const ops = operations(history);
  const windows = observer.crashes.map((c) => ({ from: c.at, to: c.out ?? Infinity }));
  const inWindow = ops.filter((op) => windows.some((w) => op.start >= w.from && op.start <= w.to));
  const latencies = inWindow.map((op) => op.end - op.start).sort((a, b) => a - b);
  const okLatencies = ops.filter((op) => op.ok).map((op) => op.end - op.start)
    .sort((a, b) => a - b);
  const detected = observer.crashes.filter((c) => c.out !== undefined);
  const back = observer.restarts.filter((r) => r.back !== undefined);
  const mean = (values: readonly number[]) =>
    values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
  return {
    'failover-errors': inWindow.filter((op) => !op.ok).length,
    'failover-p50-ms': ms(percentile(latencies, 50)),
    'failover-p99-ms': ms(percentile(latencies, 99)),
    'latency-p50-ms': ms(percentile(okLatencies, 50)),
    'latency-p99-ms': ms(percentile(okLatencies, 99)),
    'eject-ms': ms(mean(detected.map((c) => (c.out as number) - c.at))),
    'readmit-ms': ms(mean(back.map((r) => (r.back as number) - r.at))),
  };
}

function keyFigures(observer: BalancerObserver, mapping: KeyMapping | undefined):
Record<string, number> {
  if (mapping === undefined) return {};
  const changes = observer.rotationChanges.filter((c) => c.before.length > 0 && c.after.length > 0);
  if (changes.length === 0) return { 'keys-moved': 0, 'keys-moved-ideal': 0 };
  let moved = 0;
  let ideal = 0;
  for (const change of changes) {
    const figures = keysMoved(keyMap(mapping.kind, change.before, mapping.settings),
      keyMap(mapping.kind, change.after, mapping.settings), SAMPLE_KEYS);
    moved += figures.moved;
    ideal += figures.ideal;
  }
  const round = (x: number) => Math.round((x / changes.length) * 1000) / 1000;
  return { 'keys-moved': round(moved), 'keys-moved-ideal': round(ideal) };
}

/** Every figure of the run; see the file comment. */
export function balancerMetrics(world: World, observer: BalancerObserver,
  backends: readonly NodeId[], mapping: KeyMapping | undefined): Record<string, number> {
  observer.observe(world);
  return {
    ...loadFigures(world, observer, backends),
    'requests-to-dead': observer.forwards.filter((f) => f.dead).length,
    ...failoverFigures(observer, world.history),
    ejections: observer.ejections,
    takeovers: observer.takeovers,
    requests: observer.admitted,
    retries: observer.retried,
    'retry-ratio': observer.admitted === 0 ? 0
      : Math.round((observer.retried / observer.admitted) * 1000) / 1000,
    ...keyFigures(observer, mapping),
  };
}
