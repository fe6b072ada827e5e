/**
 * The failure detectors' bug catalogue: realistic mistakes behind switches (`params: { bugs:
 * [name] }`), each with the property that catches it and the scenario that shows it.
 * `faultline fuzz heartbeat --bug <name>` finds each (the README's hunt table).
 */
import type { BugSwitch } from '../protocol.js';

/** The catalogue. */
export const HEARTBEAT_BUG_CATALOGUE: readonly BugSwitch[] = [
  {
    name: 'timeout-below-delay',
    description: 'The timeout is one heartbeat period, below the worst-case delay: any late ' +
      'beat makes a live node suspected.',
    caughtBy: 'no-false-suspicion',
    scenario: 'scenarios/heartbeat/timeout-below-delay.yaml',
  },
];
