/**
 * A linearizable read waiting at a leader (ReadIndex, Raft §6.4), the shape Raft and
 * Multi-Paxos share: the leader notes the index its answer must reflect, confirms with one
 * round of heartbeats that it still leads when the read arrived, and answers once it has
 * applied everything up to that index. Reads arriving while a round is under way wait for
 * the next one, so one round serves them all.
 */
import type { NodeId } from '../sim/index.js';

/** A read waiting for its round and for the state machine to reach its index. */
export interface PendingRead {
  readonly client: NodeId;
  readonly seq: number;
  readonly key: string;
  /**
   * The index the answer must reflect: Raft's commit index, Multi-Paxos's first slot not yet
   * proposed. Undefined until the leader knows it (a Raft leader that has not committed in
   * its term, a Paxos read whose round has not started).
   */
  readIndex: number | undefined;
  /** The heartbeat round whose replies confirm the leadership. */
  round: number;
}
