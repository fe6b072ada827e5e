/**
 * How the visualizer draws master-slave replication: each replica's log as boxes coloured by
 * the epoch that wrote each entry (hollow past its commit index), its epoch and the master it
 * follows; and, for the cluster, the writes clients were told succeeded that the newest
 * master's log does not hold: acknowledged, then lost in a failover. Along the lanes: a
 * slave's suspicions of its master (the heartbeat protocol's detectors), a master stepping
 * down, a replica discarding entries a new master did not have, a stale master fenced off.
 */
import type { NodeId } from '../../sim/index.js';
import type { HistoryEvent } from '../../sim/check/history.js';
import {
  type Cell, fields, type Mark, type NodePicture, type NoteRecord, type Part,
  type ProtocolView, type RunFrame, short, tail, type Timeline, type ViewWorld,
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
  const all = Array.from({ length: node.log.lastIndex }, (_, k) => k + 1);
  const { items, skipped } = tail(all, SHOWN_ENTRIES);
  const cells = items.map((index): Cell => {
    const e = node.log.at(index);
    const what = e.op === undefined ? 'no-op'
      : `${e.client ?? '?'}#${e.seq ?? '?'} ${e.op.f} ${e.op.key ?? ''} ${short(e.op.value, 30)}`;
    return { text: String(e.epoch), hue: e.epoch,
      ...(index <= node.commit ? {} : { mark: 'open' as const }),
      title: `entry ${index}, epoch ${e.epoch}: ${what}${index <= node.commit ? ''
        : ' (not committed here)'}` };
  });
  return { kind: 'cells', label: 'log', cells, skipped,
    caption: `${node.log.lastIndex} entries, commit index ${node.commit}` };
}

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const node = replica(world, id);
  if (node === undefined) return undefined;
  return { id, headline: `${node.role} · epoch ${node.epoch}`,
    tone: vocabulary.roles[node.role]?.tone ?? 'follow',
    parts: [logPart(node), { kind: 'fields', items: [
      { label: 'master', value: node.master ?? '—' },
      ...(node.eligible ? [] : [{ label: 'quarantined', value: 'found a corrupt record',
        tone: 'bad' as const }]),
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
  timeline: { tags: ['suspect', 'trust', 'role', 'discard', 'step-down', 'fenced', 'quarantine'],
    build: timeline },
};
