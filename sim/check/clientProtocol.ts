/**
 * The messages between simulated client processes and the servers of any protocol, so that one
 * client program (workload.ts) drives Raft, Multi-Paxos, master-slave replication and the rest,
 * and one history format feeds the checkers.
 *
 * A request carries the client's id and a per-client sequence number: a server that keeps
 * client sessions (Raft thesis §6.3) applies a retried request once and answers retries with
 * the first answer. A reply is definite or not (Maelstrom's error classes):
 * - `ok`: it happened, with its result;
 * - `fail`: it definitely did not happen and never will (not the leader, a CAS whose expected
 *   value did not match); `leaderHint` tells where to go next;
 * - `unknown`: the server cannot tell (it lost leadership after proposing); the client treats
 *   it like a timeout.
 *
 * Two duties follow for servers, because the client trusts only the server it sent the
 * current attempt to (a duplicated reply could otherwise answer a later attempt):
 * 1. The server that received a request answers it; it does not forward the request for
 *    another node to answer (a leader hint in a `fail` reply redirects the client instead).
 * 2. A `fail` is definite only if that server will never run the request later, even when a
 *    duplicate of it arrives after the server became leader: a server that refused a request
 *    must not start it afterwards, or must answer `unknown` instead of `fail`.
 */
import type { ClientOperation } from '../node.js';
import type { NodeId } from '../types.js';

/** A client's request. `op` is recorded in the history exactly as sent. */
export interface ClientRequest {
  readonly type: 'ClientRequest';
  readonly client: NodeId;
  readonly seq: number;
  readonly op: ClientOperation;
}

/** A server's answer to a `ClientRequest`. */
export type ClientReply =
  | { readonly type: 'ClientReply'; readonly seq: number; readonly outcome: 'ok'; readonly result: unknown }
  | {
      readonly type: 'ClientReply';
      readonly seq: number;
      readonly outcome: 'fail' | 'unknown';
      readonly error: string;
      readonly leaderHint?: NodeId;
    };

/** Client-side messages, as a union protocols can include in their own. */
export type ClientMessage = ClientRequest | ClientReply;

/** Whether a message is a client request (servers dispatch on this first). */
export function isClientRequest(msg: unknown): msg is ClientRequest {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ClientRequest';
}
