/**
 * The messages of both Paxos variants, as one discriminated union so that the acceptor code
 * is shared. Names follow Paxos Made Simple: phase 1 is `Prepare` → `Promise` (or `Nack`),
 * phase 2 is `Accept` → `Accepted` (or `Nack`); a learner announces a decision with `Decide`.
 * Multi-Paxos adds the leader's `Heartbeat` (with its executed prefix, so followers that
 * missed decisions are caught up) and the clients' messages from sim/check/clientProtocol.ts.
 * `RejoinRequest`/`RejoinReply` rebuild an acceptor whose disk record was found corrupt.
 *
 * `V` is the value type: a `Command` in Multi-Paxos, a string in single-decree Paxos.
 */
import type { NodeId } from '../../sim/index.js';
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import type { Ballot } from './ballot.js';

/** One acceptor's accepted proposal for a slot (single-decree Paxos uses slot 0). */
export interface AcceptedEntry<V> {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly value: V;
}

/** Phase 1a: asks acceptors to promise `ballot` for every slot from `fromSlot` on. */
export interface Prepare {
  readonly type: 'Prepare';
  readonly ballot: Ballot;
  readonly fromSlot: number;
}

/** Phase 1b: a promise, with the proposals this acceptor accepted in those slots. */
export interface PromiseMessage<V> {
  readonly type: 'Promise';
  readonly ballot: Ballot;
  readonly accepted: readonly AcceptedEntry<V>[];
}

/** A value proposed for (or accepted in, or chosen in) one slot. */
export interface SlotValue<V> {
  readonly slot: number;
  readonly value: V;
}

/**
 * Phase 2a: asks acceptors to accept, at `ballot`, each entry's value in its slot. A Multi-
 * Paxos leader puts a batch of slots in one Accept (the acceptor persists them all with one
 * write barrier and answers with one Accepted); single-decree Paxos sends one entry, slot 0.
 */
export interface Accept<V> {
  readonly type: 'Accept';
  readonly ballot: Ballot;
  readonly entries: readonly SlotValue<V>[];
  /** Multi-Paxos: the leader's read round riding on this Accept (see Heartbeat). */
  readonly round?: number;
}

/** Phase 2b: the acceptor accepted (and made durable) every entry at `ballot`. */
export interface Accepted<V> {
  readonly type: 'Accepted';
  readonly ballot: Ballot;
  readonly entries: readonly SlotValue<V>[];
  /** The Accept's read round, echoed: an acceptor that accepted at `ballot` confirms it. */
  readonly round?: number;
}

/** A refusal: the acceptor has promised `promised`, above the `ballot` it was asked for. */
export interface Nack {
  readonly type: 'Nack';
  readonly ballot: Ballot;
  readonly promised: Ballot;
}

/** A learner tells another that each entry's value was chosen in its slot. */
export interface Decide<V> {
  readonly type: 'Decide';
  readonly entries: readonly SlotValue<V>[];
}

/**
 * The Multi-Paxos leader is alive; it has executed every slot below `executed`. `round` is
 * its latest read round (0: none yet): a majority that answers confirms the reads of it.
 */
export interface Heartbeat {
  readonly type: 'Heartbeat';
  readonly ballot: Ballot;
  readonly executed: number;
  readonly round: number;
}

/** A follower's answer: it has executed every slot below `executed`; it echoes `round`. */
export interface HeartbeatReply {
  readonly type: 'HeartbeatReply';
  readonly ballot: Ballot;
  readonly executed: number;
  readonly round: number;
}

/** A node whose acceptor record is corrupt asks its peers for their acceptor state. */
export interface RejoinRequest {
  readonly type: 'RejoinRequest';
  readonly nonce: number;
}

/** A peer's acceptor state, for a rejoining node. */
export interface RejoinReply<V> {
  readonly type: 'RejoinReply';
  readonly nonce: number;
  readonly promised: Ballot;
  readonly accepted: readonly AcceptedEntry<V>[];
}

/** Every message of the Paxos protocols. */
export type PaxosMessage<V> =
  | Prepare
  | PromiseMessage<V>
  | Accept<V>
  | Accepted<V>
  | Nack
  | Decide<V>
  | Heartbeat
  | HeartbeatReply
  | RejoinRequest
  | RejoinReply<V>
  | ClientMessage;

/** The messages an acceptor handles. */
export type AcceptorMessage<V> = Prepare | Accept<V> | RejoinRequest | RejoinReply<V>;

/** Where a message came from, for handlers. */
export type From = NodeId;
