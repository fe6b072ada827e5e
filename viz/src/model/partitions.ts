/**
 * Replays the network's cut links from `fault` records, the way sim/network.ts applies them:
 * a partition replaces every cut (servers it does not list stand alone), bridge and ring
 * replace them with their shape, cut adds one direction, heal removes one or all, and the
 * liveness phase heals everything. Used to shade partitions along the lanes.
 */
import { bridgeCuts, ringCuts } from '../../../sim/index.js';
import type { TraceModel } from './traceModel.js';
import { KIND } from './traceModel.js';

/** Cut directed links as `from>to` keys. */
export type CutSet = ReadonlySet<string>;

/** The cuts after record `i`; the same object when it changes nothing. */
export function cutsAfter(cuts: CutSet, model: TraceModel, i: number): CutSet {
  if (model.kind[i] === KIND.phase) return cuts.size === 0 ? cuts : new Set();
  const f = model.record(i).data as Record<string, unknown> | undefined;
  const servers = model.lanes.slice(0, model.servers);
  switch (model.tag(i)) {
    case 'partition':
      return partitionCuts(servers, Array.isArray(f?.groups) ? (f.groups as string[][]) : []);
    case 'bridge':
    case 'ring': {
      const nodes = Array.isArray(f?.nodes) ? (f.nodes as string[]) : servers;
      const shape = model.tag(i) === 'bridge' ? bridgeCuts(nodes) : ringCuts(nodes);
      return new Set(shape.map(([a, b]) => `${a}>${b}`));
    }
    case 'cut':
      return new Set([...cuts, `${String(f?.from)}>${String(f?.to)}`]);
    case 'heal': {
      if (f?.from === undefined || f.to === undefined) return cuts.size === 0 ? cuts : new Set();
      const next = new Set(cuts);
      next.delete(`${String(f.from)}>${String(f.to)}`);
      return next;
    }
    default:
      return cuts;
  }
}

function partitionCuts(servers: readonly string[], groups: readonly string[][]): Set<string> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((id) => groupOf.set(String(id), i)));
  let next = groups.length;
  for (const s of servers) if (!groupOf.has(s)) groupOf.set(s, next++);
  const out = new Set<string>();
  for (const [a, ga] of groupOf) {
    for (const [b, gb] of groupOf) if (ga !== gb) out.add(`${a}>${b}`);
  }
  return out;
}
