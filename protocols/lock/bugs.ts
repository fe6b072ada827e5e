/**
 * The bug catalogue of the lock: realistic mistakes behind switches, each with the property
 * that catches it and the scenario that shows it. A bug of one variant implies that variant
 * when the parameters leave it out.
 */
import type { BugSwitch } from '../protocol.js';

/** Bug switch names. */
export const LOCK_BUGS = ['wall-clock-lease', 'lock-without-fencing', 'setnx-then-expire',
  'delete-without-token', 'getset-race', 'watch-lock-node'] as const;
export type LockBug = (typeof LOCK_BUGS)[number];

/** The variants. */
export const LOCK_VARIANTS = ['lease', 'redis', 'redlock', 'zookeeper'] as const;
export type LockVariant = (typeof LOCK_VARIANTS)[number];

/** The variant each bug belongs to; a bug not listed applies to every variant. */
export const BUG_VARIANT: Readonly<Partial<Record<LockBug, LockVariant>>> = {
  'wall-clock-lease': 'lease',
  'setnx-then-expire': 'redis',
  'delete-without-token': 'redis',
  'getset-race': 'redis',
  'watch-lock-node': 'zookeeper',
};

/** A catalogue entry; every bug's scenario is scenarios/lock/bug-<name>.yaml. */
const bug = (name: LockBug, caughtBy: string, description: string): BugSwitch =>
  ({ name, caughtBy, description, scenario: `scenarios/lock/bug-${name}.yaml` });

/** The catalogue. */
export const lockBugs: readonly BugSwitch[] = [
  bug('wall-clock-lease', 'one-holder', 'The lease service judges lease expiry on its wall ' +
    'clock: a forward clock step ends the lease early and the lock is granted twice.'),
  bug('lock-without-fencing', 'fenced-writes', 'The storage ignores fencing tokens: a ' +
    'holder paused past its lease writes after the next holder.'),
  bug('setnx-then-expire', 'lock-progress', 'Redis: the lock is taken with SETNX and given ' +
    'its expiry by a second command; a client that crashes between the two leaves a key ' +
    'that never expires, and nobody gets the lock again.'),
  bug('delete-without-token', 'one-holder', 'Redis: a client releases with DEL instead of ' +
    'compare-and-delete; one whose lease ran out during a pause deletes the next holder\'s ' +
    'key, and a third client takes the lock while the second still holds it.'),
  bug('getset-race', 'one-holder', 'Redis: the old SETNX-with-timestamp recipe breaks an ' +
    'expired lock with DEL then SETNX; two clients that both find it expired both take it.'),
  bug('watch-lock-node', 'no-herd', 'Coordination service: every waiter watches the lock ' +
    'node\'s children instead of the node before its own, so every release wakes them all ' +
    '(the herd effect).'),
];
