/**
 * The messages between the operator process (operator.ts) and the servers of a protocol that
 * changes its membership: what an administrator's tool sends (etcdctl's `member add` and
 * `move-leader`, the AddServer and RemoveServer RPCs of Ongaro's thesis, Figure 4.1) and what
 * it is told.
 *
 * A reply says what the operator should do next, in the classes a tool needs:
 * - `ok`: done (a configuration change is committed, a leadership transfer took place);
 * - `refused`: it will not be done, and asking again will not help (removing the last
 *   voter, a transfer to a server that does not vote);
 * - `retry`: not now: this server does not lead (`leaderHint` says where to go), or a change
 *   is already under way, or the new server could not catch up in time; asking again later
 *   may succeed;
 * - `unknown`: the server started it and lost the leadership before it finished: it may or
 *   may not happen; asking again is safe (every operation is idempotent: adding a member or
 *   removing a server that is not one is done at once).
 */
import type { AdminOp } from '../faults.js';
import type { NodeId } from '../types.js';

/** The engine to the operator (a message from itself): the schedule asks for `op` on `node`. */
export interface AdminCommand {
  readonly type: 'AdminCommand';
  readonly op: AdminOp;
  readonly node: NodeId;
}

/** The operator to a server: please do `op` on `node`. `seq` numbers the operator's requests. */
export interface AdminRequest {
  readonly type: 'AdminRequest';
  readonly seq: number;
  readonly op: AdminOp;
  readonly node: NodeId;
}

/** A server's answer to an `AdminRequest` (see the file comment for the outcomes). */
export type AdminReply =
  | { readonly type: 'AdminReply'; readonly seq: number; readonly outcome: 'ok' }
  | {
      readonly type: 'AdminReply';
      readonly seq: number;
      readonly outcome: 'refused' | 'retry' | 'unknown';
      readonly error: string;
      readonly leaderHint?: NodeId;
    };

/** The error of a `retry` from a server that does not lead (with `leaderHint` if it knows). */
export const NOT_LEADER = 'not-leader';

/** Every message of the operator's protocol. */
export type AdminMessage = AdminCommand | AdminRequest | AdminReply;
