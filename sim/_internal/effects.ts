/**
 * Carries out a handler's outbox (./outbox.ts states the order) and a message's network fate.
 *
 * @internal
 */
import type { Outcome } from '../check/history.js';
import type { HistoryEvent } from '../check/history.js';
import type { ClientOperation } from '../node.js';
import type { Micros } from '../types.js';
import type { NodeHost, TimerEvent } from './host.js';
import type { Kernel } from './kernel.js';
import { CANCEL_TIMER, NOTE, RECORD, SEND, SEND_AFTER_SYNC, SET_TIMER, SYNC } from './outbox.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Applies a node's outbox in order, then the group commit's sync, and empties it. Runs when a
 * handler returns (or throws), with the node no longer busy: applying an effect runs no
 * handler, so no entry is added while this reads them.
 */
export function applyOutbox(kernel: Kernel, host: NodeHost): void {
  const box = host.outbox;
  const { kinds, a, b, n } = box;
  for (let i = 0; i < box.count; i++) {
    const first = a[i];
    const payload = b[i];
    a[i] = undefined;
    b[i] = undefined;
    const number = n[i] as number;
    switch (kinds[i]) {
      case SEND:
        transmit(kernel, host, first as NodeHost, payload);
        break;
      case SEND_AFTER_SYNC:
        if (host.disk.durableSequence >= number) {
          transmit(kernel, host, first as NodeHost, payload);
        } else {
          host.held.push({ to: first as NodeHost, msg: payload, needs: number });
          host.syncWanted = true;
        }
        break;
      case SYNC:
        host.startSync(number);
        break;
      case SET_TIMER:
        armTimer(kernel, host, first as string, number);
        break;
      case CANCEL_TIMER:
        host.timers.delete(first as string);
        break;
      case NOTE:
        kernel.trace.add(kernel.now, 'note', host.index, -1, -1, first as string, payload);
        break;
      case RECORD:
        record(kernel, host, first as 'invoke' | Outcome, payload as ClientOperation);
        break;
    }
  }
  box.count = 0;
  if (host.syncWanted && host.up) {
    host.syncWanted = false;
    host.disk.sync();
  }
}

/**
 * Sends a frozen message from a node now: traced, then its network fate carried out (queued
 * once or twice, or dropped with its cause). A send to oneself is local and reliable.
 */
export function transmit(kernel: Kernel, from: NodeHost, to: NodeHost, msg: unknown): void {
  const id = kernel.newMessageId();
  const tag = messageTag(msg);
  const now = kernel.now;
  kernel.trace.add(now, 'send', from.index, to.index, id, tag, msg);
  if (from === to) {
    kernel.push(now, { k: 'deliver', from, to, id, msg, tag, arrived: true });
    return;
  }
  const fate = kernel.network.fate(from.id, to.id, now, msg);
  switch (fate.kind) {
    case 'dropped':
      kernel.trace.add(now, 'drop', to.index, from.index, id, fate.cause);
      return;
    case 'delivered':
      kernel.push(fate.at, { k: 'deliver', from, to, id, msg, tag, arrived: false });
      return;
    case 'duplicated':
      kernel.push(fate.at, { k: 'deliver', from, to, id, msg, tag, arrived: false });
      kernel.push(fate.again, { k: 'deliver', from, to, id, msg, tag, arrived: false });
      return;
  }
}

/** The `type` field of a message, used as its trace tag. */
export function messageTag(msg: unknown): string | undefined {
  if (typeof msg === 'object' && msg !== null && 'type' in msg) {
    return String((msg as { type: unknown }).type);
  }
  return undefined;
}

/**
 * Sets (or replaces) a timer to fire at true time `at`. Re-arming the timer whose handler is
 * running reuses its event object, which left the queue when it fired.
 */
function armTimer(kernel: Kernel, host: NodeHost, name: string, at: Micros): void {
  const firing = host.firing;
  if (firing !== undefined && firing.name === name) {
    host.firing = undefined;
    firing.at = at;
    // Still its name's entry unless the handler cancelled it first: then it goes back in.
    if (host.timers.get(name) !== firing) host.timers.set(name, firing);
    kernel.push(at, firing);
    return;
  }
  const event: TimerEvent = { k: 'timer' as const, host, name, at };
  host.timers.set(name, event);
  kernel.push(at, event);
}

/** Appends a client history event, and its trace record. */
function record(kernel: Kernel, host: NodeHost, type: 'invoke' | Outcome, op: ClientOperation): void {
  // Optional fields are added after, rather than spread from temporary objects: one event per
  // invocation and completion.
  const event: Mutable<HistoryEvent> = { index: kernel.history.length, type, process: host.id,
    time: kernel.now, f: op.f, value: op.value };
  if (op.key !== undefined) event.key = op.key;
  if (op.error !== undefined) event.error = op.error;
  kernel.history.push(event);
  kernel.trace.add(kernel.now, type, host.index, -1, -1, op.f, event);
}
