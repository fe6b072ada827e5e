/**
 * A node's failure-detector bank: one detector per watched peer, plus the set of peers it
 * suspects right now. It turns detector readings into transitions (trust → suspect and back),
 * which are what the trace, the visualizer and the observer care about: each is a note,
 * `suspect` or `trust`, with the peer. The heartbeat protocol watches every peer with it;
 * master-slave replication uses it on slaves to watch the master.
 */
import type { Micros, NodeContext, NodeId } from '../../sim/index.js';
import { type DetectorSettings, type FailureDetector, makeDetector } from './detector.js';

/** The detectors of one node, and its suspicions. */
export class PeerMonitor {
  private readonly detectors = new Map<NodeId, FailureDetector>();
  private readonly suspected = new Set<NodeId>();
  /** Heartbeats received from each watched peer (read by the observer). */
  private readonly beats = new Map<NodeId, number>();

  constructor(readonly settings: DetectorSettings) {}

  /** Heartbeats received from `peer` by this incarnation. */
  heard(peer: NodeId): number {
    return this.beats.get(peer) ?? 0;
  }

  /** Starts (or restarts) watching `peer` from local time `now`, trusting it. */
  watch<M>(ctx: NodeContext<M>, peer: NodeId, now: Micros): void {
    this.detectors.set(peer, makeDetector(this.settings, now));
    if (this.suspected.delete(peer)) ctx.note('trust', { node: peer });
  }

  /** Stops watching `peer`; a peer not watched is never suspected. */
  unwatch(peer: NodeId): void {
    this.detectors.delete(peer);
    this.suspected.delete(peer);
  }

  /** Records a heartbeat from `peer`; trusts it again if it was suspected. */
  onHeartbeat<M>(ctx: NodeContext<M>, peer: NodeId, notePhi = false): void {
    const detector = this.detectors.get(peer);
    if (detector === undefined) return; // not watched: a message from a node we do not monitor
    this.beats.set(peer, this.heard(peer) + 1);
    const now = ctx.monotonic();
    if (notePhi) ctx.note('phi', { node: peer, phi: round(detector.level(now)) });
    detector.heartbeat(now);
    if (this.suspected.delete(peer)) ctx.note('trust', { node: peer });
  }

  /** Re-evaluates every watched peer; returns the peers that became suspected now. */
  check<M>(ctx: NodeContext<M>): NodeId[] {
    const now = ctx.monotonic();
    const fresh: NodeId[] = [];
    for (const [peer, detector] of this.detectors) {
      const suspects = detector.suspects(now);
      if (suspects && !this.suspected.has(peer)) {
        this.suspected.add(peer);
        fresh.push(peer);
        ctx.note('suspect', { node: peer });
      } else if (!suspects && this.suspected.delete(peer)) {
        ctx.note('trust', { node: peer });
      }
    }
    return fresh;
  }

  suspects(peer: NodeId): boolean {
    return this.suspected.has(peer);
  }

  /** The suspicion level of each watched peer at local time `now`, for the inspector. */
  levels(now: Micros): Record<NodeId, number> {
    const out: Record<NodeId, number> = {};
    for (const [peer, detector] of this.detectors) out[peer] = round(detector.level(now));
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
