/**
 * How the visualizer draws the lock with fencing tokens. On the lock service's lane, each
 * lease it granted, from the grant to its release or expiry, with the token. On each client's
 * lane, the stretch it believes it holds the lock: from the grant it accepted to its write and
 * release, or, when the run's parameters are known, to the end of its lease by its own reckoning
 * (a client paused past that point still believes it, and its late write is what fencing
 * refuses). At an instant: the service's holder and token, each client's lease countdown on its
 * own clock, and the storage's highest token with the writes it accepted and refused.
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Band, type Cell, type Fact, fields, formatMicros, type Mark, type NodePicture,
  type NoteRecord, type ProtocolView, type RunFrame, tail, type Timeline, type ViewWorld,
} from '../view.js';
import { LockClient } from './lockClient.js';
import { LockService } from './lockService.js';
import { Storage } from './storage.js';

/** Accepted writes drawn on the storage (the newest). */
const SHOWN_WRITES = 16;

const vocabulary: ProtocolView['vocabulary'] = {
  roles: {},
  messages: [
    { name: 'lock', label: 'lock requests (Acquire, Granted, Busy, Release)',
      types: ['Acquire', 'Granted', 'Busy', 'Release'] },
    { name: 'storage', label: 'guarded writes (Write, Written, Fenced)',
      types: ['Write', 'Written', 'Fenced'] },
  ],
  serverKind: (id, servers) => id === servers[0] ? 'lock service'
    : id === servers[1] ? 'storage' : 'idle',
};

function servicePicture(id: NodeId, s: LockService): NodePicture {
  return { id, headline: `lock service · ${s.holder === undefined ? 'free'
    : `held by ${s.holder}`}`, tone: s.holder === undefined ? 'follow' : 'lead',
  parts: [{ kind: 'fields', items: [
    { label: 'holder', value: s.holder ?? 'none', ...(s.holder === undefined ? {}
      : { tone: 'lead' as const }) },
    { label: 'last token', value: String(s.token) },
  ] }] };
}

function storagePicture(id: NodeId, s: Storage): NodePicture {
  const { items, skipped } = tail(s.accepted, SHOWN_WRITES);
  const cells = items.map((w): Cell => ({ text: `${w.token}`, hue: w.token,
    title: `token ${w.token}: ${w.client} wrote ${w.value}` }));
  return { id, headline: `storage · highest token ${s.highest}`, tone: 'follow',
    parts: [{ kind: 'cells', label: 'writes', cells, skipped,
      caption: `accepted writes by token; ${s.fenced} refused for a stale token` }] };
}

function clientPicture(world: ViewWorld, id: NodeId, c: LockClient): NodePicture {
  const now = world.localTime(id);
  const holds = c.holds(now);
  return { id, headline: holds ? `holds token ${String(c.token)}` : 'waiting',
    tone: holds ? 'lead' : 'follow',
    parts: holds ? [{ kind: 'meter', label: 'lease (own clock)', fraction: 1,
      text: `${formatMicros(c.expiresAt - now)} left` }]
      : c.token !== undefined ? [{ kind: 'fields', items: [{ label: 'lease',
        value: `expired ${formatMicros(now - c.expiresAt)} ago, still has token ${c.token}`,
        tone: 'bad' }] }] : [] };
}

function picture(world: ViewWorld): NodePicture[] {
  return [...world.servers, ...world.clients].flatMap((id): NodePicture[] => {
    const p = world.program(id);
    if (p instanceof LockService) return [servicePicture(id, p)];
    if (p instanceof Storage) return [storagePicture(id, p)];
    if (p instanceof LockClient) return [clientPicture(world, id, p)];
    return [];
  });
}

interface Params { ttl?: number; margin?: number }

/** Lease bands on the service and on each client, and marks for refusals and expiries. */
function timeline(records: readonly NoteRecord[], run: RunFrame): Timeline {
  const bands: Band[] = [];
  const marks: Mark[] = [];
  const p = (run.params ?? {}) as Params;
  const lease = p.ttl === undefined ? undefined : Math.floor(p.ttl * (1 - (p.margin ?? 0)));
  const granted = new Map<string, { node: NodeId; t0: number; index: number; client: string }>();
  const held = new Map<NodeId, { t0: number; index: number; token: number }>();
  const endHold = (client: NodeId, t: number) => {
    const h = held.get(client);
    if (h === undefined) return;
    held.delete(client);
    bands.push({ node: client, t0: h.t0, t1: lease === undefined ? t : Math.min(t, h.t0 + lease),
      index: h.index, label: `holds token ${h.token}`, tone: 'lead',
      says: [`${client} holds the lock`, `${client} holds token ${h.token}`] });
  };
  for (const r of records) {
    const f = fields(r.data);
    const token = Number(f.token);
    if (r.tag === 'grant') {
      // A holder that asks again (a duplicated Acquire) is granted a new lease with a new
      // token, and the old one ends there without a `free` note.
      for (const [old, g] of granted) {
        if (g.node !== r.node) continue;
        granted.delete(old);
        bands.push({ node: g.node, t0: g.t0, t1: r.t, index: g.index,
          label: `lease of ${g.client}, token ${old}`, tone: 'lead',
          says: [`${g.client} has the lease`] });
      }
      granted.set(String(token), { node: r.node, t0: r.t, index: r.index,
        client: String(f.client) });
    } else if (r.tag === 'free') {
      const g = granted.get(String(token));
      granted.delete(String(token));
      if (g !== undefined) {
        bands.push({ node: g.node, t0: g.t0, t1: r.t, index: g.index,
          label: `lease of ${g.client}, token ${token}`, tone: 'lead',
          says: [`${g.client} has the lease`] });
      }
      if (f.why === 'expired') {
        marks.push({ node: r.node, t: r.t, index: r.index, tone: 'warn',
          label: `lease of ${String(f.client)} expires`,
          says: [`the lease of ${String(f.client)} expires`] });
      }
    } else if (r.tag === 'holds') {
      endHold(r.node, r.t);
      held.set(r.node, { t0: r.t, index: r.index, token });
    } else if (r.tag === 'Write' || r.tag === 'Release') {
      endHold(r.node, r.t);
    } else if (r.tag === 'fenced') {
      marks.push({ node: r.node, t: r.t, index: r.index, tone: 'ok',
        label: `refuses token ${token} (has ${String(f.highest)})`,
        says: [`the storage refuses token ${token}`, `the storage refuses ${String(f.client)}'s write`] });
    }
  }
  for (const client of [...held.keys()]) endHold(client, run.end);
  for (const [token, g] of granted) {
    bands.push({ node: g.node, t0: g.t0, t1: run.end, index: g.index,
      label: `lease of ${g.client}, token ${token}`, tone: 'lead',
      says: [`${g.client} has the lease`] });
  }
  return { bands: bands.sort((a, b) => a.t0 - b.t0), marks };
}

/** Grants as facts: `the lock service grants token 3 to c1`. */
function facts(records: readonly NoteRecord[]): Fact[] {
  return records.flatMap((r): Fact[] => {
    const f = fields(r.data);
    if (r.tag !== 'grant') return [];
    return [{ says: `the lock service grants token ${String(f.token)} to ${String(f.client)}`,
      index: r.index, t: r.t }];
  });
}

/** The lock's view. */
export const lockView: ProtocolView = {
  vocabulary,
  picture: (world) => ({ nodes: picture(world) }),
  timeline: { tags: ['grant', 'free', 'holds', 'fenced'], messages: ['Write', 'Release'],
    build: timeline },
  facts: { tags: ['grant'], from: facts },
};
