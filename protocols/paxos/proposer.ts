/**
 * The single-decree proposer and learner (Paxos Made Simple §2.2–2.3). A proposer picks a
 * ballot above any it has seen, asks every acceptor to promise it (phase 1), and with
 * promises from a majority proposes the value of the highest-ballot proposal those promises
 * report, or its own value when none reports one (phase 2). The `own-value` bug always
 * proposes its own value, which can undo a choice already made.
 *
 * A proposer that is refused (a `Nack` naming a higher ballot) or hears nothing waits and
 * tries again with a higher ballot. Two proposers that keep preempting each other never
 * finish (the livelock the paper warns of in §2.4); a randomised, growing backoff makes one
 * of them finish first. `randomizedBackoff: false` makes every proposer start a new ballot
 * on a fixed period instead, which shows the livelock.
 *
 * A learner learns a value once a majority of acceptors report accepting it at one ballot.
 */
import type { NodeContext, NodeId, TimerDelay } from '../../sim/index.js';
import { type Ballot, compareBallots, formatBallot, maxBallot, nextBallot, ZERO_BALLOT } from
  './ballot.js';
import type { AcceptedEntry, Accepted, PaxosMessage } from './messages.js';

type Ctx = NodeContext<PaxosMessage<string>>;

/** A proposer's progress with its current ballot. */
export type ProposerPhase = 'idle' | 'prepare' | 'accept';

/** Backoff doublings stop here, so a retry never waits more than 2^6 × the base range. */
export const MAX_BACKOFF_DOUBLINGS = 6;

/** The proposer's state. */
export class Proposer {
  phase: ProposerPhase = 'idle';
  ballot: Ballot = ZERO_BALLOT;
  seen: Ballot = ZERO_BALLOT;
  /** Rounds lost in a row, for the exponential backoff. */
  losses = 0;
  readonly promises = new Map<NodeId, readonly AcceptedEntry<string>[]>();

  /** Starts phase 1 with a ballot above everything seen. */
  begin(ctx: Ctx, unique: boolean): Ballot {
    this.ballot = nextBallot(this.seen, ctx.id, unique);
    this.seen = this.ballot;
    this.phase = 'prepare';
    this.promises.clear();
    ctx.note('role', { role: 'candidate', ballot: formatBallot(this.ballot) });
    return this.ballot;
  }

  /** Notes a ballot seen elsewhere, so the next one goes above it. */
  see(ballot: Ballot): void {
    this.seen = maxBallot(this.seen, ballot);
  }

  /**
   * A promise for the current ballot. With a majority, returns the value to propose: the
   * highest-ballot accepted value reported, or `own` (always `own` under `own-value`).
   */
  onPromise(from: NodeId, ballot: Ballot, accepted: readonly AcceptedEntry<string>[],
    quorum: number, own: string, ownValueBug: boolean): string | undefined {
    if (this.phase !== 'prepare' || compareBallots(ballot, this.ballot) !== 0) return undefined;
    this.promises.set(from, accepted);
    if (this.promises.size < quorum) return undefined;
    this.phase = 'accept';
    let best: AcceptedEntry<string> | undefined;
    for (const entries of this.promises.values()) {
      for (const entry of entries) {
        if (best === undefined || compareBallots(entry.ballot, best.ballot) > 0) best = entry;
      }
    }
    return ownValueBug || best === undefined ? own : best.value;
  }

  /** A refusal of the current ballot: the round is lost. Returns whether it was ours. */
  onNack(ballot: Ballot, promised: Ballot): boolean {
    this.see(promised);
    if (this.phase === 'idle' || compareBallots(ballot, this.ballot) !== 0) return false;
    if (compareBallots(promised, this.ballot) <= 0) return false;
    this.phase = 'idle';
    this.losses++;
    return true;
  }

  /** The delay before the next attempt: growing and random, or fixed (to show livelock). */
  backoff(base: readonly [number, number], randomized: boolean): TimerDelay {
    if (!randomized) return base[0];
    const factor = 2 ** Math.min(this.losses, MAX_BACKOFF_DOUBLINGS);
    return [base[0], base[1] * factor];
  }
}

/** Counts Accepted reports per ballot; a majority at one ballot means the value is chosen. */
export class Learner {
  private readonly votes = new Map<string, { value: string; from: Set<NodeId> }>();

  /** Returns the chosen value once a majority accepted it at one ballot. */
  onAccepted(from: NodeId, msg: Accepted<string>, quorum: number): string | undefined {
    const entry = msg.entries.find((e) => e.slot === 0);
    if (entry === undefined) return undefined;
    const key = formatBallot(msg.ballot);
    let tally = this.votes.get(key);
    if (tally === undefined) this.votes.set(key, (tally = { value: entry.value, from: new Set() }));
    tally.from.add(from);
    return tally.from.size >= quorum ? tally.value : undefined;
  }
}
