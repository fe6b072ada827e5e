/**
 * The bug catalogue of master-slave replication: realistic mistakes behind switches, each
 * with the invariant that catches it and the scenario that shows it.
 */
import type { BugSwitch } from '../protocol.js';

/** Bug switch names. */
export const REPLICATION_BUGS =
  ['async-ack-failover', 'no-fencing', 'timeout-below-delay', 'count-before-caught-up',
    'snapshot-without-tail'] as const;

/** The catalogue. */
export const replicationBugs: readonly BugSwitch[] = [
  {
    name: 'async-ack-failover',
    description: 'The master acknowledges a write once it alone holds it durably, before any ' +
      'slave has it (as semi-sync falling back to async does); when it then fails, the new ' +
      'master lacks acknowledged writes.',
    caughtBy: 'no-lost-acked-write',
    // A client that reads after the failover misses the write it was told is done.
    alsoCaughtBy: ['linearizable'],
    scenario: 'scenarios/replication/bug-async-ack-failover.yaml',
  },
  {
    name: 'no-fencing',
    description: 'Replicas do not check epochs and an old master ignores higher ones: a ' +
      'master deposed while cut off keeps replicating and acknowledging writes when it is ' +
      'back (split brain).',
    caughtBy: 'linearizable',
    // The deposed master's acknowledged writes are missing from the new master's log, and
    // the two masters' logs diverge.
    alsoCaughtBy: ['no-lost-acked-write', 'replicas-agree'],
    scenario: 'scenarios/replication/bug-no-fencing.yaml',
  },
  {
    name: 'timeout-below-delay',
    description: 'The failure detector times out after one heartbeat period, below the ' +
      'worst-case delay: jitter makes slaves depose a live master (false failovers).',
    caughtBy: 'no-false-failover',
    scenario: 'scenarios/replication/bug-timeout-below-delay.yaml',
  },
  {
    name: 'count-before-caught-up',
    description: 'A replica the operator adds becomes a member at once and counts as holding ' +
      'the whole log while its snapshot is still being copied (and its configuration counts ' +
      'alone, without the old one\'s acknowledgements): in semi-sync mode its ' +
      'acknowledgement is the one a write waits for, so the master acknowledges writes that ' +
      'only it holds, and a failover loses them.',
    caughtBy: 'no-lost-acked-write',
    alsoCaughtBy: ['linearizable'],
    scenario: 'scenarios/replication/bug-count-before-caught-up.yaml',
  },
  {
    name: 'snapshot-without-tail',
    description: 'The snapshot a new replica copies is labelled with the master\'s commit ' +
      'index when the copy ended, not the one its state was taken at (binlog coordinates read ' +
      'after the dump): the writes committed during the copy never reach the new replica, ' +
      'and once it is master they are gone.',
    // The new replica never holds those writes, whoever is master.
    caughtBy: 'replicas-agree',
    alsoCaughtBy: ['no-lost-acked-write', 'linearizable'],
    scenario: 'scenarios/replication/bug-snapshot-without-tail.yaml',
  },
];
