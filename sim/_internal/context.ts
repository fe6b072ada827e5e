/**
 * The `NodeContext` handed to one incarnation of a node: every effect a program asks for goes
 * through here into the engine. Messages are snapshotted (deep frozen copies) on the way in,
 * so nothing the sender does afterwards changes what is delivered.
 *
 * @internal
 */
import { AssertionError } from '../assert.js';
import type { Engine } from '../engine.js';
import type { NodeContext, TimerDelay } from '../node.js';
import { snapshot } from '../snapshot.js';
import type { Micros, NodeId } from '../types.js';
import type { NodeHost } from './host.js';
import type { HistoryEvent } from '../check/history.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** @internal Builds the context of the host's current incarnation. */
export function makeContext<M>(engine: Engine<M>, host: NodeHost): NodeContext<M> {
  const incarnation = host.incarnation;
  const live = (what: string): void => {
    if (host.incarnation !== incarnation) {
      throw new AssertionError(`${host.id}: ${what} by a crashed incarnation`);
    }
    if (!host.busy) throw new AssertionError(`${host.id}: ${what} outside a handler`);
  };
  const prng = engine.prng.stream(`node/${host.id}`);
  const timerPrng = engine.prng.stream(`timer/${host.id}`);
  return {
    id: host.id,
    servers: engine.servers,
    disk: host.disk,
    prng,
    now: () => host.clock.local(engine.now),
    monotonic: () => host.clock.monotonic(engine.now),
    send(to: NodeId, msg: M): void {
      live('send');
      engine.transmit(host, engine.host(to), snapshot(msg));
    },
    sendAfterSync(to: NodeId, msg: M): void {
      live('sendAfterSync');
      const target = engine.host(to);
      const frozen = snapshot(msg);
      if (host.disk.unsyncedWrites === 0) return engine.transmit(host, target, frozen);
      host.held.push({ to: target, msg: frozen, needs: host.disk.writeSequence });
      host.syncWanted = true;
    },
    drawDelay(after: TimerDelay): Micros {
      return typeof after === 'number' ? after : timerPrng.int(after[0], after[1]);
    },
    setTimer(name: string, after: TimerDelay): void {
      live('setTimer');
      const local = typeof after === 'number' ? after : timerPrng.int(after[0], after[1]);
      if (!(Number.isInteger(local) && local >= 0)) {
        throw new AssertionError(`${host.id}: timer ${name} delay ${local}`);
      }
      const at = engine.now + host.clock.trueDelay(local);
      let event = host.firing;
      if (event !== undefined && event.name === name) {
        host.firing = undefined; // it left the queue when it fired, so it can go back in
        event.at = at;
      } else {
        event = { k: 'timer' as const, host, name, at };
      }
      host.timers.set(name, event);
      engine.push(at, event);
    },
    cancelTimer(name: string): void {
      live('cancelTimer');
      host.timers.delete(name);
    },
    note(kind: string, data?: unknown): void {
      live('note');
      engine.trace.add(engine.now, 'note', host.index, -1, -1, kind,
        data === undefined ? undefined : snapshot(data));
    },
    record(type, op): void {
      live('record');
      const frozen = snapshot(op);
      // Optional fields are added after, rather than spread from temporary objects: one event
      // per invocation and completion.
      const event: Mutable<HistoryEvent> = { index: engine.history.length, type, process: host.id,
        time: engine.now, f: frozen.f, value: frozen.value };
      if (frozen.key !== undefined) event.key = frozen.key;
      if (frozen.error !== undefined) event.error = frozen.error;
      engine.history.push(event);
      engine.trace.add(engine.now, type, host.index, -1, -1, frozen.f, event);
    },
  };
}
