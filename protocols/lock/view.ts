/**
 * How the visualizer draws the four locks with fencing tokens (lease service, Redis, Redlock,
 * ZooKeeper-like); the storage is the last server in every variant. On the lock service's
 * lane, each lease it granted, from the grant to its release or expiry, with the token; on a
 * Redis instance's lane (Redis, and each of Redlock's), each stretch the lock key was set for
 * a client, from the reply that set it to its deletion or its expiry; on the coordination
 * service's lanes, its Raft roles, and a mark where it woke waiting clients. On each client's
 * lane, the stretch it believes it holds the lock: from the grant it accepted to its write and
 * release, or, when the run's parameters are known, to the end of its lease by its own reckoning
 * (a client paused past that point still believes it, and its late write is what fencing
 * refuses). At an instant: the service's holder and token (a Redis instance's lock key and
 * its expiry; the coordination service's role, term and the lock's sequential nodes in order,
 * the first holding it), each client's lease countdown on its own clock, and the storage's
 * highest token with the writes it accepted and refused.
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Band, type Cell, type Fact, fields, formatMicros, type Mark, type NodePicture,
  type NoteRecord, type Part, type ProtocolView, type RunFrame, tail, type Timeline, type ViewWorld,
} from '../view.js';
import { LockCycle } from './holder.js';
import { LockClient } from './lockClient.js';
import { LockService } from './lockService.js';
import type { RedisCmd } from './messages.js';
import { LOCK_KEY, RedisServer } from './redis.js';
import { holderOf } from './redisClient.js';
import { Storage } from './storage.js';
import { LOCK_PATH } from './zkTree.js';
import { ZkLockClient } from './zkClient.js';
import { ZkServer } from './zkServer.js';

/** Accepted writes drawn on the storage (the newest). */
const SHOWN_WRITES = 16;

/** The servers that hold the lock in each variant (the storage is the last server). */
const KINDS: Readonly<Record<string, readonly [string, boolean]>> = {
  lease: ['lock service', false], redis: ['redis', false], redlock: ['redis', true],
  zookeeper: ['coordination', true],
};

const vocabulary: ProtocolView['vocabulary'] = {
  // The coordination service's servers run Raft.
  roles: {
    leader: { label: 'leader', tone: 'lead', leads: true },
    candidate: { label: 'candidate', tone: 'seek' },
    precandidate: { label: 'pre-candidate', tone: 'seek' },
    follower: { label: 'follower', tone: 'follow' },
  },
  number: 'term',
  messages: [
    { name: 'lock', label: 'lock requests (Acquire, Granted, Busy, Release)',
      types: ['Acquire', 'Granted', 'Busy', 'Release'] },
    { name: 'redis', label: 'Redis commands (Redis, RedisReply)', types: ['Redis', 'RedisReply'] },
    { name: 'zk', label: 'coordination requests (ClientRequest, ClientReply, ZkWatch, ZkNotify)',
      types: ['ClientRequest', 'ClientReply', 'ZkWatch', 'ZkNotify'] },
    { name: 'session', label: 'session pings (ZkPing, ZkPong)', types: ['ZkPing', 'ZkPong'],
      routine: true },
    { name: 'raft', label: 'the service\'s Raft (AppendEntries, RequestVote)',
      types: ['AppendEntries', 'AppendEntriesReply', 'RequestVote', 'RequestVoteReply',
        'Persisted'], routine: true },
    { name: 'storage', label: 'guarded writes (Write, Written, Fenced)',
      types: ['Write', 'Written', 'Fenced'] },
  ],
  serverKind: (id, servers, params) => {
    if (id === servers[servers.length - 1]) return 'storage';
    const variant = String((params as { variant?: string } | undefined)?.variant ?? 'lease');
    const [kind, all] = KINDS[variant] ?? KINDS.lease as readonly [string, boolean];
    return id === servers[0] || all ? kind : 'idle';
  },
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

function redisPicture(world: ViewWorld, id: NodeId, r: RedisServer): NodePicture {
  const holder = holderOf(r.lockValue(world.localTime(id), world.monotonicTime(id)));
  const entry = holder === undefined ? undefined : r.keys.get(LOCK_KEY);
  const loading = r.loading(world.monotonicTime(id));
  return { id, headline: `redis · ${loading ? 'loading after a restart' : holder === undefined
    ? 'lock free' : `lock held by ${holder}`}`, tone: holder === undefined ? 'follow' : 'lead',
  parts: [{ kind: 'fields', items: [
    { label: LOCK_KEY, value: entry?.value ?? 'not set', ...(holder === undefined ? {}
      : { tone: 'lead' as const }) },
    ...(entry?.expiresAt === undefined ? holder === undefined ? [] : [{ label: 'expires',
      value: 'never (no expiry set)', tone: 'bad' as const }] : [{ label: 'expires in',
      value: formatMicros(Math.max(0, entry.expiresAt -
        r.expiryNow(world.localTime(id), world.monotonicTime(id)))) }]),
  ] }] };
}

function zkPicture(id: NodeId, z: ZkServer): NodePicture {
  const raft = z.raft;
  const owners = z.tree.owners(LOCK_PATH);
  const serving = z.serving ? ' · serving' : '';
  return { id, headline: `${raft.role} · term ${raft.currentTerm}${serving}`,
    tone: raft.role === 'leader' ? 'lead' : raft.role === 'candidate' ? 'seek' : 'follow',
    parts: [{ kind: 'cells', label: LOCK_PATH, cells: owners.map((o, k): Cell => ({
      text: `${o.name.replace(/^.*?(\d+)$/, '$1')} ${o.owner ?? '?'}`,
      tone: k === 0 ? 'lead' : 'follow',
      title: `${LOCK_PATH}/${o.name}: ${o.owner ?? 'no session'}${k === 0 ? ', holds the lock'
        : ', waits for the one before it'}` })),
    caption: 'sequential nodes in order; the first holds the lock' },
    { kind: 'fields', items: [
      { label: 'sessions', value: String(z.tree.openSessions().length) },
      { label: 'commit index', value: String(raft.commitIndex) },
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

/** A Redis, Redlock or ZooKeeper client: its lease runs on its monotonic clock. */
function cyclePicture(world: ViewWorld, id: NodeId, c: LockCycle): NodePicture {
  const now = world.monotonicTime(id);
  const holds = c.holdsAt(world.localTime(id), now);
  const session = c instanceof ZkLockClient ? [{ label: 'session',
    value: c.session ?? 'none', ...(c.session === undefined ? { tone: 'bad' as const } : {}) }]
    : [];
  const parts: Part[] = holds ? [{ kind: 'meter', label: 'lease (own clock)', fraction: 1,
    text: `${formatMicros(c.leaseEnd - now)} left` }] : [];
  if (session.length > 0) parts.push({ kind: 'fields', items: session });
  return { id, headline: holds ? `holds token ${String(c.token)}` : 'waiting',
    tone: holds ? 'lead' : 'follow', parts };
}

function picture(world: ViewWorld): NodePicture[] {
  return [...world.servers, ...world.clients].flatMap((id): NodePicture[] => {
    const p = world.program(id);
    if (p instanceof LockService) return [servicePicture(id, p)];
    if (p instanceof RedisServer) return [redisPicture(world, id, p)];
    if (p instanceof ZkServer) return [zkPicture(id, p)];
    if (p instanceof Storage) return [storagePicture(id, p)];
    if (p instanceof LockClient) return [clientPicture(world, id, p)];
    if (p instanceof LockCycle) return [cyclePicture(world, id, p)];
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
  const keys = redisKeys(bands, marks);
  for (const r of records) {
    const f = fields(r.data);
    const token = Number(f.token);
    keys.expire(r.t, r.index);
    if (r.tag === 'Redis' || r.tag === 'RedisReply') keys.read(r);
    else if (r.tag === 'zk-wake') {
      const clients = Array.isArray(f.clients) ? f.clients.map(String) : [];
      marks.push({ node: r.node, t: r.t, index: r.index, tone: clients.length > 1 ? 'warn' : 'info',
        label: `wakes ${clients.join(', ')}`,
        says: [...new Set([`the service wakes ${clients.join(' and ')}`,
          ...clients.map((c) => `the service wakes ${c}`)])] });
    } else if (r.tag === 'session-lost') {
      marks.push({ node: r.node, t: r.t, index: r.index, tone: 'warn', label: 'session lost',
        says: [`${r.node} loses its session`] });
    } else if (r.tag === 'grant') {
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
  keys.expire(run.end, records[records.length - 1]?.index ?? 0);
  keys.end(run.end);
  for (const client of [...held.keys()]) endHold(client, run.end);
  for (const [token, g] of granted) {
    bands.push({ node: g.node, t0: g.t0, t1: run.end, index: g.index,
      label: `lease of ${g.client}, token ${token}`, tone: 'lead',
      says: [`${g.client} has the lease`] });
  }
  return { bands: bands.sort((a, b) => a.t0 - b.t0), marks };
}

/**
 * The lock key of each Redis instance, read from the commands clients send and the replies
 * that set or delete it: a band on the instance's lane while the key names a client, ended by
 * its deletion or at its expiry (on true time: an instance whose clock jumps expires it
 * earlier, as its own picture shows).
 */
function redisKeys(bands: Band[], marks: Mark[]) {
  const commands = new Map<string, RedisCmd>();
  const set = new Map<NodeId, { client: string; t0: number; index: number;
    expires: number | undefined }>();
  const close = (instance: NodeId, t: number) => {
    const k = set.get(instance);
    if (k === undefined) return;
    set.delete(instance);
    bands.push({ node: instance, t0: k.t0, t1: t, index: k.index, tone: 'lead',
      label: `key set for ${k.client}`, says: [`${instance} has the key of ${k.client}`,
        `${k.client} has the lease`] });
  };
  return {
    read(r: NoteRecord): void {
      const f = fields(r.data);
      const key = r.tag === 'Redis' ? `${r.node} ${r.to ?? ''} ${String(f.id)}`
        : `${r.to ?? ''} ${r.node} ${String(f.id)}`;
      if (r.tag === 'Redis') {
        commands.set(key, f.cmd as RedisCmd);
        return;
      }
      const cmd = commands.get(key);
      commands.delete(key);
      if (cmd === undefined || cmd.key !== LOCK_KEY || f.error !== undefined) return;
      const yes = f.value !== null && f.value !== false;
      if (!yes) return;
      if (cmd.op === 'SET' || cmd.op === 'ACQUIRE' || cmd.op === 'SETNX') {
        close(r.node, r.t);
        set.set(r.node, { client: holderOf(cmd.value) ?? cmd.value, t0: r.t, index: r.index,
          expires: cmd.op === 'SETNX' ? undefined : r.t + cmd.px });
      } else if (cmd.op === 'PEXPIRE') {
        const k = set.get(r.node);
        if (k !== undefined) k.expires = r.t + cmd.px;
      } else if (cmd.op === 'DEL' || cmd.op === 'RELEASE') close(r.node, r.t);
    },
    /**
     * Ends keys whose expiry has passed by `t`, the time of record `index` (a fact is placed
     * at a record: the expiry's is the first record at or after it).
     */
    expire(t: number, index: number): void {
      for (const [instance, k] of set) {
        if (k.expires === undefined || k.expires > t) continue;
        close(instance, k.expires);
        marks.push({ node: instance, t: k.expires, index, tone: 'warn',
          label: `key of ${k.client} expires`,
          says: [`the key of ${k.client} expires on ${instance}`] });
      }
    },
    end(t: number): void {
      for (const instance of [...set.keys()]) close(instance, t);
    },
  };
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
  timeline: { tags: ['grant', 'free', 'holds', 'fenced', 'zk-wake', 'session-lost'],
    messages: ['Write', 'Release', 'Redis', 'RedisReply'], build: timeline },
  facts: { tags: ['grant'], from: facts },
};
