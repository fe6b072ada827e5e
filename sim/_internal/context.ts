/**
 * The `NodeContext` handed to one incarnation of a node. Every effect a program asks for goes
 * into its node's outbox as data (./outbox.ts), applied by the engine when the handler returns;
 * what a handler reads (its clocks, its random streams, its disk) it reads at once.
 *
 * @internal
 */
import { AssertionError } from '../assert.js';
import type { NodeContext, TimerDelay } from '../node.js';
import type { Micros, NodeId } from '../types.js';
import type { NodeHost } from './host.js';
import type { HandlerKernel } from './kernel.js';

/** @internal Builds the context of the host's current incarnation. */
export function makeContext<M>(kernel: HandlerKernel, host: NodeHost): NodeContext<M> {
  const incarnation = host.incarnation;
  const outbox = host.outbox;
  const live = (what: string): void => {
    if (host.incarnation !== incarnation) {
      throw new AssertionError(`${host.id}: ${what} by a crashed incarnation`);
    }
    if (!host.busy) throw new AssertionError(`${host.id}: ${what} outside a handler`);
  };
  const prng = kernel.prng.stream(`node/${host.id}`);
  const timerPrng = kernel.prng.stream(`timer/${host.id}`);
  const draw = (after: TimerDelay): Micros =>
    typeof after === 'number' ? after : timerPrng.int(after[0], after[1]);
  return {
    id: host.id,
    servers: kernel.servers,
    disk: host.disk,
    prng,
    now: () => host.clock.local(kernel.now),
    monotonic: () => host.clock.monotonic(kernel.now),
    send(to: NodeId, msg: M): void {
      live('send');
      outbox.send(kernel.host(to), msg);
    },
    sendAfterSync(to: NodeId, msg: M): void {
      live('sendAfterSync');
      outbox.sendAfterSync(kernel.host(to), msg, host.disk.writeSequence);
    },
    drawDelay: draw,
    setTimer(name: string, after: TimerDelay): void {
      live('setTimer');
      const local = draw(after);
      if (!(Number.isInteger(local) && local >= 0)) {
        throw new AssertionError(`${host.id}: timer ${name} delay ${local}`);
      }
      outbox.setTimer(name, local, kernel.now + host.clock.trueDelay(local));
    },
    cancelTimer(name: string): void {
      live('cancelTimer');
      outbox.cancelTimer(name);
    },
    note(kind: string, data?: unknown): void {
      live('note');
      outbox.note(kind, data);
    },
    record(type, op): void {
      live('record');
      outbox.record(type, op);
    },
  };
}
