/**
 * Counters the Paxos nodes of one run share, kept outside the node programs so that a crash
 * loses none of them (they describe the run, not any node's state): messages sent by
 * servers, slots decided for the first time, decision latency measured by the proposer that
 * got the decision (propose → majority of Accepted, on its local clock), and ballots lost,
 * a phase 1 or phase 2 abandoned because another proposer's higher ballot preempted it (the
 * cost of duelling proposers).
 */
import type { Micros } from '../../sim/index.js';

/** The run-wide counters; one object per `setup`. */
export class PaxosStats {
  /** Protocol messages sent by servers (client traffic excluded). */
  sent = 0;
  /** Distinct slots decided by some node. */
  decided = 0;
  /** Ballots abandoned because a higher ballot preempted them. */
  ballotsLost = 0;
  /** Phase-1 rounds started (elections in Multi-Paxos, proposals in single-decree). */
  ballotsStarted = 0;
  /** Propose-to-decide latencies at the deciding proposer, in µs. */
  readonly latencies: Micros[] = [];
  private readonly seenSlots = new Set<number>();

  /** Counts `slot` as decided (the first time any node decides it). */
  noteDecided(slot: number): void {
    if (this.seenSlots.has(slot)) return;
    this.seenSlots.add(slot);
    this.decided++;
  }

  /** The figures a report prints. */
  figures(): Record<string, number> {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number): number => sorted.length === 0 ? 0
      : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
    return {
      'decided-values': this.decided,
      'messages-per-decision': this.decided === 0 ? 0 : round2(this.sent / this.decided),
      'decision-latency-p50-ms': round2(at(0.5) / 1_000),
      'decision-latency-p99-ms': round2(at(0.99) / 1_000),
      'ballots-started': this.ballotsStarted,
      'ballots-lost': this.ballotsLost,
    };
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
