/**
 * Node lifecycle: a node's host is built once per run; then it boots, runs handlers, crashes,
 * restarts, pauses and resumes. Each change is traced on the node's lane and listed in
 * `World.changed`.
 *
 * @internal
 */
import { Clock, type ClockConfig } from '../clock.js';
import { SimDisk } from '../disk.js';
import { type Latency, sampleLatency } from '../latency.js';
import type { NodeContext, NodeProgram } from '../node.js';
import type { Prng } from '../prng.js';
import type { NodeId } from '../types.js';
import { makeContext } from './context.js';
import { applyOutbox } from './effects.js';
import { NodeHost } from './host.js';
import type { Kernel, SimEvent } from './kernel.js';

/**
 * Builds the host of node `id`. Its disk's sync requests become outbox entries while a handler
 * runs, and start at once otherwise.
 */
export function makeHost(kernel: Kernel, id: NodeId, index: number, isServer: boolean,
  clock: ClockConfig | undefined, syncLatency: Latency): NodeHost {
  const host = new NodeHost(id, index, isServer, new Clock(clock), new SimDisk());
  // Looked up at the first sync, not per sync: naming a stream builds and hashes a string.
  let stream: Prng | undefined;
  host.startSync = (upTo) => {
    stream ??= kernel.prng.stream(`disk/${id}`);
    const done = Math.max(kernel.now + sampleLatency(syncLatency, stream), host.lastSyncDone);
    host.lastSyncDone = done;
    kernel.trace.add(kernel.now, 'sync', host.index, -1, -1, undefined, { upTo });
    kernel.push(done, { k: 'sync', host, inc: host.incarnation, upTo });
  };
  host.disk.onSyncRequest = (upTo) => {
    if (host.busy) host.outbox.sync(upTo);
    else host.startSync(upTo);
  };
  return host;
}

/**
 * Leaves the handler entered by `host.enter()`: the node is no longer busy and its outbox is
 * applied. Called in a finally, so a handler that throws has its effects so far applied.
 */
export function leave(kernel: Kernel, host: NodeHost): void {
  host.busy = false;
  applyOutbox(kernel, host);
}

/** Boots a node (at start or restart) and runs its `start` handler. */
export function boot(kernel: Kernel, host: NodeHost, kind: 'start' | 'restart'): void {
  if (host.up) return;
  kernel.touch(host);
  host.program = kernel.makeProgram(host.id) as NodeProgram<unknown>;
  host.context = makeContext(kernel, host) as NodeContext<unknown>;
  const context = host.context;
  kernel.trace.add(kernel.now, kind, host.index);
  const program = host.enter();
  try {
    program.start(context);
  } finally {
    leave(kernel, host);
  }
}

/** Crashes a node: its program and volatile state are gone, and its unsynced writes. */
export function crash(kernel: Kernel, host: NodeHost, cause: string, tear = false): void {
  if (!host.up) return;
  kernel.touch(host);
  host.reset();
  const lost = host.disk.crash(tear);
  kernel.trace.add(kernel.now, 'crash', host.index, -1, -1, cause, lost);
}

/** Pauses a running node: what reaches it waits until it resumes. */
export function pause(kernel: Kernel, host: NodeHost): void {
  if (!host.up || host.paused) return;
  kernel.touch(host);
  host.paused = true;
  kernel.trace.add(kernel.now, 'pause', host.index);
}

/** Resumes a paused node and replays what reached it meanwhile. */
export function resume(kernel: Kernel, host: NodeHost): void {
  if (!host.paused) return;
  kernel.touch(host);
  host.paused = false;
  kernel.trace.add(kernel.now, 'resume', host.index);
  const deferred = host.deferred as SimEvent[];
  host.deferred = [];
  host.deferredMessages = 0;
  for (const event of deferred) kernel.push(kernel.now, event);
}
