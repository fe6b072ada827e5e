/**
 * How the visualizer draws Raft: each server's log as boxes coloured by term (hollow past the
 * commit index; a configuration entry marked `C`), its commit index and last applied, whom it
 * voted for, the countdown of its election timer (a leader's heartbeat instead), and its
 * membership as the leader sees it: voter, learner catching up, spare not yet added, or
 * removed. Facts for narratives come from the role notes (`n2 leads term 3`), the commit
 * notes (`n1 commits entry 4`), the leader's configuration notes (`n1 appends the
 * configuration adding n4`, `adding n4 commits`) and the operator's notes (`the operator asks
 * to add n4`).
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Cell, type Fact, fields, formatMicros, type NodePicture, type NoteRecord, operatorFact,
  type Part,
  type ProtocolView, short, tail, timerMeter, type Tone, type ViewWorld,
} from '../view.js';
import type { Entry } from './messages.js';
import { raftNode } from './invariants.js';
import type { RaftNode } from './node.js';

/** Log entries drawn per server (the newest; the rest are counted). */
const SHOWN_ENTRIES = 24;

function entryCell(entry: Entry, index: number, committed: boolean): Cell {
  const c = entry.command;
  const what = c.kind === 'noop' ? 'no-op' : c.kind === 'config'
    ? `configuration ${c.voters.join(' ')}`
    : `${c.client}#${c.seq} ${c.op.f}${c.op.key === undefined ? '' : ` ${c.op.key}`}`;
  return { text: c.kind === 'config' ? `C${entry.term}` : String(entry.term), hue: entry.term,
    ...(committed ? {} : { mark: 'open' as const }),
    title: `entry ${index}, term ${entry.term}: ${what}${
      c.kind === 'client' && c.op.value !== undefined ? ` ${short(c.op.value, 40)}` : ''}${
      committed ? '' : ' (not committed here)'}` };
}

function logPart(node: RaftNode): Part {
  const log = node.log;
  const first = log.snapshotIndex + 1;
  const { items, skipped } = tail(log.entries, SHOWN_ENTRIES);
  const from = first + skipped;
  const cells = items.map((e, k) => entryCell(e, from + k, from + k <= node.commitIndex));
  const snap = log.snapshotIndex > 0 ? `snapshot to ${log.snapshotIndex} (term ${
    log.snapshotTerm}); ` : '';
  return { kind: 'cells', label: 'log', cells, skipped: log.snapshotIndex + skipped,
    caption: `${snap}${log.lastIndex} entries, commit index ${node.commitIndex}, applied ${
      node.lastApplied}` };
}

function timerPart(world: ViewWorld, id: NodeId, node: RaftNode): Part | undefined {
  if (node.role === 'leader') {
    return timerMeter(world, id, 'heartbeat', 'next heartbeat', node.config.heartbeat);
  }
  const span = node.config.electionTimeout[1];
  const left = node.electionDeadline - world.localTime(id);
  if (!Number.isFinite(left)) return undefined;
  return { kind: 'meter', label: 'election timer', fraction: Math.max(0, Math.min(1, left / span)),
    text: left <= 0 ? 'expired' : `${formatMicros(left)} left`,
    tone: left < span / 4 ? 'warn' : 'info' };
}

/** The leader of the highest term among the servers that are up, if any. */
function leaderOf(world: ViewWorld): RaftNode | undefined {
  let best: RaftNode | undefined;
  for (const id of world.servers) {
    const node = raftNode(world.program(id));
    if (node?.role === 'leader' && world.isUp(id) &&
      node.currentTerm > (best?.currentTerm ?? -1)) best = node;
  }
  return best;
}

/**
 * A server's membership as the leader sees it (its own configuration when there is no
 * leader): a voter, a learner catching up, removed (it voted in a configuration in its own
 * log, or still thinks it does), or a spare never added.
 */
export function membershipOf(world: ViewWorld, id: NodeId, node: RaftNode):
{ value: string; tone: Tone } {
  const leader = leaderOf(world) ?? node;
  const config = leader.configuration;
  if (config.has(id)) {
    return { value: config.index > leader.commitIndex ? 'voter (not yet committed)' : 'voter',
      tone: 'ok' };
  }
  const catchUp = leader.learners.get(id);
  if (catchUp !== undefined) {
    return { value: `learner, catching up (round ${catchUp.round})`, tone: 'learn' };
  }
  const wasVoter = node.configuration.has(id) || node.log.configIndexes.some((at) =>
    node.configurationAt(at).has(id));
  return wasVoter ? { value: 'removed', tone: 'muted' } : { value: 'spare (not added)',
    tone: 'muted' };
}

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const node = raftNode(world.program(id));
  if (node === undefined) return undefined;
  const role = node.role === 'precandidate' ? 'pre-candidate' : node.role;
  const member = membershipOf(world, id, node);
  const items = [
    { label: 'member', value: member.value, tone: member.tone },
    { label: 'configuration', value: `${node.configuration.list.join(' ')}${
      node.configuration.index > node.commitIndex ? ' (not committed here)' : ''}` },
    { label: 'voted for', value: node.votedFor ?? '—' },
    { label: 'leader', value: node.leaderId ?? '—' },
    ...(node.disabled === undefined ? [] : [{ label: 'disabled', value: node.disabled,
      tone: 'bad' as const }]),
    ...(node.repairUpTo > 0 ? [{ label: 'repairing up to', value: String(node.repairUpTo),
      tone: 'warn' as const }] : []),
  ];
  const timer = timerPart(world, id, node);
  return { id, headline: `${role} · term ${node.currentTerm}`,
    tone: raftVocabulary.roles[node.role]?.tone ?? 'follow',
    parts: [logPart(node), ...(timer === undefined ? [] : [timer]),
      { kind: 'fields', items }] };
}

const raftVocabulary: ProtocolView['vocabulary'] = {
  roles: {
    leader: { label: 'leader', tone: 'lead', leads: true },
    candidate: { label: 'candidate', tone: 'seek' },
    precandidate: { label: 'pre-candidate', tone: 'seek' },
    'pre-candidate': { label: 'pre-candidate', tone: 'seek' },
    follower: { label: 'follower', tone: 'follow' },
  },
  number: 'term',
  messages: [
    { name: 'election', label: 'elections (RequestVote)',
      types: ['RequestVote', 'RequestVoteReply'] },
    { name: 'replication', label: 'log replication (AppendEntries)',
      types: ['AppendEntries', 'AppendEntriesReply'] },
    { name: 'snapshot', label: 'snapshots (InstallSnapshot)',
      types: ['InstallSnapshot', 'InstallSnapshotReply'] },
    { name: 'client', label: 'client requests and replies',
      types: ['ClientRequest', 'ClientReply'] },
    { name: 'sync', label: 'disk sync notices (Persisted, to itself)', types: ['Persisted'],
      routine: true },
    { name: 'membership', label: 'operator requests (add or remove a server, transfer)',
      types: ['AdminCommand', 'AdminRequest', 'AdminReply', 'TimeoutNow'] },
  ],
};

/** Entries a commit note names at most, one fact each (a restarted node commits many at once). */
const COMMITS_PER_NOTE = 256;

/**
 * Terms that ended without a leader: when a role note shows a term above one that had
 * candidates and no leader, `term 2 ends without a leader` (and, with two or more candidates,
 * `the vote in term 2 is split`).
 */
class Terms {
  private readonly candidates = new Map<number, Set<NodeId>>();
  private readonly led = new Set<number>();
  private highest = 0;

  note(n: NoteRecord, out: Fact[]): void {
    const f = fields(n.data);
    if (typeof f.term !== 'number') return;
    if (f.role === 'leader') this.led.add(f.term);
    if (f.role === 'candidate') {
      const set = this.candidates.get(f.term) ?? new Set<NodeId>();
      this.candidates.set(f.term, set.add(n.node));
    }
    for (; this.highest < f.term; this.highest++) {
      const term = this.highest;
      const who = this.candidates.get(term);
      if (who === undefined || this.led.has(term)) continue;
      out.push({ says: `term ${term} ends without a leader`, index: n.index, t: n.t });
      if (who.size > 1) out.push({ says: `the vote in term ${term} is split`, index: n.index, t: n.t });
    }
  }
}

/**
 * Facts from commit, snapshot and role notes: `n1 commits entry 4` for each entry a commit
 * note covers (the commit index reached 4), `n2 takes a snapshot`, and leaderless terms.
 */
function raftFacts(notes: readonly NoteRecord[]): Fact[] {
  const out: Fact[] = [];
  const committed = new Map<NodeId, number>();
  const terms = new Terms();
  const changes = new Changes();
  for (const n of notes) {
    const index = fields(n.data).index;
    if (n.tag === 'role') terms.note(n, out);
    else if (n.tag === 'config' || n.tag === 'admin') changes.note(n, out);
    else if (n.tag === 'commit' && typeof index === 'number') {
      const before = committed.get(n.node) ?? 0;
      const from = index > before ? Math.max(before + 1, index - COMMITS_PER_NOTE + 1) : index;
      for (let k = from; k <= index; k++) {
        out.push({ says: `${n.node} commits entry ${k}`, index: n.index, t: n.t });
      }
      changes.committed(n, before, index, out);
      committed.set(n.node, index);
    } else if (n.tag === 'snapshot') {
      out.push({ says: `${n.node} takes a snapshot`, index: n.index, t: n.t });
    } else if (n.tag === 'install-snapshot') {
      out.push({ says: `${n.node} installs a snapshot`, index: n.index, t: n.t });
    }
  }
  return out;
}

/** A change's words: `adding n4`, `removing n3`. */
const changeWords = (op: unknown, node: unknown): string =>
  `${op === 'add' ? 'adding' : 'removing'} ${String(node)}`;

/**
 * Facts from the leader's configuration notes and the operator's: `the operator asks to add
 * n4`, `n1 starts catching up n4`, `n4 has caught up`, `n1 appends the configuration adding
 * n4`, `adding n4 commits` (when the leader that appended it commits its index), `n1 gives
 * up adding n4`, `n1 answers to retry adding n5 later` (a change is under way), `n1 steps
 * down, removed`, `the operator's add n4 is done`; and for a leadership transfer, `the
 * operator asks to move the leadership to n2`, `n1 starts handing its leadership to n2`, `n2
 * campaigns at n1's request`, `n1 hands its leadership to n2` (or `n1's transfer to n2
 * fails`).
 */
class Changes {
  /** Configuration entries appended, by leader: index → words. */
  private readonly appended = new Map<NodeId, Map<number, string>>();

  note(n: NoteRecord, out: Fact[]): void {
    const f = fields(n.data);
    const fact = (says: string) => out.push({ says, index: n.index, t: n.t });
    if (n.tag === 'admin') return void out.push(operatorFact(n));
    switch (f.event) {
      case 'learner':
        return void fact(`${n.node} starts catching up ${String(f.node)}`);
      case 'caught-up':
        return void fact(`${String(f.node)} has caught up`);
      case 'append': {
        const words = changeWords(f.op, f.node);
        fact(`${n.node} appends the configuration ${words}`);
        const mine = this.appended.get(n.node) ?? new Map<number, string>();
        this.appended.set(n.node, mine.set(Number(f.index), words));
        return;
      }
      case 'gave-up':
        return void fact(`${n.node} gives up adding ${String(f.node)}`);
      case 'busy':
        return void fact(`${n.node} answers to retry ${changeWords(f.op, f.node)} later`);
      case 'step-down':
        return void fact(`${n.node} steps down, removed`);
      case 'transfer':
        return void fact(`${n.node} starts handing its leadership to ${String(f.node)}`);
      case 'timeout-now':
        return void fact(`${n.node} campaigns at ${String(f.node)}'s request`);
      case 'transferred':
        return void fact(`${n.node} hands its leadership to ${String(f.node)}`);
      case 'transfer-failed':
        return void fact(`${n.node}'s transfer to ${String(f.node)} fails`);
      default:
    }
  }

  /** A commit note of `n.node` from `before` to `index`: the changes it appended commit. */
  committed(n: NoteRecord, before: number, index: number, out: Fact[]): void {
    const mine = this.appended.get(n.node);
    if (mine === undefined) return;
    for (const [at, words] of mine) {
      if (at > before && at <= index) {
        out.push({ says: `${words} commits`, index: n.index, t: n.t });
        mine.delete(at);
      }
    }
  }
}

/** Raft's view. */
export const raftView: ProtocolView = {
  vocabulary: raftVocabulary,
  picture: (world) => ({ nodes: world.servers.flatMap((id) => nodePicture(world, id) ?? []) }),
  facts: { tags: ['role', 'commit', 'snapshot', 'install-snapshot', 'config', 'admin'],
    from: raftFacts },
};
