// Test helper: builds `Operation`s for hand-written histories in a line each, so a test reads
// like the timeline it describes. Times are in microseconds.
import type { Operation, Outcome } from '../../sim/check/history.js';

let nextId = 0;

/** An operation by `process`, called at `call` and returning at `ret` (Infinity if info). */
export function op(
  process: string,
  f: string,
  input: unknown,
  output: unknown,
  call: number,
  ret: number,
  outcome: Outcome = 'ok',
  key?: string,
): Operation {
  const base = {
    id: nextId++,
    process,
    f,
    input,
    output,
    outcome,
    callTime: call,
    returnTime: outcome === 'info' ? Infinity : ret,
  };
  return key === undefined ? base : { ...base, key };
}
