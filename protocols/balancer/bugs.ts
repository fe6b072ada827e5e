/**
 * The bug catalogue of the load balancer: realistic mistakes behind switches, each with the
 * property that catches it and the scenario that shows it (README.md tells each story).
 */
import type { BugSwitch } from '../protocol.js';

/** Bug switch names. */
export const BALANCER_BUGS = ['no-health-check', 'eject-on-first-error', 'retry-storm',
  'hash-mod-n', 'ring-ignores-health', 'retry-non-idempotent', 'unfenced-takeover'] as const;
export type BalancerBug = (typeof BALANCER_BUGS)[number];

/** A catalogue entry; every bug's scenario is scenarios/balancer/bug-<name>.yaml. */
const bug = (name: BalancerBug, caughtBy: string, description: string): BugSwitch =>
  ({ name, caughtBy, description, scenario: `scenarios/balancer/bug-${name}.yaml` });

/** The catalogue. */
export const balancerBugs: readonly BugSwitch[] = [
  bug('no-health-check', 'crash-detected', 'Neither active probes nor outlier ejection run: ' +
    'a crashed backend stays in rotation and keeps being sent requests until it returns.'),
  bug('eject-on-first-error', 'ejection-limit', 'Outlier detection ejects a backend on its ' +
    'first failed request, for a fixed time, with no limit on the share of the pool out at ' +
    'once: under loss, lost replies eject healthy backends in turn and several at once ' +
    '(flapping), and their traffic piles onto the rest.'),
  bug('retry-storm', 'retry-budget', 'Failed requests are retried with no budget: when ' +
    'backends fail or overload, every request becomes up to three, and the retries add load ' +
    'where there is none to spare.'),
  bug('hash-mod-n', 'stable-keys', 'Keys are mapped with hash(key) mod n instead of a ring: ' +
    'when a backend leaves or joins, most keys move, not 1/n of them.'),
  bug('ring-ignores-health', 'no-request-to-down', 'The hash ring is built from the ' +
    'configured pool, not from the backends in rotation: keys owned by a backend marked down ' +
    'keep going to it.'),
  bug('retry-non-idempotent', 'at-most-once', 'An order that timed out is retried on another ' +
    'backend, although the first may have run it: the order is booked twice.'),
  bug('unfenced-takeover', 'one-active', 'The standby balancer takes the virtual address as ' +
    'soon as it suspects the active one, without waiting for a lease: a partition between ' +
    'the two, or a pause of the active, gives two active balancers.'),
];
