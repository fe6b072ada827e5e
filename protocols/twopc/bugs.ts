/**
 * Two-phase commit's bug catalogue: realistic mistakes behind switches (`params: { bugs:
 * [name] }`), each with the property that catches it, the others it breaks, and the scenario
 * that shows it. README.md tells each one's story; `faultline fuzz twopc --bug <name>` finds
 * each (the README's hunt table).
 */
import type { BugSwitch } from '../protocol.js';

/** The bug catalogue. */
export const TWOPC_BUGS: readonly BugSwitch[] = [
  { name: 'commit-on-timeout',
    description: 'A prepared participant whose decision timer fires commits on its own instead ' +
      'of waiting, though the coordinator may have aborted.',
    caughtBy: 'ac1-agreement',
    // The lone commit moves money at once, before another participant aborts.
    alsoCaughtBy: ['balance-conserved', 'ac3-commit-needs-yes'],
    scenario: 'scenarios/twopc/bug-commit-on-timeout.yaml' },
  { name: 'vote-before-log',
    description: 'A participant sends its yes vote before its prepared record is durable; a ' +
      'crash forgets the vote, and the commit it then receives has nothing to apply.',
    caughtBy: 'balance-conserved', alsoCaughtBy: ['ac1-agreement'],
    scenario: 'scenarios/twopc/bug-vote-before-log.yaml' },
  { name: 'decision-not-logged',
    description: 'The coordinator sends a commit before its record is durable; after a crash it ' +
      'finds no record and presumes abort for participants that ask.',
    caughtBy: 'ac2-no-reversal', alsoCaughtBy: ['ac1-agreement'],
    scenario: 'scenarios/twopc/bug-decision-not-logged.yaml' },
];
