/**
 * A heartbeat node: every `period` on its local clock it sends a Heartbeat to each peer it
 * is watched by, and every `checkInterval` it re-evaluates its detectors. With topology
 * `all-to-all` every node watches every other; with `star`, n1 is the only monitored node and
 * the others watch it (the classic master-watched-by-slaves shape).
 *
 * Nothing is persisted: after a restart a node trusts everyone again and gives each peer one
 * timeout of grace, as a freshly started process would.
 */
import { assertNever, type NodeContext, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { DetectorSettings } from './detector.js';
import type { HeartbeatMessage } from './messages.js';
import { PeerMonitor } from './peerMonitor.js';

/** How heartbeats flow. */
export type Topology = 'all-to-all' | 'star';

/** Options of a heartbeat node. */
export interface HeartbeatNodeOptions {
  readonly detector: DetectorSettings;
  readonly topology: Topology;
  readonly checkInterval: number;
  /** Note phi at every heartbeat arrival (for the visualizer's chart). */
  readonly notePhi: boolean;
}

/** Peers that `id` sends heartbeats to, and peers it watches. */
export function links(id: NodeId, servers: readonly NodeId[], topology: Topology): {
  sendTo: NodeId[];
  watch: NodeId[];
} {
  const others = servers.filter((s) => s !== id);
  switch (topology) {
    case 'all-to-all':
      return { sendTo: others, watch: others };
    case 'star': {
      const hub = servers[0] as NodeId;
      return id === hub ? { sendTo: others, watch: [] } : { sendTo: [], watch: [hub] };
    }
    default:
      return assertNever(topology, 'topology');
  }
}

/** One monitored and monitoring process. */
export class HeartbeatNode implements NodeProgram<HeartbeatMessage> {
  readonly monitor: PeerMonitor;
  private seq = 0;
  private sendTo: NodeId[] = [];

  constructor(private readonly options: HeartbeatNodeOptions) {
    this.monitor = new PeerMonitor(options.detector);
  }

  start(ctx: NodeContext<HeartbeatMessage>): void {
    const { sendTo, watch } = links(ctx.id, ctx.servers, this.options.topology);
    this.sendTo = sendTo;
    for (const peer of watch) this.monitor.watch(ctx, peer, ctx.monotonic());
    this.beat(ctx);
    if (watch.length > 0) ctx.setTimer('check', this.options.checkInterval);
  }

  onMessage(ctx: NodeContext<HeartbeatMessage>, from: NodeId, msg: HeartbeatMessage): void {
    switch (msg.type) {
      case 'Heartbeat':
        return this.monitor.onHeartbeat(ctx, from, this.options.notePhi);
      default:
        return assertNever(msg.type, 'message');
    }
  }

  onTimer(ctx: NodeContext<HeartbeatMessage>, name: string): void {
    if (name === 'beat') return this.beat(ctx);
    if (name === 'check') {
      this.monitor.check(ctx);
      ctx.setTimer('check', this.options.checkInterval);
    }
  }

  /** Whether this node suspects `peer` now (read by the observer). */
  suspects(peer: NodeId): boolean {
    return this.monitor.suspects(peer);
  }

  /** Heartbeats this incarnation received from `peer` (read by the observer). */
  heard(peer: NodeId): number {
    return this.monitor.heard(peer);
  }

  private beat(ctx: NodeContext<HeartbeatMessage>): void {
    this.seq++;
    for (const peer of this.sendTo) ctx.send(peer, { type: 'Heartbeat', seq: this.seq });
    if (this.sendTo.length > 0) ctx.setTimer('beat', this.options.detector.period);
  }
}
