/**
 * Raft's safety properties (extended paper, Figure 3), checked after every event over the
 * omniscient view, plus the monotonicity of terms and commit indexes:
 *
 * 1. election-safety: at most one leader per term (kept as a per-term record of leaders, so
 *    a leader that crashed still counts).
 * 2. leader-append-only: while a node leads in a term, its log only grows: the entry at its
 *    former last index is still the same object and the log is no shorter.
 * 3. log-matching: one (index, term) names one command, and the entry before it has one term;
 *    by induction two logs with an entry of the same index and term agree up to it.
 * 4. leader-completeness: an entry committed while its committer was in term T is in the log
 *    of every leader of a later term (checked when a leader appears and when an entry is
 *    newly seen committed).
 * 5. state-machine-safety: no two servers apply (or commit) different entries at one index.
 * 6. monotonic-term: a node's term never decreases within an incarnation, and a restarted
 *    node recovers at least the term it held at any moment its disk had no unsynced writes
 *    (a term that was only in memory may be lost with it; nothing was promised in it).
 *    A disabled node (damaged hard state, see persistence.ts) is exempt.
 * 7. monotonic-commit: a node's commit index never decreases within an incarnation.
 *    commitIndex is volatile (Figure 2): a restart starts it at 0. The restart-safe
 *    statement is that what any node ever committed stays committed, which (4) and (5)
 *    check against the cluster-wide record of committed entries that never shrinks.
 *
 * All checks are incremental: they look only at the nodes an event may have changed
 * (`World.changed`), and per node only at log entries that changed since the last event (logs
 * change at the tail), so a check costs O(changes), not O(servers × log).
 *
 * Log compaction (§7) removes entries from a log without changing them: an entry a node has
 * compacted is read from what the checker saw of that node's log before (its shadow), and one
 * it never saw there (it arrived, committed and was compacted in one event, or came in a
 * snapshot) is checked where it was seen: in the leader that committed it.
 */
import type { NodeId, NodeProgram } from '../../sim/index.js';
import { type AlwaysProperty, type Evidence, evidenceNow, type Property, type World } from
  '../../sim/check/property.js';
import type { Entry } from './messages.js';
import { RaftNode } from './node.js';

/** The property names, in the order they are checked. */
export const SAFETY_PROPERTIES = ['election-safety', 'leader-append-only', 'log-matching',
  'leader-completeness', 'state-machine-safety', 'monotonic-term', 'monotonic-commit'] as const;

interface Shadow {
  program: NodeProgram<unknown>;
  /** The entries last checked, by reference; the node's log matches it up to `checked`. */
  seen: (Entry | undefined)[];
  /** The node's snapshot index when `seen` was last brought up to date. */
  snapshotIndex: number;
  term: number;
  commit: number;
  applied: number;
  /** Commit indexes checked against the committed record (up to this, in this incarnation). */
  commitChecked: number;
  leaderTerm: number;
  leaderLength: number;
  leaderLast: Entry | undefined;
}

interface Committed {
  readonly term: number;
  /** The lowest term a node was in when it saw this index committed. */
  seenIn: number;
  /** Where the checker first saw it committed (the evidence of a later violation). */
  readonly seen: Evidence;
}

/** A Raft node if `program` is one (clients are not). */
export function raftNode(program: NodeProgram<unknown> | undefined): RaftNode | undefined {
  return program instanceof RaftNode ? program : undefined;
}

const commandKey = (entry: Entry): string => {
  const command = entry.command;
  if (command.kind === 'client') return `${command.client}#${command.seq}`;
  return command.kind === 'config' ? `config ${command.voters.join(',')}` : 'noop';
};

/** What the checker remembers between events; one per run. */
export class RaftObserver {
  readonly leaders = new Map<number, NodeId>();
  /** Per term, the event at which its first leader took office. */
  private readonly leaderSeen = new Map<number, Evidence>();
  /** (index/term) → command key and the term of the entry before it, and where first seen. */
  private readonly entries = new Map<string, { command: string; prevTerm: number;
    seen: Evidence }>();
  readonly committed: Committed[] = [];
  private readonly applied: { term: number; seen: Evidence }[] = [];
  private readonly shadows = new Map<NodeId, Shadow>();
  private readonly termFloor = new Map<NodeId, number>();
  private readonly termFloorSeen = new Map<NodeId, Evidence>();
  /** Metrics: first leader time, messages then, maximum commit index. */
  firstLeaderAt: number | undefined;
  messagesAtFirstLeader: number | undefined;
  maxCommit = 0;
  /** The most log entries any server held in memory at once (log compaction bounds it). */
  maxLogEntries = 0;
  private lastEvent = -1;
  private problem: { name: string; text: string; evidence: Evidence[] } | undefined;

  constructor(private readonly messages: () => number) {}

  /**
   * Runs every check once per event: the engine calls it after every event whichever
   * properties a scenario selects, so the metrics it keeps see the whole run.
   */
  observe(world: World): void {
    if (world.eventIndex === this.lastEvent) return;
    this.lastEvent = world.eventIndex;
    this.problem = undefined;
    // Only the nodes the event may have changed: the others were checked as they are.
    for (const id of world.changed) {
      const node = raftNode(world.program(id));
      if (node !== undefined && world.isUp(id)) this.checkNode(world, id, node);
    }
  }

  /** The violation of property `name` after the current event, if any. */
  check(world: World, name: string): string | undefined {
    this.observe(world);
    return this.problem?.name === name ? this.problem.text : undefined;
  }

  /** The events that prove the problem found at this event, if it is `name`'s. */
  evidence(name: string): Evidence[] | undefined {
    return this.problem?.name === name ? this.problem.evidence : undefined;
  }

  private fail(name: string, text: string, evidence: Evidence[]): void {
    // Several problems after one event: keep the first, in the documented order.
    const rank = (n: string) => SAFETY_PROPERTIES.indexOf(n as (typeof SAFETY_PROPERTIES)[number]);
    if (this.problem === undefined || rank(name) < rank(this.problem.name)) {
      this.problem = { name, text, evidence };
    }
  }

  private checkNode(world: World, id: NodeId, node: RaftNode): void {
    let shadow = this.shadows.get(id);
    const restarted = shadow === undefined || shadow.program !== node;
    if (restarted) {
      this.checkRecoveredTerm(world, id, node);
      shadow = { program: node, seen: [], snapshotIndex: 0, term: node.currentTerm, commit: node.commitIndex,
        applied: 0, commitChecked: 0, leaderTerm: 0, leaderLength: 0, leaderLast: undefined };
      this.shadows.set(id, shadow);
    }
    const s = shadow as Shadow;
    this.checkMonotonic(world, id, node, s);
    this.checkLeader(world, id, node, s);
    this.checkNewEntries(world, id, node, s);
    this.checkApplied(world, id, node, s);
    this.checkCommitted(world, id, node, s);
  }

  private checkRecoveredTerm(world: World, id: NodeId, node: RaftNode): void {
    const floor = this.termFloor.get(id) ?? 0;
    if (node.disabled === undefined && node.currentTerm < floor) {
      this.fail('monotonic-term', `${id} restarted in term ${node.currentTerm}, but term ${
        floor} was durable before its crash`, [this.termFloorSeen.get(id) ??
          evidenceNow(world, `${id}'s term ${floor} is durable`, id),
        evidenceNow(world, `${id} restarts in term ${node.currentTerm}`, id)]);
    }
  }

  private checkMonotonic(world: World, id: NodeId, node: RaftNode, s: Shadow): void {
    if (node.currentTerm < s.term && node.disabled === undefined) {
      this.fail('monotonic-term', `${id}'s term went from ${s.term} back to ${node.currentTerm}`,
        [evidenceNow(world, `${id}'s term falls from ${s.term} to ${node.currentTerm}`, id)]);
    }
    if (node.commitIndex < s.commit) {
      this.fail('monotonic-commit',
        `${id}'s commit index went from ${s.commit} back to ${node.commitIndex}`,
        [evidenceNow(world, `${id}'s commit index falls from ${s.commit} to ${
          node.commitIndex}`, id)]);
    }
    s.term = node.currentTerm;
    s.commit = node.commitIndex;
    if (node.commitIndex > this.maxCommit) this.maxCommit = node.commitIndex;
    if (node.log.entries.length > this.maxLogEntries) this.maxLogEntries = node.log.entries.length;
    if (world.disk(id).unsyncedWrites === 0 && node.disabled === undefined &&
      node.currentTerm > (this.termFloor.get(id) ?? 0)) {
      this.termFloor.set(id, node.currentTerm);
      this.termFloorSeen.set(id, evidenceNow(world, `${id}'s term ${node.currentTerm} is durable`,
        id));
    }
  }

  private checkLeader(world: World, id: NodeId, node: RaftNode, s: Shadow): void {
    if (node.role !== 'leader') {
      s.leaderTerm = 0;
      return;
    }
    const term = node.currentTerm;
    const other = this.leaders.get(term);
    if (other !== undefined && other !== id) {
      this.fail('election-safety', `${id} and ${other} both became leader in term ${term}`,
        [this.leaderSeen.get(term) as Evidence, evidenceNow(world, `${id} leads term ${term}`, id)]);
    }
    if (other === undefined) {
      this.leaders.set(term, id);
      this.leaderSeen.set(term, evidenceNow(world, `${id} leads term ${term}`, id));
      if (this.firstLeaderAt === undefined) {
        this.firstLeaderAt = world.now;
        this.messagesAtFirstLeader = this.messages();
      }
    }
    const log = node.log;
    if (s.leaderTerm === term) {
      const replaced = s.leaderLength > log.snapshotIndex && log.entry(s.leaderLength) !== s.leaderLast;
      if (log.lastIndex < s.leaderLength || replaced) {
        this.fail('leader-append-only', `${id}, leader of term ${term}, removed or replaced ` +
          `entries at or below index ${s.leaderLength} (its log now ends at ${log.lastIndex})`,
        [...this.leaderEvidence(term, id), evidenceNow(world,
          `${id} drops entries up to ${s.leaderLength}`, id)]);
      }
    } else {
      this.checkCompleteLeader(world, id, node, 1, 'leader');
    }
    s.leaderTerm = term;
    s.leaderLength = log.lastIndex;
    s.leaderLast = log.entry(log.lastIndex);
  }

  /** The term of entry `index` in `node`'s log, or as the checker saw it before compaction. */
  private termIn(node: RaftNode, s: Shadow, index: number): number | undefined {
    const term = node.log.termAt(index);
    if (term !== undefined || index > node.log.snapshotIndex) return term;
    return s.seen[index - 1]?.term;
  }

  /** The event at which `id` took office in `term`, when it was the term's first leader. */
  private leaderEvidence(term: number, id: NodeId): Evidence[] {
    const seen = this.leaderSeen.get(term);
    return seen !== undefined && this.leaders.get(term) === id ? [seen] : [];
  }

  /**
   * Leader Completeness for leader `node` over committed indexes from `from`; `now` says what
   * the event at hand did: made `id` leader, or committed entries it lacks.
   */
  private checkCompleteLeader(world: World, id: NodeId, node: RaftNode, from: number,
    now: 'leader' | 'commit'): void {
    const s = this.shadows.get(id) as Shadow;
    for (let index = from; index <= this.committed.length; index++) {
      const c = this.committed[index - 1];
      if (c === undefined || c.seenIn >= node.currentTerm) continue;
      const term = this.termIn(node, s, index);
      if (term === undefined && index < node.log.snapshotIndex) continue; // compacted unseen
      if (term !== c.term) {
        const lacks = `${id}, leader of term ${node.currentTerm}, lacks entry ${index}`;
        this.fail('leader-completeness', `entry ${index} (term ${c.term}) was committed in term ${
          c.seenIn}, but ${id}, leader of term ${node.currentTerm}, has ${
          term === undefined ? 'no entry there' : `an entry of term ${term}`}`,
        now === 'leader' ? [c.seen, evidenceNow(world, lacks, id)]
          : [...this.leaderEvidence(node.currentTerm, id), c.seen]);
        return;
      }
    }
  }

  private checkNewEntries(world: World, id: NodeId, node: RaftNode, s: Shadow): void {
    const log = node.log;
    // An installed snapshot may replace entries the shadow saw: unless the shadow holds the
    // snapshot's last entry with its term, what it saw up to there is not this log's history.
    // (With the same term, Log Matching, itself checked here, makes the whole prefix agree.)
    if (log.snapshotIndex !== s.snapshotIndex) {
      s.snapshotIndex = log.snapshotIndex;
      if (s.seen[log.snapshotIndex - 1]?.term !== log.snapshotTerm) s.seen.length = 0;
    }
    // Logs change only at the tail: find where the shadow still matches, walking back (not
    // into the snapshot: compaction changes no entry).
    let same = Math.min(s.seen.length, log.lastIndex);
    while (same > log.snapshotIndex && s.seen[same - 1] !== log.entry(same)) same--;
    // Entries up to the snapshot that the shadow lacks came in the snapshot: not seen here.
    const from = Math.max(same, log.snapshotIndex);
    for (let index = from + 1; index <= log.lastIndex; index++) {
      const entry = log.entry(index) as Entry;
      const prevTerm = log.termAt(index - 1) as number;
      const key = `${index}/${entry.term}`;
      const command = commandKey(entry);
      const known = this.entries.get(key);
      if (known === undefined) {
        this.entries.set(key, { command, prevTerm, seen: evidenceNow(world,
          `${id} appends entry ${index} of term ${entry.term}`, id) });
      } else if (known.command !== command || known.prevTerm !== prevTerm) {
        this.fail('log-matching', `${id} holds entry ${index} of term ${entry.term} as ${command
          } after a term-${prevTerm} entry; another log holds it as ${known.command} after a term-${
          known.prevTerm} entry`, [known.seen, evidenceNow(world,
          `${id} holds a different entry ${index} of term ${entry.term}`, id)]);
      }
    }
    if (s.seen.length !== same) s.seen.length = same;
    // A changed entry at or below the commit index is re-checked against the record.
    if (same < s.commitChecked) s.commitChecked = same;
    while (s.seen.length < from) s.seen.push(undefined);
    for (let index = from + 1; index <= log.lastIndex; index++) s.seen.push(log.entry(index));
  }

  private checkApplied(world: World, id: NodeId, node: RaftNode, s: Shadow): void {
    for (let index = s.applied + 1; index <= node.lastApplied; index++) {
      const term = this.termIn(node, s, index);
      if (term === undefined) continue; // applied from a snapshot, not entry by entry
      const first = this.applied[index - 1];
      if (first === undefined) {
        this.applied[index - 1] = { term, seen: evidenceNow(world,
          `${id} applies entry ${index} of term ${term}`, id) };
      } else if (first.term !== term) {
        this.fail('state-machine-safety', `${id} applied an entry of term ${term} at index ${
          index}, where another server applied one of term ${first.term}`, [first.seen,
          evidenceNow(world, `${id} applies entry ${index} of term ${term}`, id)]);
      }
    }
    s.applied = node.lastApplied;
  }

  private checkCommitted(world: World, id: NodeId, node: RaftNode, s: Shadow): void {
    const before = this.committed.length;
    const upTo = Math.min(node.commitIndex, node.log.lastIndex);
    for (let index = s.commitChecked + 1; index <= upTo; index++) {
      const term = this.termIn(node, s, index);
      if (term === undefined) continue; // compacted before the checker saw it here
      const known = this.committed[index - 1];
      if (known === undefined) {
        this.committed[index - 1] = { term, seenIn: node.currentTerm, seen: evidenceNow(world,
          `${id} commits entry ${index} of term ${term}`, id) };
      } else if (known.term !== term) {
        this.fail('state-machine-safety', `${id} committed an entry of term ${term} at index ${
          index}, where an entry of term ${known.term} was committed before`, [known.seen,
          evidenceNow(world, `${id} commits entry ${index} of term ${term}`, id)]);
      } else if (node.currentTerm < known.seenIn) known.seenIn = node.currentTerm;
    }
    s.commitChecked = Math.max(s.commitChecked, upTo);
    if (this.committed.length > before) {
      for (const other of world.servers) {
        const leader = raftNode(world.program(other));
        if (leader?.role === 'leader' && world.isUp(other)) {
          this.checkCompleteLeader(world, other, leader, before + 1, 'commit');
        }
      }
    }
  }
}

/** The always-properties, sharing one observer. */
export function safetyProperties(observer: RaftObserver): AlwaysProperty[] {
  return SAFETY_PROPERTIES.map((name) => ({ kind: 'always', name,
    check: (world: World) => observer.check(world, name),
    evidence: () => observer.evidence(name) }));
}

/** Every property: the safety ones and `leader-elected` (sometimes). */
export function raftProperties(observer: RaftObserver): Property[] {
  return [...safetyProperties(observer), { kind: 'sometimes', name: 'leader-elected',
    explain: 'no leader was ever elected',
    holds: (world: World) => world.servers.some((id) =>
      world.isUp(id) && raftNode(world.program(id))?.role === 'leader') }];
}
