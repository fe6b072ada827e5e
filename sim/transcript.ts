/**
 * A handler tested as a transcript: one input (the node's start, a message, a timer), then
 * what the handler asked for, as data: its outbox (sends, sends after sync, syncs, timers,
 * notes, history events; sim/_internal/outbox.ts) and the disk writes it staged. Nothing is
 * applied: no message leaves, no timer is queued, so a test states the exact effects of one
 * step of a protocol without running a cluster, as etcd-raft's tests read a `Ready`.
 *
 * The node runs on its own: other nodes exist only as names to send to. Its disk may be given
 * (a disk prepared, then crashed, to test a restart); `sync()` makes its writes durable, as a
 * completed sync would. Its clocks read the transcript's time (`at`), and its random streams
 * are the ones an engine with the same seed would give it.
 */
import { AssertionError } from './assert.js';
import { Clock } from './clock.js';
import { type DiskWrite, SimDisk } from './disk.js';
import type { NodeContext, NodeProgram } from './node.js';
import { PrngRoot, type Seed } from './prng.js';
import type { Micros, NodeId } from './types.js';
import { makeContext } from './_internal/context.js';
import { NodeHost } from './_internal/host.js';
import type { HandlerKernel } from './_internal/kernel.js';
import type { Effect } from './_internal/outbox.js';
import { snapshot } from './snapshot.js';

export type { Effect } from './_internal/outbox.js';

/** What one handler did: its outbox in order, and the writes it staged on its disk. */
export interface Step {
  readonly effects: readonly Effect[];
  readonly writes: readonly DiskWrite[];
}

export interface TranscriptOptions<M> {
  /** The node under test. */
  readonly id: NodeId;
  readonly servers: readonly NodeId[];
  /** Other nodes it may send to (clients). */
  readonly clients?: readonly NodeId[];
  readonly program: NodeProgram<M>;
  /** Its disk as the handler finds it (default: empty). */
  readonly disk?: SimDisk;
  readonly seed?: Seed;
}

/** One node driven by hand, handler by handler. */
export class Transcript<M> implements HandlerKernel {
  readonly prng: PrngRoot;
  readonly servers: readonly NodeId[];
  readonly program: NodeProgram<M>;
  private readonly hosts = new Map<NodeId, NodeHost>();
  private readonly node: NodeHost;
  private readonly context: NodeContext<M>;
  private time: Micros = 0;

  constructor(options: TranscriptOptions<M>) {
    this.prng = new PrngRoot(options.seed ?? 1);
    this.servers = options.servers;
    this.program = options.program;
    const ids = [...options.servers, ...(options.clients ?? [])];
    if (!ids.includes(options.id)) {
      throw new AssertionError(`transcript: ${options.id} is not among the nodes ${ids.join(', ')}`);
    }
    ids.forEach((id, index) => {
      const disk = id === options.id ? options.disk ?? new SimDisk() : new SimDisk();
      this.hosts.set(id, new NodeHost(id, index, options.servers.includes(id), new Clock(), disk));
    });
    this.node = this.host(options.id);
    const node = this.node;
    node.program = options.program as NodeProgram<unknown>;
    node.disk.onSyncRequest = (upTo) => {
      if (node.busy) node.outbox.sync(upTo);
    };
    this.context = makeContext<M>(this, node);
  }

  get now(): Micros {
    return this.time;
  }

  /** @internal The host of a node (a name to send to, but for the node under test). */
  host(id: NodeId): NodeHost {
    const host = this.hosts.get(id);
    if (host === undefined) throw new AssertionError(`unknown node ${id}`);
    return host;
  }

  /** The node's disk. */
  get disk(): SimDisk {
    return this.node.disk;
  }

  /** Moves the transcript's true time (the node's clocks follow) to `time`. */
  at(time: Micros): this {
    if (time < this.time) throw new AssertionError(`transcript: time ${time} is before ${this.time}`);
    this.time = time;
    return this;
  }

  /** Makes every write staged so far durable, as a completed sync does. */
  sync(): this {
    this.node.disk.completeSync(this.node.disk.writeSequence);
    return this;
  }

  /** Runs the node's `start` handler (a boot, or a restart from its disk). */
  start(): Step {
    return this.handle(() => this.program.start(this.context));
  }

  /** Delivers `msg` from `from` (copied and frozen, as the network delivers it). */
  message(from: NodeId, msg: M): Step {
    this.host(from);
    const frozen = snapshot(msg);
    return this.handle(() => this.program.onMessage(this.context, from, frozen));
  }

  /** Fires the timer `name`. */
  timer(name: string): Step {
    return this.handle(() => this.program.onTimer(this.context, name));
  }

  private handle(run: () => void): Step {
    const node = this.node;
    const before = node.disk.writeSequence;
    node.enter();
    try {
      run();
    } finally {
      node.busy = false;
    }
    const effects = node.outbox.effects();
    node.outbox.clear();
    return { effects, writes: node.disk.writesSince(before) };
  }
}

/** The messages a step sends (after sync or not), to whom, in order. */
export function sends(step: Step): { to: NodeId; msg: unknown; afterSync: boolean }[] {
  const out: { to: NodeId; msg: unknown; afterSync: boolean }[] = [];
  for (const effect of step.effects) {
    if (effect.kind === 'send') out.push({ to: effect.to, msg: effect.msg, afterSync: false });
    if (effect.kind === 'sendAfterSync') out.push({ to: effect.to, msg: effect.msg, afterSync: true });
  }
  return out;
}
