/**
 * What a `fail` compare-and-set tells a checker. Tools disagree, so the models take it as an
 * option:
 * - `ignored`: a failed operation did not happen and tells nothing (Knossos: `:fail` means
 *   the operation had no effect, and the checker removes it);
 * - `observation`: a failed CAS observed that the value was not `from` (Porcupine's etcd
 *   test), unless its error names another cause: a CAS refused by a follower (`not-leader`)
 *   tells nothing about the value;
 * - `mismatch-error`: only a CAS whose error says the compare failed (`cas-mismatch`, the
 *   error our stores give) observes; every other failure did not happen. This is Knossos's
 *   rule with our error field read, so a history we write in Jepsen's EDN checks the same.
 */
import type { Operation } from '../history.js';

/** How a model reads a failed compare-and-set; see the file comment. */
export type FailedCas = 'ignored' | 'observation' | 'mismatch-error';

/** The error a store gives when a CAS found another value. */
export const CAS_MISMATCH = 'cas-mismatch';

/** Whether a `fail` CAS operation is kept as the observation `from != value`. */
export function failedCasObserves(op: Operation, rule: FailedCas): boolean {
  if (op.f !== 'cas' || op.outcome !== 'fail') return false;
  switch (rule) {
    case 'ignored':
      return false;
    case 'observation':
      return op.error === undefined || op.error === CAS_MISMATCH;
    case 'mismatch-error':
      return op.error === CAS_MISMATCH;
  }
}
