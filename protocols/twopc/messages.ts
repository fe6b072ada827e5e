/**
 * The messages of two-phase commit and of Paxos Commit, one discriminated union. Names follow
 * the papers: Bernstein, Hadzilacos & Goodman (1987, chapter 7) for 2PC — Prepare, Vote,
 * Decision, Ack and the cooperative termination protocol's DecisionRequest; Gray & Lamport
 * (2006) for Paxos Commit — Phase1a/Phase1b/Phase2a/Phase2b per transaction, with the
 * instances of all its participants bundled in one message (their section 4.3).
 *
 * Three local messages a node sends to itself through `sendAfterSync`, which the engine releases
 * once the node's earlier writes are durable: `PreparedDurable` starts a participant's blocked
 * time, `EpochDurable` lets a restarted coordinator serve again, `DecisionDurable` marks the
 * instant a decision record is on disk — from then on the decision counts for AC1 and AC2.
 */
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import type { NodeId } from '../../sim/index.js';

/** A transaction's outcome. */
export type Decision = 'commit' | 'abort';
/** A Paxos Commit instance's value: a participant's vote as chosen by the acceptors. */
export type InstanceValue = 'prepared' | 'aborted';

/** One account's balance change within a transaction, at the participant holding it. */
export interface Delta {
  readonly account: string;
  readonly amount: number;
}

/** What one participant does for a transaction: add deltas, or read balances. */
export interface Work {
  readonly deltas: readonly Delta[];
  readonly reads: readonly string[];
}

/** A value accepted by an acceptor for one instance. */
export interface Accepted {
  readonly ballot: number;
  readonly value: InstanceValue;
}

/** The protocol's messages (client requests and replies included). */
export type TwoPcMessage =
  | ClientMessage
  | { readonly type: 'Prepare'; readonly tx: string; readonly participants: readonly NodeId[];
      readonly work: Work }
  | { readonly type: 'Vote'; readonly tx: string; readonly yes: boolean;
      readonly reads: Readonly<Record<string, number>> }
  | { readonly type: 'Decision'; readonly tx: string; readonly decision: Decision }
  | { readonly type: 'Ack'; readonly tx: string }
  | { readonly type: 'DecisionRequest'; readonly tx: string }
  | { readonly type: 'PreparedDurable'; readonly tx: string }
  | { readonly type: 'EpochDurable'; readonly epoch: number }
  | { readonly type: 'DecisionDurable'; readonly tx: string }
  | { readonly type: 'Phase1a'; readonly tx: string; readonly ballot: number }
  | { readonly type: 'Phase1b'; readonly tx: string; readonly ballot: number;
      readonly accepted: Readonly<Record<NodeId, Accepted>> }
  | { readonly type: 'Nack'; readonly tx: string; readonly promised: number }
  | { readonly type: 'Phase2a'; readonly tx: string; readonly ballot: number;
      readonly participants: readonly NodeId[];
      readonly values: Readonly<Record<NodeId, InstanceValue>> }
  | { readonly type: 'Phase2b'; readonly tx: string; readonly ballot: number;
      readonly participants: readonly NodeId[];
      readonly values: Readonly<Record<NodeId, InstanceValue>> };

/** A message of the protocol by its type. */
export type MessageOf<T extends TwoPcMessage['type']> = Extract<TwoPcMessage, { type: T }>;
