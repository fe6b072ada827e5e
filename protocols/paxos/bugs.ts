/**
 * The bug catalogues of both Paxos protocols: realistic mistakes behind switches
 * (`params: { bugs: [name] }`), each with the property that catches it, the others it breaks,
 * and the scenario that shows it. README.md tells each one's story; `faultline fuzz paxos
 * --bug <name>` (or `paxos-single`) finds each (the README's hunt table).
 */
import type { BugSwitch } from '../protocol.js';

/** Both protocols have these two, each with its own scenario. */
const FORGETS: BugSwitch = {
  name: 'acceptor-forgets',
  description: 'An acceptor replies to Prepare and Accept before its promise or accepted ' +
    'proposal is durable; a crash then takes back a vote a quorum was counted with ' +
    '(votes-durable sees the early vote; the scenario shows the lost choice, agreement).',
  caughtBy: 'votes-durable',
  alsoCaughtBy: ['agreement'],
  scenario: 'scenarios/paxos/bug-acceptor-forgets.yaml',
};
const NON_UNIQUE: BugSwitch = {
  name: 'non-unique-ballots',
  description: 'Ballots are a plain round counter without the node id, so two proposers can ' +
    'run the same ballot and acceptors accept two values at it.',
  caughtBy: 'agreement',
  scenario: 'scenarios/paxos/bug-non-unique-ballots.yaml',
};

/** Multi-Paxos's catalogue. */
export const MULTI_PAXOS_BUGS: readonly BugSwitch[] = [
  FORGETS,
  NON_UNIQUE,
  {
    name: 'takeover-drops-accepted',
    description: 'A new leader ignores the proposals its promises report for open slots and ' +
      'gives those slots to new commands, overwriting values that may be chosen.',
    caughtBy: 'agreement',
    scenario: 'scenarios/paxos/bug-takeover-drops-accepted.yaml',
  },
  {
    name: 'own-value',
    description: 'A new leader re-proposes, in each open slot, the value its own acceptor ' +
      'holds rather than the highest-ballot proposal its promises report.',
    caughtBy: 'agreement',
    scenario: 'scenarios/paxos/bug-own-value.yaml',
  },
];

/** Single-decree Paxos's catalogue. */
export const SINGLE_PAXOS_BUGS: readonly BugSwitch[] = [
  { ...FORGETS, scenario: 'scenarios/paxos/single-bug-acceptor-forgets.yaml' },
  {
    name: 'own-value',
    description: 'A proposer ignores the accepted proposals reported in promises and ' +
      'proposes its own value, undoing a value that may already be chosen.',
    caughtBy: 'agreement',
    scenario: 'scenarios/paxos/single-bug-own-value.yaml',
  },
  { ...NON_UNIQUE, scenario: 'scenarios/paxos/single-bug-non-unique-ballots.yaml' },
];
