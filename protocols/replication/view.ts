/**
 * How the visualizer draws master-slave replication: each replica's log as boxes coloured by
 * the epoch that wrote each entry (hollow past its commit index), its epoch and the master it
 * follows; and, for the cluster, the writes clients were told succeeded that the newest
 * master's log does not hold: acknowledged, then lost in a failover. Along the lanes: a
 * slave's suspicions of its master (the heartbeat protocol's detectors), a master stepping
 * down, a replica discarding entries a new master did not have, a stale master fenced off.
 *
 * Membership (membership.ts): each replica shows the members it counts with, whether it is a
 * spare outside them, the snapshot it is receiving (records so far of the total) and the one
 * its log starts after; the master shows each copy it sends (records acknowledged) and each
 * replica catching up before it counts (round). Along the lanes: configurations appended, a
 * replica caught up, a snapshot installed or a damaged replica rebuilt.
 */
import type { NodeId } from '../../sim/index.js';
import type { HistoryEvent } from '../../sim/check/history.js';
import {
  type Cell, type Fact, fields, type Mark, type NodePicture, type NoteRecord, operatorFact,
  type Part, type ProtocolView, type RunFrame, short, tail, type Timeline, type ViewWorld,
} from '../view.js';
import { suspicionTimeline } from '../heartbeat/view.js';
import { replica } from './observer.js';
import type { ReplicaNode } from './node.js';
import { isWrite, writeToken } from './store.js';

/** Log entries drawn per replica (the newest). */
const SHOWN_ENTRIES = 24;

const vocabulary: ProtocolView['vocabulary'] = {
  roles: {
    master: { label: 'master', tone: 'lead', leads: true },
    candidate: { label: 'candidate', tone: 'seek' },
    slave: { label: 'slave', tone: 'follow' },
  },
  number: 'epoch',
  messages: [
    { name: 'replication', label: 'replication (Replicate)', types: ['Replicate', 'ReplicateReply'] },
    { name: 'snapshot', label: 'snapshot copies (InstallSnapshot) and damage reports',
      types: ['InstallSnapshot', 'SnapshotReply', 'Damaged'] },
    { name: 'admin', label: 'operator requests (add, remove)',
      types: ['AdminCommand', 'AdminRequest', 'AdminReply'] },
    { name: 'election', label: 'failover elections (PreVote, RequestVote)',
      types: ['PreVote', 'PreVoteReply', 'RequestVote', 'Vote'] },
    { name: 'heartbeat', label: 'heartbeats', types: ['Heartbeat'], routine: true },
    { name: 'sync', label: 'disk sync notices (Synced, to itself)', types: ['Synced'],
      routine: true },
    { name: 'client', label: 'client requests and replies',
      types: ['ClientRequest', 'ClientReply'] },
  ],
};

function logPart(node: ReplicaNode): Part {
  const base = node.log.base.index;
  const all = Array.from({ length: node.log.lastIndex - base }, (_, k) => base + k + 1);
  const { items, skipped } = tail(all, SHOWN_ENTRIES);
  const cells = items.map((index): Cell => {
    const e = node.log.at(index);
    const what = e.config !== undefined ? `configuration ${e.config.join(' ')}`
      : e.op === undefined ? 'no-op'
        : `${e.client ?? '?'}#${e.seq ?? '?'} ${e.op.f} ${e.op.key ?? ''} ${short(e.op.value, 30)}`;
    return { text: String(e.epoch), hue: e.epoch,
      ...(index <= node.commit ? {} : { mark: 'open' as const }),
      title: `entry ${index}, epoch ${e.epoch}: ${what}${index <= node.commit ? ''
        : ' (not committed here)'}` };
  });
  return { kind: 'cells', label: 'log', cells, skipped,
    caption: `${node.log.lastIndex} entries${base > 0 ? ` (1–${base} as a snapshot)` : ''
    }, commit index ${node.commit}` };
}

type Field = { label: string; value: string; tone?: 'bad' | 'warn' | 'info' };

/** Members, spare status, a snapshot arriving; at a master, its copies and catch-ups. */
function membershipFields(node: ReplicaNode, id: NodeId): Field[] {
  const config = node.configuration();
  const out: Field[] = [{ label: 'members', value: config.list.join(' ') }];
  if (!config.has(id)) {
    out.push({ label: 'spare', value: 'not a member: no vote, no ack', tone: 'info' });
  }
  if (node.incoming !== undefined) {
    out.push({ label: 'receiving', value: `snapshot from ${node.incoming.from}: ${
      node.incoming.records.length}/${node.incoming.total} records`, tone: 'warn' });
  }
  const joins = node.masterState?.joins;
  if (joins === undefined) return out;
  for (const [to, copy] of joins.copies) {
    out.push({ label: `copy to ${to}`, value: `snapshot at ${copy.index}: ${copy.acked}/${
      copy.records.length} records`, tone: 'warn' });
  }
  for (const [to, learner] of joins.learners) {
    out.push({ label: learner.rebuild ? `rebuilding ${to}` : `learner ${to}`,
      value: `catch-up round ${learner.catchUp.round}, counts for nothing yet`, tone: 'warn' });
  }
  for (const [to, rebuildable] of joins.damaged) {
    out.push({ label: `damaged ${to}`, value: rebuildable ? 'data lost: add it to rebuild it'
      : 'a promise lost: remove it', tone: 'bad' });
  }
  return out;
}

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const node = replica(world, id);
  if (node === undefined) return undefined;
  return { id, headline: `${node.role} · epoch ${node.epoch}`,
    tone: vocabulary.roles[node.role]?.tone ?? 'follow',
    parts: [logPart(node), { kind: 'fields', items: [
      { label: 'master', value: node.master ?? '—' },
      ...(node.eligible ? [] : [{ label: 'quarantined', value: node.rebuildable
        ? 'found a corrupt record: its data can be rebuilt'
        : 'found a corrupt record: a promise is lost', tone: 'bad' as const }]),
      ...membershipFields(node, id),
    ] }] };
}

/** Acknowledged writes (invoke paired with its `ok`) in the history so far. */
function acknowledged(history: readonly HistoryEvent[]): HistoryEvent[] {
  const calls = new Map<NodeId, HistoryEvent>();
  const out: HistoryEvent[] = [];
  for (const e of history) {
    if (e.type === 'invoke') calls.set(e.process, e);
    else {
      const call = calls.get(e.process);
      calls.delete(e.process);
      if (e.type === 'ok' && call !== undefined &&
        isWrite({ f: call.f, value: call.value, ...(call.key === undefined ? {} : { key: call.key }) })) {
        out.push(call);
      }
    }
  }
  return out;
}

/** The writes acknowledged to clients that the newest live master does not hold. */
function lostWrites(world: ViewWorld): Part | undefined {
  let master: ReplicaNode | undefined;
  let masterId = '';
  for (const id of world.servers) {
    const node = replica(world, id);
    if (node?.role === 'master' && (master === undefined || node.epoch > master.epoch)) {
      master = node;
      masterId = id;
    }
  }
  if (master === undefined) return undefined;
  const held = master.tokens;
  const lost = acknowledged(world.history).filter((call) => !held.has(writeToken({ f: call.f,
    value: call.value, ...(call.key === undefined ? {} : { key: call.key }) })));
  const cells = lost.map((call): Cell => ({ text: `${call.process} ${call.f} ${call.key ?? ''}`,
    mark: 'lost', tone: 'bad', title: `${call.process}'s ${call.f} ${call.key ?? ''} ${
      short(call.value, 40)}: acknowledged, but master ${masterId} of epoch ${master?.epoch
    } does not hold it` }));
  return { kind: 'cells', label: 'lost writes', cells,
    caption: lost.length === 0 ? `every acknowledged write is in ${masterId}'s log`
      : `${lost.length} acknowledged write${lost.length === 1 ? '' : 's'} not in ${
        masterId}'s log (epoch ${master.epoch})` };
}

/** Suspicions, plus marks when a master steps down, a replica discards, a master is fenced. */
function timeline(records: readonly NoteRecord[], run: RunFrame): Timeline {
  const base = suspicionTimeline(records.filter((r) => r.tag === 'suspect' || r.tag === 'trust' ||
    r.tag === 'role'), run, 'role');
  const marks: Mark[] = [...base.marks];
  for (const r of records) {
    const f = fields(r.data);
    const at = { node: r.node, t: r.t, index: r.index };
    if (r.tag === 'discard') {
      marks.push({ ...at, tone: 'bad', label: `discards ${String(f.count)} entries`,
        says: [`${r.node} discards entries`] });
    } else if (r.tag === 'step-down') {
      marks.push({ ...at, tone: 'muted', label: 'steps down',
        says: [`${r.node} steps down`] });
    } else if (r.tag === 'fenced') {
      marks.push({ ...at, tone: 'info', label: `fences ${String(f.from)}`,
        says: [`${r.node} fences ${String(f.from)}`] });
    } else if (r.tag === 'quarantine') {
      marks.push({ ...at, tone: 'bad', label: 'quarantined', says: [`${r.node} is quarantined`] });
    } else if (r.tag === 'install-snapshot') {
      marks.push({ ...at, tone: 'info', label: f.rebuilt === true ? 'rebuilt from a snapshot'
        : 'installs a snapshot' });
    } else if (r.tag === 'member' && f.event === 'append') {
      marks.push({ ...at, tone: 'info', label: `${f.op === 'add' ? 'adds' : 'removes'} ${
        String(f.node)}` });
    } else if (r.tag === 'member' && f.event === 'caught-up') {
      marks.push({ ...at, tone: 'info', label: `${String(f.node)} caught up` });
    }
  }
  return { bands: base.bands, marks: marks.sort((a, b) => a.t - b.t) };
}

/** The replication protocol's view. */
export const replicationView: ProtocolView = {
  vocabulary,
  picture: (world) => {
    const lost = lostWrites(world);
    return { nodes: world.servers.flatMap((id) => nodePicture(world, id) ?? []),
      ...(lost === undefined ? {} : { shared: [{ title: 'Acknowledged writes', parts: [lost] }] }) };
  },
  timeline: { tags: ['suspect', 'trust', 'role', 'discard', 'step-down', 'fenced', 'quarantine',
    'install-snapshot', 'member'], build: timeline },
  facts: { tags: ['admin', 'member', 'snapshot', 'install-snapshot'], from: membershipFacts },
};

/**
 * Facts of membership changes: the operator's (`the operator asks to add n4`, `the
 * operator's add n4 is done`), the master's (`n2 starts catching up n4`, `n2 starts
 * rebuilding n3`, `n2 sends a snapshot to n4`, `n4 has caught up`, `n2 appends the
 * configuration adding n4` or `removing n1`, `n2 answers to retry adding n4 later`, `n2 gives
 * up adding n4`, `n2 learns that n3 is damaged`) and the replica's (`n4 receives a snapshot
 * from n2`, `n4 installs a snapshot`, `n3 is rebuilt`).
 */
function membershipFacts(records: readonly NoteRecord[]): Fact[] {
  const out: Fact[] = [];
  const words = (op: unknown, node: unknown): string =>
    `${op === 'add' ? 'adding' : 'removing'} ${String(node)}`;
  const master: Readonly<Record<string, (f: Readonly<Record<string, unknown>>, by: string) =>
  string>> = {
    learner: (f, by) => `${by} starts catching up ${String(f.node)}`,
    rebuild: (f, by) => `${by} starts rebuilding ${String(f.node)}`,
    'caught-up': (f) => `${String(f.node)} has caught up`,
    append: (f, by) => `${by} appends the configuration ${words(f.op, f.node)}`,
    busy: (f, by) => `${by} answers to retry ${words(f.op, f.node)} later`,
    'gave-up': (f, by) => `${by} gives up adding ${String(f.node)}`,
    damaged: (f, by) => `${by} learns that ${String(f.node)} is damaged`,
  };
  for (const n of records) {
    const f = fields(n.data);
    const fact = (says: string): void => void out.push({ says, index: n.index, t: n.t });
    if (n.tag === 'admin') out.push(operatorFact(n));
    else if (n.tag === 'install-snapshot') {
      fact(`${n.node} installs a snapshot`);
      if (f.rebuilt === true) fact(`${n.node} is rebuilt`);
    } else if (n.tag === 'snapshot' && f.event === 'send') {
      fact(`${n.node} sends a snapshot to ${String(f.node)}`);
    } else if (n.tag === 'snapshot' && f.event === 'receive') {
      fact(`${n.node} receives a snapshot from ${String(f.from)}`);
    } else if (n.tag === 'member') {
      const phrase = master[String(f.event)];
      if (phrase !== undefined) fact(phrase(f, n.node));
    }
  }
  return out;
}
