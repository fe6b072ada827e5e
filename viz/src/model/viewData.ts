/**
 * What a protocol's view reads from a trace: the notes (and message sends) whose tags it asks
 * for, in trace order, and a frame of the run (servers, clients, end, parameters and each
 * node's status at a time); and what it builds from them, its timeline of bands and marks.
 * Only the records a view asks for are parsed, so a million-event trace costs one pass over
 * the tag column.
 */
import type { NoteRecord, ProtocolView, RunFrame, Timeline } from '../../../protocols/view.js';
import { type Derived, type Interval } from './derive.js';
import { runToEnd } from './slices.js';
import { KIND, type TraceModel } from './traceModel.js';

/** The notes with one of `tags` and the sends of one of `messages`, in trace order. */
export function viewRecords(model: TraceModel, tags: readonly string[],
  messages: readonly string[] = []): NoteRecord[] {
  return runToEnd(collectViewRecords(model, tags, messages, Infinity));
}

/** viewRecords a slice at a time: yields after every `slice` records scanned. */
export function* collectViewRecords(model: TraceModel, tags: readonly string[],
  messages: readonly string[] = [], slice = 50_000): Generator<void, NoteRecord[]> {
  const notes = new Set(tags);
  const sends = new Set(messages);
  const out: NoteRecord[] = [];
  for (let i = 0; i < model.n; i++) {
    if (i > 0 && i % slice === 0) yield;
    const kind = model.kind[i];
    const tag = model.tag(i);
    if (tag === undefined) continue;
    const note = kind === KIND.note && notes.has(tag);
    if (!note && !(kind === KIND.send && sends.has(tag))) continue;
    const lane = model.node[i] as number;
    if (lane < 0) continue;
    const peer = model.peer[i] as number;
    out.push({ index: i, t: model.t[i] as number, node: model.lanes[lane] as string, tag,
      data: model.record(i).data, ...(peer >= 0 && !note ? { to: model.lanes[peer] } : {}) });
  }
  return out;
}

function during(list: readonly Interval[], lane: number, t: number): boolean {
  return list.some((it) => it.lane === lane && it.t0 <= t && t < it.t1);
}

/** The run as a view's timeline sees it. */
export function runFrame(model: TraceModel, derived: Derived, params?: unknown): RunFrame {
  return {
    servers: model.lanes.slice(0, model.servers),
    clients: model.lanes.slice(model.servers),
    end: model.end,
    ...(params === undefined ? {} : { params }),
    status: (node, t) => {
      const lane = model.laneOf.get(node);
      if (lane === undefined) return 'up';
      return during(derived.down, lane, t) ? 'down' : during(derived.paused, lane, t) ? 'paused'
        : 'up';
    },
  };
}

const EMPTY: Timeline = { bands: [], marks: [] };

/** The view's timeline of this trace (empty when the view draws none). */
export function timelineOf(model: TraceModel, derived: Derived, view: ProtocolView | undefined,
  params?: unknown): Timeline {
  const spec = view?.timeline;
  if (spec === undefined) return EMPTY;
  return spec.build(viewRecords(model, spec.tags, spec.messages), runFrame(model, derived, params));
}
