/**
 * A single mutex with `acquire` and `release`: Knossos's `mutex` model (knossos/model.clj),
 * the one Jepsen's lock tests check (data/mutex in Knossos holds etcd's and Hazelcast's).
 *
 * Operations, as recorded in a history (values are ignored):
 * - `acquire`: `ok` means this process now holds the lock, legal only when nobody holds it;
 * - `release`: `ok` means the lock was held and is now free, illegal when it was free;
 * - a `fail` did not happen (Jepsen records a refused release as `:fail … :error :not-held`);
 * - an `info` may have happened, at any point after its call, or never.
 * Like Knossos's model, this one does not know who holds the lock: a release by another
 * process than the holder is legal. That is the mutex's sequential specification; whether
 * the right process released is a safety property of its own (the lock protocol's fencing
 * and mutual-exclusion invariants check it).
 */
import type { Operation } from '../history.js';
import type { Model, ModelOperation } from '../model.js';
import { ILLEGAL, OperationError, UNKNOWN } from '../model.js';

/** A mutex operation. */
export type MutexInput = 'acquire' | 'release';

/** A single mutex: whether it is held. */
export function mutexModel(): Model<boolean, MutexInput, undefined> {
  return {
    name: 'mutex',
    init: () => false,
    convert: convertMutexOperation,
    step(held, input) {
      if (input === 'acquire') return held ? ILLEGAL : true;
      return held ? false : ILLEGAL;
    },
    equal: (a, b) => a === b,
    hash: (held) => (held ? 0x3c6ef372 : 0x1b873593),
    internKey: (held) => held,
    describeOperation(input, output) {
      return `${input}${output === UNKNOWN ? ' (outcome unknown)' : ''}`;
    },
    describeState: (held) => (held ? 'held' : 'free'),
  };
}

function convertMutexOperation(op: Operation): ModelOperation<MutexInput, undefined> | null {
  if (op.f !== 'acquire' && op.f !== 'release') {
    throw new OperationError(op, `the mutex model has acquire and release, not ${op.f}`);
  }
  if (op.outcome === 'fail') return null;
  return { input: op.f, output: op.outcome === 'info' ? UNKNOWN : undefined };
}
