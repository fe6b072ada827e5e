/**
 * How the visualizer draws failure detection: each monitor's suspicion level of each peer it
 * watches (phi for the phi-accrual detector, elapsed time over the timeout for the fixed one,
 * whose threshold is then 1) sampled at every check, as curves against the threshold; along
 * each monitor's lane, the stretches it suspects a peer, with each suspicion marked true (the
 * peer had crashed) or false (the peer was up, or only paused). The replication protocol's
 * slaves watch their master with the same detectors and share this timeline.
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Band, fields, type Level, type Mark, type NodePicture, type NoteRecord, type ProtocolView,
  type RunFrame, type Timeline, type ViewWorld,
} from '../view.js';
import type { PeerMonitor } from './peerMonitor.js';
import { HeartbeatNode } from './node.js';

/** The level at which a monitor's detector suspects (phi's threshold, or 1 for a timeout). */
export function threshold(monitor: PeerMonitor): number {
  return monitor.settings.kind === 'phi' ? monitor.settings.threshold : 1;
}

/** Each watched peer's level now, against the threshold. */
export function monitorLevels(monitor: PeerMonitor, now: number): Level[] {
  const limit = threshold(monitor);
  return Object.entries(monitor.levels(now)).map(([of, value]) => ({ of, value,
    threshold: limit, suspected: monitor.suspects(of) }));
}

/**
 * Suspicion bands (`n2 suspects n1`, from a `suspect` note to the next `trust`) and a mark at
 * each suspicion, true when the peer was down then, false otherwise. A note tagged `resetOn`
 * ends every suspicion of its node (a replica that follows a new master stops watching the
 * old one without trusting it again).
 */
export function suspicionTimeline(records: readonly NoteRecord[], run: RunFrame,
  resetOn?: string): Timeline {
  const bands: Band[] = [];
  const marks: Mark[] = [];
  const open = new Map<string, { t0: number; index: number }>();
  const close = (monitor: NodeId, peer: NodeId, t: number) => {
    const o = open.get(`${monitor} ${peer}`);
    if (o === undefined) return;
    open.delete(`${monitor} ${peer}`);
    bands.push({ node: monitor, t0: o.t0, t1: t, index: o.index, label: `suspects ${peer}`,
      tone: 'warn', says: [`${monitor} suspects ${peer}`] });
  };
  for (const r of records) {
    if (r.tag === resetOn) {
      for (const key of [...open.keys()]) {
        if (key.startsWith(`${r.node} `)) close(r.node, key.slice(r.node.length + 1), r.t);
      }
      continue;
    }
    const peer = fields(r.data).node;
    if (typeof peer !== 'string') continue;
    if (r.tag === 'suspect') {
      open.set(`${r.node} ${peer}`, { t0: r.t, index: r.index });
      const real = run.status(peer, r.t) === 'down';
      marks.push({ node: r.node, t: r.t, index: r.index, tone: real ? 'info' : 'bad',
        label: real ? `detects ${peer}` : `falsely suspects ${peer}`,
        says: real ? [`${r.node} detects ${peer}'s crash`]
          : [`${r.node} falsely suspects ${peer}`] });
    } else if (r.tag === 'trust') {
      close(r.node, peer, r.t);
      marks.push({ node: r.node, t: r.t, index: r.index, tone: 'muted',
        label: `trusts ${peer}`, says: [`${r.node} trusts ${peer} again`] });
    }
  }
  for (const key of [...open.keys()]) {
    const [monitor = '', peer = ''] = key.split(' ');
    close(monitor, peer, run.end);
  }
  return { bands: bands.sort((a, b) => a.t0 - b.t0), marks };
}

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const node = world.program(id);
  if (!(node instanceof HeartbeatNode)) return undefined;
  const levels = monitorLevels(node.monitor, world.localTime(id));
  const kind = node.monitor.settings.kind === 'phi' ? 'phi' : 'elapsed / timeout';
  return { id, headline: `monitor · ${levels.filter((l) => l.suspected).length} suspected`,
    tone: levels.some((l) => l.suspected) ? 'warn' : 'follow',
    parts: levels.map((l) => ({ kind: 'meter' as const, label: `${kind} of ${l.of}`,
      fraction: Math.min(1, l.value / (2 * l.threshold)),
      text: `${l.value.toFixed(2)} (suspects at ${l.threshold})${l.suspected ? ': suspected' : ''}`,
      tone: l.suspected ? 'bad' as const : l.value > l.threshold / 2 ? 'warn' as const
        : 'info' as const })) };
}

/** The heartbeat protocol's view. */
export const heartbeatView: ProtocolView = {
  vocabulary: {
    roles: {},
    messages: [{ name: 'heartbeat', label: 'heartbeats', types: ['Heartbeat'] }],
  },
  picture: (world) => ({ nodes: world.servers.flatMap((id) => nodePicture(world, id) ?? []) }),
  timeline: { tags: ['suspect', 'trust'], build: suspicionTimeline },
  levels: {
    title: 'Suspicion level against the threshold',
    timer: 'check',
    sample: (world, id) => {
      const node = world.program(id);
      return node instanceof HeartbeatNode ? monitorLevels(node.monitor, world.localTime(id)) : [];
    },
  },
};
