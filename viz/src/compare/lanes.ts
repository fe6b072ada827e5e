/**
 * What the comparison page draws of one design's run, derived from its trace records: for each
 * server, when it was down (crashed), paused, cut off from the majority by a partition, and
 * when it led (a `role` note of leader or master); the faults that struck, when; and how many
 * client operations completing in each slice of time got an answer (the shared definition:
 * `ok`, or a `fail` that is not a refusal). Pure data, so it crosses from the worker to the
 * page as is and can be tested without a browser.
 */
import type { TraceRecord } from '../../../sim/index.js';
import { REFUSALS } from '../../../sim/check/recovery.js';

/** A span on a server's lane. */
export interface Span {
  readonly lane: string;
  readonly kind: 'down' | 'paused' | 'cut' | 'lead';
  readonly from: number;
  readonly to: number;
}

/** One slice of time: client operations completed in it, and how many were answered. */
export interface Bin {
  readonly from: number;
  readonly to: number;
  readonly answered: number;
  readonly total: number;
}

/** A design's run as the page draws it. */
export interface Lanes {
  readonly servers: readonly string[];
  readonly end: number;
  readonly spans: readonly Span[];
  readonly faults: readonly { readonly at: number; readonly text: string }[];
  readonly bins: readonly Bin[];
}

/** Roles drawn as leading: the node clients and replication go through. */
const LEADS = new Set(['leader', 'master', 'coordinator']);

/** Derives a run's lanes; `bins` slices of the run for the client strip. */
export function deriveLanes(records: Iterable<TraceRecord>, servers: readonly string[],
  end: number, bins = 240): Lanes {
  const spans: Span[] = [];
  const faults: { at: number; text: string }[] = [];
  const open = new Map<string, { kind: Span['kind']; from: number }>();
  const start = (lane: string, kind: Span['kind'], at: number) => {
    const key = `${lane} ${kind}`;
    if (!open.has(key)) open.set(key, { kind, from: at });
  };
  const stop = (lane: string, kind: Span['kind'], at: number) => {
    const key = `${lane} ${kind}`;
    const span = open.get(key);
    if (span === undefined) return;
    open.delete(key);
    if (at > span.from) spans.push({ lane, kind, from: span.from, to: at });
  };
  const slice = Math.max(1, end / bins);
  const counts = Array.from({ length: bins }, () => ({ answered: 0, total: 0 }));
  const serving = new Set(servers);
  for (const r of records) {
    const node = r.node ?? '';
    switch (r.kind) {
      case 'crash':
        stop(node, 'lead', r.t);
        start(node, 'down', r.t);
        if (r.tag === 'fault') faults.push({ at: r.t, text: `crash ${node}` });
        break;
      case 'restart':
        stop(node, 'down', r.t);
        faults.push({ at: r.t, text: `restart ${node}` });
        break;
      case 'pause':
        start(node, 'paused', r.t);
        faults.push({ at: r.t, text: `pause ${node}` });
        break;
      case 'resume':
        stop(node, 'paused', r.t);
        faults.push({ at: r.t, text: `resume ${node}` });
        break;
      case 'fault':
        partition(r, servers, (lane, cut) => (cut ? start : stop)(lane, 'cut', r.t));
        faults.push({ at: r.t, text: String((r.data as { text?: unknown })?.text ?? r.tag) });
        break;
      case 'note': {
        if (r.tag !== 'role' || !serving.has(node)) break;
        const role = String((r.data as { role?: unknown })?.role ?? '');
        if (LEADS.has(role)) start(node, 'lead', r.t);
        else stop(node, 'lead', r.t);
        break;
      }
      case 'ok':
      case 'fail':
      case 'info': {
        const c = counts[Math.min(bins - 1, Math.floor(r.t / slice))];
        if (c === undefined) break;
        c.total++;
        const error = (r.data as { error?: unknown } | undefined)?.error;
        if (r.kind === 'ok' || (r.kind === 'fail' && !REFUSALS.has(String(error ?? '')))) {
          c.answered++;
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [key, span] of open) {
    const lane = key.slice(0, key.lastIndexOf(' '));
    if (end > span.from) spans.push({ lane, kind: span.kind, from: span.from, to: end });
  }
  return { servers, end, spans, faults,
    bins: counts.map((c, i) => ({ from: i * slice, to: (i + 1) * slice, ...c })) };
}

/**
 * A partition cuts off every server outside its largest group (the majority side, if there is
 * one); a heal of everything ends every cut. Other shapes (one-way cuts, bridges, rings) leave
 * the lanes as they were: their effect shows in the clients' strip.
 */
function partition(r: TraceRecord, servers: readonly string[],
  mark: (lane: string, cut: boolean) => void): void {
  const fault = r.data as { kind?: string; groups?: string[][]; from?: string } | undefined;
  if (r.tag === 'heal' && fault?.from === undefined) {
    for (const s of servers) mark(s, false);
    return;
  }
  if (r.tag !== 'partition' || fault?.groups === undefined) return;
  const placed = new Set(fault.groups.flat());
  const groups = [...fault.groups.map((g) => g.filter((id) => servers.includes(id))),
    ...servers.filter((s) => !placed.has(s)).map((s) => [s])];
  const largest = groups.reduce((a, b) => (b.length > a.length ? b : a), [] as string[]);
  for (const s of servers) mark(s, !largest.includes(s));
}
