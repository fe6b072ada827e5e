/**
 * Raft's bug catalogue: realistic mistakes behind switches (`params: { bugs: [name] }`), each
 * with the property that catches it, the others it breaks, and the scenario that shows it
 * (scenarios/raft/bug-<name>.yaml). README.md tells each one's story; `faultline fuzz raft
 * --bug <name>` finds each (the README's hunt table).
 */
import type { BugSwitch } from '../protocol.js';
import type { BugName } from './config.js';

/** A catalogue entry; every bug's scenario is scenarios/raft/bug-<name>.yaml. */
const bug = (name: BugName, caughtBy: string, description: string,
  alsoCaughtBy?: readonly string[]): BugSwitch =>
  ({ name, caughtBy, scenario: `scenarios/raft/bug-${name}.yaml`, description,
    ...(alsoCaughtBy === undefined ? {} : { alsoCaughtBy }) });

/** The bug catalogue (README.md tells each one's story). */
export const raftBugs: readonly BugSwitch[] = [
  bug('vote-not-persisted', 'election-safety',
    'A vote is sent before the term and votedFor are durable; a crash forgets ' +
    'it and the restarted server votes again in the same term.'),
  bug('length-only-up-to-date', 'leader-completeness',
    'The up-to-date check compares log lengths, so a long log of stale ' +
    'terms wins an election over a shorter log holding committed entries.'),
  bug('commit-previous-term', 'leader-completeness',
    'The leader commits an entry of an older term once a majority holds it ' +
    '(Figure 8; the switch also omits the no-op, which would hide it); a later leader ' +
    'without it overwrites it.'),
  bug('truncate-on-match', 'leader-completeness',
    'A follower cuts its log after a stale AppendEntries even though its ' +
    'entries matched, losing acknowledged entries the leader counted.',
    // The leader believes the follower holds what it cut, and never sends it again.
    ['servers-caught-up']),
  bug('ignore-higher-term-in-reply', 'linearizable',
    'A leader does not step down on a reply carrying a higher term and ' +
    'counts it as a ReadIndex acknowledgement, so a deposed leader serves stale reads.'),
  bug('stale-leader-read', 'linearizable',
    'The leader answers reads from its own state without ReadIndex or a ' +
    'lease; a deposed leader in a minority serves stale values.'),
  bug('ack-before-sync', 'leader-completeness',
    'Appended entries are acknowledged (and the leader counts itself) before ' +
    'they are durable; a crash loses committed entries.'),
  bug('two-changes-at-once', 'election-safety',
    'A leader starts a membership change before the previous one has committed, so a ' +
    'majority of the older configuration and one of the newer need not overlap: each elects ' +
    'a leader in one term, or the newer commits an entry the older then elects a leader without.',
    // The same disjoint majorities: one elects a leader, the other had committed without it.
    ['leader-completeness']),
  bug('count-before-caught-up', 'servers-caught-up',
    'A new server is added as a voter at once, and the leader counts it as holding the log ' +
    'it held then: it never sends the server what it lacks. The cluster counts on an empty ' +
    'voter, so one more failure among the others stops every commit, and the new server ' +
    'never catches up.'),
];
