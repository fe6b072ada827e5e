/**
 * Request batching at a leader, as Raft and Multi-Paxos do it (`batchDelay`): the first
 * client request after a flush arms one timer, and when it fires (the protocol's `onFlush`)
 * every request queued meanwhile is replicated in one round, with one read round for the reads
 * among them.
 */
import type { Micros, NodeContext } from '../sim/index.js';

/** A leader that batches: whether its flush timer is armed, and how long it collects. */
export interface Batching {
  flushArmed: boolean;
  readonly config: { readonly batchDelay: Micros };
}

/** Arms the flush timer unless it is armed. */
export function scheduleFlush(node: Batching, ctx: Pick<NodeContext<unknown>, 'setTimer'>): void {
  if (node.flushArmed) return;
  node.flushArmed = true;
  ctx.setTimer('flush', node.config.batchDelay);
}
