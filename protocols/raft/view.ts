/**
 * How the visualizer draws Raft: each server's log as boxes coloured by term (hollow past the
 * commit index), its commit index and last applied, whom it voted for, and the countdown of
 * its election timer (a leader's heartbeat instead). Facts for narratives come from the
 * role notes (`n2 leads term 3`) and the commit notes (`n1 commits entry 4`).
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Cell, type Fact, fields, formatMicros, type NodePicture, type NoteRecord, type Part,
  type ProtocolView, short, tail, timerMeter, type ViewWorld,
} from '../view.js';
import type { Entry } from './messages.js';
import { raftNode } from './invariants.js';
import type { RaftNode } from './node.js';

/** Log entries drawn per server (the newest; the rest are counted). */
const SHOWN_ENTRIES = 24;

function entryCell(entry: Entry, index: number, committed: boolean): Cell {
  const c = entry.command;
  const what = c.kind === 'noop' ? 'no-op'
    : `${c.client}#${c.seq} ${c.op.f}${c.op.key === undefined ? '' : ` ${c.op.key}`}`;
  return { text: String(entry.term), hue: entry.term,
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

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const node = raftNode(world.program(id));
  if (node === undefined) return undefined;
  const role = node.role === 'precandidate' ? 'pre-candidate' : node.role;
  const items = [
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
  for (const n of notes) {
    const index = fields(n.data).index;
    if (n.tag === 'role') terms.note(n, out);
    else if (n.tag === 'commit' && typeof index === 'number') {
      const before = committed.get(n.node) ?? 0;
      const from = index > before ? Math.max(before + 1, index - COMMITS_PER_NOTE + 1) : index;
      for (let k = from; k <= index; k++) {
        out.push({ says: `${n.node} commits entry ${k}`, index: n.index, t: n.t });
      }
      committed.set(n.node, index);
    } else if (n.tag === 'snapshot') {
      out.push({ says: `${n.node} takes a snapshot`, index: n.index, t: n.t });
    } else if (n.tag === 'install-snapshot') {
      out.push({ says: `${n.node} installs a snapshot`, index: n.index, t: n.t });
    }
  }
  return out;
}

/** Raft's view. */
export const raftView: ProtocolView = {
  vocabulary: raftVocabulary,
  picture: (world) => ({ nodes: world.servers.flatMap((id) => nodePicture(world, id) ?? []) }),
  facts: { tags: ['role', 'commit', 'snapshot', 'install-snapshot'], from: raftFacts },
};
