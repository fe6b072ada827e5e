/**
 * Pairs a history's events into operations, as checkers read them: each `invoke` with the
 * next completion of the same process. A process has at most one operation outstanding, as in
 * Jepsen. An `info` completion, or an invoke still open when the history ends, gives an
 * operation with unknown outcome and `returnTime = Infinity`: it may have taken effect at any
 * time after its call, or never.
 */
import type { HistoryEvent, Operation } from './history.js';

/**
 * A history whose events do not pair: a completion with no invoke, or a process that invokes
 * while its last operation is open. `position` is the offending event's place in the array.
 */
export class PairingError extends Error {
  override readonly name = 'PairingError';
  constructor(readonly position: number, readonly detail: string) {
    super(`event ${position}: ${detail}`);
  }
}

/**
 * Pairs invocations with completions. Operation ids are 0, 1, … in invocation order. Throws a
 * `PairingError` naming the event when a process completes nothing or invokes twice.
 */
export function pairOperations(events: readonly HistoryEvent[]): Operation[] {
  const open = new Map<string, { call: HistoryEvent; id: number; position: number }>();
  const done: (Operation | undefined)[] = [];
  let nextId = 0;
  for (const [position, event] of events.entries()) {
    const pending = open.get(event.process);
    if (event.type === 'invoke') {
      if (pending !== undefined) {
        throw new PairingError(position, `process ${event.process} invokes ${event.f} while ` +
          `its ${pending.call.f} (event ${pending.position}) has not completed; a process ` +
          'has one operation at a time');
      }
      open.set(event.process, { call: event, id: nextId, position });
      done.push(undefined);
      nextId++;
      continue;
    }
    if (pending === undefined) {
      throw new PairingError(position, `${event.type} ${event.f} by ${event.process}, which ` +
        'has no operation open (a completion needs its invoke first)');
    }
    open.delete(event.process);
    done[pending.id] = makeOperation(pending.id, pending.call, event);
  }
  for (const { call, id } of open.values()) done[id] = makeOperation(id, call, undefined);
  return done.map((op, i) => {
    if (op === undefined) throw new Error(`operation ${i} was never paired`);
    return op;
  });
}

function makeOperation(
  id: number,
  call: HistoryEvent,
  completion: HistoryEvent | undefined,
): Operation {
  const outcome = completion?.type ?? 'info';
  if (outcome === 'invoke') throw new Error(`event ${call.index}: completion is an invoke`);
  const base = {
    id,
    process: call.process,
    f: call.f,
    input: call.value,
    output: outcome === 'ok' ? completion?.value : undefined,
    outcome,
    callTime: call.time,
    returnTime: outcome === 'info' || completion === undefined ? Infinity : completion.time,
  };
  const error = completion?.error;
  return {
    ...base,
    ...(call.key === undefined ? {} : { key: call.key }),
    ...(error === undefined ? {} : { error }),
  };
}
