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
 * Protocol-neutral by construction: it reads the shared history format (sim/check/history.ts)
 * and the World, and a protocol contributes only the acknowledgement times of lost writes
 * (`ProtocolInstance.lostWrites`). Per-protocol figures (failovers, lost-acked-writes, …)
 * live beside these under their own names.
 */
import type { Micros, NodeId } from '../types.js';
import type { HistoryEvent } from './history.js';
import type { World } from './property.js';

/** Operation names that read without writing, in the shared workloads (kv, bank). */
export const READ_OPERATIONS: ReadonlySet<string> = new Set(['get', 'read', 'read-all']);

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
}

/**
 * Watches the servers after every event and records each crash and pause as a disruption,
 * whatever caused it (a scheduled fault, a failed sync, a nemesis).
 */
export class DisruptionObserver {
  readonly disruptions: Disruption[] = [];
  private readonly running = new Map<NodeId, boolean>();

  observe(world: World): void {
    for (const id of world.changed) {
      if (!world.servers.includes(id)) continue;
      const up = world.isUp(id) && !world.isPaused(id);
      const was = this.running.get(id) ?? true;
      if (was && !up) {
        const what = `${world.isUp(id) ? 'pause' : 'crash'} ${id}`;
        this.disruptions.push({ at: world.now, what });
      }
      this.running.set(id, up);
    }
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

/** The shared figures of a run (docs/metrics.md). */
export function recoveryFigures(input: RecoveryInput): Record<string, number> {
  const ops = completions(input.history);
  const answered = ops.filter((op) => op.outcome === 'ok' ||
    (op.outcome === 'fail' && !REFUSALS.has(op.error ?? ''))).length;
  const list = outages(input);
  const lengths = list.map((o) => (o.end ?? input.end) - o.start);
  const windows = list.filter((o) => o.lost.length > 0).map((o) =>
    Math.max(o.start, ...o.lost.map((w) => w.acked)) - Math.min(...o.lost.map((w) => w.invoked)));
  const ms = (us: number) => Math.round(us) / 1_000;
  return {
    'client-availability': ops.length === 0 ? 1 : round(answered / ops.length),
    outages: list.length,
    'outages-open': list.filter((o) => o.end === undefined).length,
    'rto-ms': lengths.length === 0 ? 0 : ms(lengths.reduce((a, b) => a + b, 0) / lengths.length),
    'rto-max-ms': ms(Math.max(0, ...lengths)),
    ...(input.lost === undefined ? {} : { 'rpo-writes': input.lost.length,
      'rpo-ms': ms(Math.max(0, ...windows)) }),
  };
}

/** A completed operation of the history. */
interface Completion {
  readonly process: NodeId;
  /** The client's sequence number of it: its invocations so far (the shared client's). */
  readonly seq: number;
  readonly write: boolean;
  readonly outcome: 'ok' | 'fail' | 'info';
  readonly error: string | undefined;
  readonly invoked: Micros;
  readonly done: Micros;
}

function completions(history: readonly HistoryEvent[]): Completion[] {
  const open = new Map<NodeId, { event: HistoryEvent; seq: number }>();
  const count = new Map<NodeId, number>();
  const out: Completion[] = [];
  for (const event of history) {
    if (event.type === 'invoke') {
      const seq = (count.get(event.process) ?? 0) + 1;
      count.set(event.process, seq);
      open.set(event.process, { event, seq });
      continue;
    }
    const call = open.get(event.process);
    if (call === undefined) continue;
    open.delete(event.process);
    out.push({ process: event.process, seq: call.seq, write: !READ_OPERATIONS.has(call.event.f),
      outcome: event.type, error: event.error, invoked: call.event.time, done: event.time });
  }
  return out;
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
