/**
 * Where two runs of one scenario first differ: the first record index at which time, kind,
 * node, peer, message id or tag differ (the fields the trace hash covers). Used by forking: a
 * run is kept, one fault is changed, and the views mark where the new run leaves the old one.
 * Deterministic runs agree exactly up to there, so everything before it is shared history.
 */
import type { TraceModel } from './traceModel.js';

/** The first differing record index; -1 when the traces are identical. */
export function firstDivergence(a: TraceModel, b: TraceModel): number {
  const laneName = (m: TraceModel, lane: number) => (lane < 0 ? '' : m.lanes[lane]);
  const sameLanes = a.lanes.length === b.lanes.length &&
    a.lanes.every((id, i) => b.lanes[i] === id);
  const n = Math.min(a.n, b.n);
  for (let i = 0; i < n; i++) {
    if (a.t[i] !== b.t[i] || a.kind[i] !== b.kind[i] || a.mid[i] !== b.mid[i] ||
      a.tag(i) !== b.tag(i)) return i;
    if (sameLanes) {
      if (a.node[i] !== b.node[i] || a.peer[i] !== b.peer[i]) return i;
    } else if (laneName(a, a.node[i] as number) !== laneName(b, b.node[i] as number) ||
      laneName(a, a.peer[i] as number) !== laneName(b, b.peer[i] as number)) return i;
  }
  return a.n === b.n ? -1 : n;
}

/** A record in one line, for saying what differs: `#12 3.2ms deliver n2 from n1 [Vote]`. */
export function describeRecord(m: TraceModel, i: number): string {
  if (i >= m.n) return '(the run had ended)';
  const node = m.node[i] as number;
  const peer = m.peer[i] as number;
  const kind = m.kindOf(i);
  return `#${i} ${kind}${node < 0 ? '' : ` ${m.lanes[node]}`}` +
    `${peer < 0 ? '' : `${kind === 'send' ? ' to ' : ' from '}${m.lanes[peer]}`}` +
    `${m.tag(i) === undefined ? '' : ` [${m.tag(i)}]`}`;
}
