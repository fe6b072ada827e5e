/**
 * Effects as data (as etcd-raft's `Ready`). A handler does not act on the world: every effect
 * it asks for through its context (a send, a send after sync, a sync, a timer set or
 * cancelled, a note, a client history event) becomes one entry in its node's outbox, and the
 * engine applies the outbox when the handler returns. So a handler can be run and judged by
 * what it asked for (sim/transcript.ts), and the engine has one place where effects happen.
 *
 * The order of application, which every run's trace depends on:
 * 1. Entries are applied one by one in the order the handler asked for them: sends leave,
 *    timers are queued and notes recorded in program order.
 * 2. Persistence comes before the sends that depend on it. Disk writes are staged in the
 *    node's disk as the handler makes them (it reads its own writes at once), and become
 *    durable only through a sync, whose completion is an engine event. A `sendAfterSync`
 *    leaves at its place in the order when every write made before it is already durable;
 *    otherwise it is held until the sync that covers those writes completes.
 * 3. Last, when a held message waits on writes that no sync requested so far covers, the
 *    engine requests one sync for all of them (group commit).
 * A handler that throws has the entries it made before the throw applied, so the trace shows
 * them before the error that stops the run.
 *
 * Messages, notes' data and client operations are copied and frozen once, here (the
 * outbox's methods call `snapshot`, and nothing else on the way out does), when the handler
 * hands them over: nothing the handler does afterwards changes them.
 *
 * The outbox keeps its entries in parallel arrays reused from one handler to the next, so an
 * effect costs no allocation beyond its frozen payload. It holds and lists; ./effects.ts
 * applies.
 *
 * @internal
 */
import type { ClientOperation } from '../node.js';
import type { Outcome } from '../check/history.js';
import { snapshot } from '../snapshot.js';
import type { Micros, NodeId } from '../types.js';

/** One effect a handler asked for, as data: what `Outbox.effects` lists. */
export type Effect =
  | { readonly kind: 'send'; readonly to: NodeId; readonly msg: unknown }
  /** `needs`: the write sequence that must be durable before it leaves. */
  | { readonly kind: 'sendAfterSync'; readonly to: NodeId; readonly msg: unknown; readonly needs: number }
  /** A sync covering the writes below sequence `upTo`. */
  | { readonly kind: 'sync'; readonly upTo: number }
  /** `at`: the true time it fires; `after`: the local delay the handler asked for (or drew). */
  | { readonly kind: 'setTimer'; readonly name: string; readonly after: Micros; readonly at: Micros }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  | { readonly kind: 'note'; readonly note: string; readonly data?: unknown }
  | { readonly kind: 'record'; readonly type: 'invoke' | Outcome; readonly op: ClientOperation };

/** Entry kinds, as stored in `Outbox.kinds`. */
export const SEND = 0;
export const SEND_AFTER_SYNC = 1;
export const SYNC = 2;
export const SET_TIMER = 3;
export const CANCEL_TIMER = 4;
export const NOTE = 5;
export const RECORD = 6;

/**
 * The effects one handler of one node asked for, not yet applied. `T` is what names a
 * message's receiver (the engine's host of that node).
 */
export class Outbox<T extends { readonly id: NodeId }> {
  /** Per entry: its kind (SEND, …). The arrays are read in place by ./effects.ts. */
  readonly kinds: number[] = [];
  /** Per entry: the receiver, timer name, note kind or history event type. */
  readonly a: unknown[] = [];
  /** Per entry: the frozen message, note data or operation. */
  readonly b: unknown[] = [];
  /** Per entry: the write sequence needed, the sync's upper bound, or the timer's true time. */
  readonly n: number[] = [];
  /** Per entry: a timer's local delay. */
  readonly m: number[] = [];
  /** Entries waiting: the arrays' cells past it are stale. */
  count = 0;

  /** Entries waiting. */
  get length(): number {
    return this.count;
  }

  send(to: T, msg: unknown): void {
    this.add(SEND, to, snapshot(msg), 0, 0);
  }

  sendAfterSync(to: T, msg: unknown, needs: number): void {
    this.add(SEND_AFTER_SYNC, to, snapshot(msg), needs, 0);
  }

  sync(upTo: number): void {
    this.add(SYNC, undefined, undefined, upTo, 0);
  }

  setTimer(name: string, after: Micros, at: Micros): void {
    this.add(SET_TIMER, name, undefined, at, after);
  }

  cancelTimer(name: string): void {
    this.add(CANCEL_TIMER, name, undefined, 0, 0);
  }

  note(kind: string, data: unknown): void {
    this.add(NOTE, kind, data === undefined ? undefined : snapshot(data), 0, 0);
  }

  record(type: 'invoke' | Outcome, op: ClientOperation): void {
    this.add(RECORD, type, snapshot(op), 0, 0);
  }

  /** The entries waiting, in order, as plain data. */
  effects(): Effect[] {
    const out: Effect[] = [];
    for (let i = 0; i < this.count; i++) {
      const a = this.a[i];
      const b = this.b[i];
      const n = this.n[i] as number;
      switch (this.kinds[i]) {
        case SEND:
          out.push({ kind: 'send', to: (a as T).id, msg: b });
          break;
        case SEND_AFTER_SYNC:
          out.push({ kind: 'sendAfterSync', to: (a as T).id, msg: b, needs: n });
          break;
        case SYNC:
          out.push({ kind: 'sync', upTo: n });
          break;
        case SET_TIMER:
          out.push({ kind: 'setTimer', name: a as string, after: this.m[i] as number, at: n });
          break;
        case CANCEL_TIMER:
          out.push({ kind: 'cancelTimer', name: a as string });
          break;
        case NOTE:
          out.push(b === undefined ? { kind: 'note', note: a as string }
            : { kind: 'note', note: a as string, data: b });
          break;
        case RECORD:
          out.push({ kind: 'record', type: a as 'invoke' | Outcome, op: b as ClientOperation });
          break;
      }
    }
    return out;
  }

  /** Forgets the entries (once applied, or once a transcript has read them). */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      this.a[i] = undefined;
      this.b[i] = undefined;
    }
    this.count = 0;
  }

  private add(kind: number, a: unknown, b: unknown, n: number, m: number): void {
    const i = this.count++;
    this.kinds[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    this.n[i] = n;
    this.m[i] = m;
  }
}
