/**
 * Availability, recovery time (RTO) and data loss (RPO) as clients see them: one definition for
 * every protocol, computed from the client history, the disruptions an observer saw and the
 * acknowledged writes a protocol's observer found missing at the end. docs/metrics.md states
 * the definitions; in short:
 *
 * - `client-availability`: the share of completed operations that got a definite answer (`ok`,
 *   or a `fail` that answers the operation, such as a CAS mismatch) before the client gave up.
 *   A refusal that sent the client elsewhere until it ran out of attempts (`not-leader`,
 *   `unavailable`, `refused-earlier`) and an unknown outcome are not answers.
 * - An **outage** starts at a disruption (a server crashes, including a failed sync, or is
 *   paused; a partition, bridge, ring or one-way cut) while no outage is open, and ends when a
 *   write invoked after the latest disruption so far succeeds (`ok`); reads stand in when the
 *   workload has no writes. `rto-ms` is the mean and `rto-max-ms` the longest outage;
 *   `outages` counts them and `outages-open` those still open when the run ended (their length
 *   runs to the end).
 * - `rpo-writes`: acknowledged writes the state the run ends with does not hold.
 *   `rpo-ms`: the longest span of client time whose acknowledged writes were lost in one
 *   outage: from the invocation of the earliest lost write to the outage's start or the last
 *   lost acknowledgement, whichever is later (an acknowledgement can reach its client after
 *   the server that gave it crashed). A write is charged to the first outage that had not
 *   recovered when it was acknowledged.
 *
 * - `client-availability-min`: the lowest share any one client got (a client cut off with a
 *   minority sees what the others do not).
 * - `service-availability`: the share of the run outside outages (below), in time: a client
 *   waiting out an outage issues few operations, so the share of operations reads high
 *   (coordinated omission); `service-nines` and `downtime-h-per-year` restate it.
 * - `client-stale-reads`: reads that provably missed a write acknowledged before they began
 *   (staleReads.ts). `latency-p50-ms`, `latency-p99-ms`: invoke to `ok`. `messages-per-op`:
 *   every message the run sent, over the completed operations.
 * - `node-availability`: the share of server time servers ran (not crashed, not paused);
 *   `quorum-availability`: the share of time a majority of them ran.
 *
 * Protocol-neutral by construction: it reads the shared history format (sim/check/history.ts)
 * and the World, and a protocol contributes only the acknowledgement times of lost writes
 * (`ProtocolInstance.lostWrites`). Per-protocol figures (failovers, lost-acked-writes, …)
 * live beside these under their own names.
 */
import type { Micros, NodeId } from '../types.js';
import { type Completion, completions } from './completions.js';
import type { HistoryEvent } from './history.js';
import type { World } from './property.js';
import { hasKvReads, staleReads } from './staleReads.js';

export { READ_OPERATIONS } from './completions.js';

/** Errors of a `fail` that refused the operation rather than answering it. */
export const REFUSALS: ReadonlySet<string> = new Set(['not-leader', 'unavailable',
  'refused-earlier']);

/** Fault kinds that start an outage when scheduled (crashes and pauses are observed). */
export const DISRUPTIVE_FAULTS: ReadonlySet<string> = new Set(['partition', 'bridge', 'ring',
  'cut']);

/** An acknowledged write, by when its client invoked it and received the acknowledgement. */
export interface AckedWrite {
  readonly invoked: Micros;
  readonly acked: Micros;
}

/** Something that may interrupt service: when, and what. */
export interface Disruption {
  readonly at: Micros;
  readonly what: string;
}

/** One outage, as the figures count it. */
export interface Outage {
  readonly start: Micros;
  /** When a write invoked after its last disruption succeeded; undefined if it never did. */
  readonly end: Micros | undefined;
  readonly causes: readonly string[];
  /** The lost writes charged to it. */
  readonly lost: readonly AckedWrite[];
}

/** What the figures are computed from. */
export interface RecoveryInput {
  readonly history: readonly HistoryEvent[];
  readonly disruptions: readonly Disruption[];
  /**
   * Acknowledged writes the final state does not hold; without it (the protocol cannot tell)
   * there are no RPO figures.
   */
  readonly lost?: readonly AckedWrite[];
  /** When the run ended. */
  readonly end: Micros;
  /** Messages the run sent (servers and clients alike), for `messages-per-op`. */
  readonly messages?: number;
  /** How long servers ran, for `node-availability` and `quorum-availability`. */
  readonly uptime?: Uptime;
}

/** Server running time over a run (`DisruptionObserver.uptime`). */
export interface Uptime {
  /** The share of server time that servers ran: neither crashed nor paused. */
  readonly node: number;
  /** The share of time that a majority of the servers ran. */
  readonly quorum: number;
}

/**
 * Watches the servers after every event and records each crash and pause as a disruption,
 * whatever caused it (a scheduled fault, a failed sync, a nemesis), and how long servers ran.
 */
export class DisruptionObserver {
  readonly disruptions: Disruption[] = [];
  private readonly running = new Map<NodeId, boolean>();
  /** Servers not running now (every server runs from the start). */
  private stopped = 0;
  private last: Micros = 0;
  /** Server-µs spent not running, and µs without a running majority, up to `last`. */
  private downTime = 0;
  private noQuorumTime = 0;

  observe(world: World): void {
    this.account(world.now, world.servers.length);
    for (const id of world.changed) {
      if (!world.servers.includes(id)) continue;
      const up = world.isUp(id) && !world.isPaused(id);
      const was = this.running.get(id) ?? true;
      if (was && !up) {
        const what = `${world.isUp(id) ? 'pause' : 'crash'} ${id}`;
        this.disruptions.push({ at: world.now, what });
      }
      if (was !== up) this.stopped += up ? -1 : 1;
      this.running.set(id, up);
    }
  }

  /** The servers' running time from the start to `end` (see `Uptime`). */
  uptime(end: Micros, servers: number): Uptime {
    this.account(end, servers);
    const time = this.last;
    if (time <= 0 || servers === 0) return { node: 1, quorum: 1 };
    return { node: round(1 - this.downTime / (time * servers)),
      quorum: round(1 - this.noQuorumTime / time) };
  }

  /** Adds the time since the last account, with the servers as they were meanwhile. */
  private account(now: Micros, servers: number): void {
    const elapsed = now - this.last;
    if (elapsed <= 0) return;
    this.downTime += elapsed * this.stopped;
    if (servers - this.stopped < Math.floor(servers / 2) + 1) this.noQuorumTime += elapsed;
    this.last = now;
  }
}

/** The outages of a run: see the file comment. */
export function outages(input: RecoveryInput): Outage[] {
  const ops = completions(input.history);
  const serving = ops.some((op) => op.write) ? ops.filter((op) => op.write) : ops;
  const found: { start: Micros; last: Micros; end?: Micros; causes: string[] }[] = [];
  const events = [...input.disruptions].sort((a, b) => a.at - b.at);
  let open: (typeof found)[number] | undefined;
  let next = 0;
  for (const op of serving.filter((o) => o.outcome === 'ok').sort((a, b) => a.done - b.done)) {
    for (; next < events.length && (events[next] as Disruption).at < op.done; next++) {
      const event = events[next] as Disruption;
      if (open === undefined) found.push(open = { start: event.at, last: event.at, causes: [] });
      open.last = event.at;
      open.causes.push(event.what);
    }
    if (open !== undefined && op.invoked > open.last) {
      open.end = op.done;
      open = undefined;
    }
  }
  for (; next < events.length; next++) {
    const event = events[next] as Disruption;
    if (event.at > input.end) break;
    if (open === undefined) found.push(open = { start: event.at, last: event.at, causes: [] });
    open.causes.push(event.what);
  }
  return chargeLosses(found, input.lost ?? []);
}

function chargeLosses(found: readonly { start: Micros; end?: Micros; causes: string[] }[],
  lost: readonly AckedWrite[]): Outage[] {
  const charged = found.map(() => [] as AckedWrite[]);
  for (const write of lost) {
    const i = found.findIndex((o) => o.end === undefined || o.end >= write.acked);
    if (i >= 0) charged[i]?.push(write);
  }
  return found.map((o, i) => ({ start: o.start, end: o.end, causes: o.causes,
    lost: charged[i] ?? [] }));
}

/** The shared figures of a run (docs/metrics.md), in the order reports print them. */
export function recoveryFigures(input: RecoveryInput): Record<string, number> {
  const ops = completions(input.history);
  const list = outages(input);
  const lengths = list.map((o) => (o.end ?? input.end) - o.start);
  const windows = list.filter((o) => o.lost.length > 0).map((o) =>
    Math.max(o.start, ...o.lost.map((w) => w.acked)) - Math.min(...o.lost.map((w) => w.invoked)));
  const ms = (us: number) => Math.round(us) / 1_000;
  const latencies = ops.filter((op) => op.outcome === 'ok').map((op) => op.done - op.invoked)
    .sort((a, b) => a - b);
  const down = lengths.reduce((a, b) => a + b, 0);
  const service = input.end <= 0 ? 1 : Math.max(0, 1 - down / input.end);
  return {
    ...availabilityFigures(ops),
    'service-availability': round(service),
    'service-nines': nines(service),
    'downtime-h-per-year': Math.round((1 - service) * HOURS_PER_YEAR * 10) / 10,
    outages: list.length,
    'outages-open': list.filter((o) => o.end === undefined).length,
    'rto-ms': lengths.length === 0 ? 0 : ms(lengths.reduce((a, b) => a + b, 0) / lengths.length),
    'rto-max-ms': ms(Math.max(0, ...lengths)),
    ...(input.lost === undefined ? {} : { 'rpo-writes': input.lost.length,
      'rpo-ms': ms(Math.max(0, ...windows)) }),
    ...(hasKvReads(ops) ? { 'client-stale-reads': staleReads(ops) } : {}),
    'latency-p50-ms': ms(percentile(latencies, 50)),
    'latency-p99-ms': ms(percentile(latencies, 99)),
    ...(input.messages === undefined ? {} : { 'messages-per-op':
      Math.round((input.messages / Math.max(1, ops.length)) * 100) / 100 }),
    ...(input.uptime === undefined ? {} : uptimeFigures(input.uptime)),
  };
}

/** `node-availability` and `quorum-availability`: reported by every run, clients or not. */
export function uptimeFigures(uptime: Uptime): Record<string, number> {
  return { 'node-availability': uptime.node, 'quorum-availability': uptime.quorum };
}

/** Hours in a year of 365.25 days. */
export const HOURS_PER_YEAR = 8766;

/** `client-availability`, and the same share per client: its lowest. */
function availabilityFigures(ops: readonly Completion[]): Record<string, number> {
  const answered = (op: Completion) => op.outcome === 'ok' ||
    (op.outcome === 'fail' && !REFUSALS.has(op.error ?? ''));
  const share = ops.length === 0 ? 1 : ops.filter(answered).length / ops.length;
  const byClient = new Map<NodeId, { ops: number; answered: number }>();
  for (const op of ops) {
    const c = byClient.get(op.process) ?? { ops: 0, answered: 0 };
    c.ops++;
    if (answered(op)) c.answered++;
    byClient.set(op.process, c);
  }
  const worst = Math.min(1, ...[...byClient.values()].map((c) => c.answered / c.ops));
  return { 'client-availability': round(share), 'client-availability-min': round(worst) };
}

/**
 * An availability as nines, -log10(1 - a), to two decimals; a run with no outage at all shows
 * as many as its length allows, capped at 9 (a run cannot show more than it measured).
 */
export function nines(availability: number): number {
  const value = availability >= 1 ? 9 : Math.min(9, -Math.log10(1 - availability));
  return Math.round(value * 100) / 100;
}

/** The `p`-th percentile (0..100) of sorted values, by nearest rank; 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/**
 * Acknowledged writes a final state does not hold, for a state machine with client sessions
 * (Raft thesis §6.3): a client's write is held when the session of its client has reached
 * its sequence number (the shared client numbers its operations 1, 2, … in invocation order,
 * one at a time). `session` gives the last sequence number the final state applied per client.
 */
export function lostBySession(history: readonly HistoryEvent[],
  session: (client: NodeId) => number): AckedWrite[] {
  return completions(history)
    .filter((op) => op.write && op.outcome === 'ok' && op.seq > session(op.process))
    .map((op) => ({ invoked: op.invoked, acked: op.done }));
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
