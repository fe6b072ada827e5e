/**
 * How the visualizer draws the load balancer. At an instant: each balancer's pool as one box
 * per backend, green in rotation, red marked down by the active checks, amber ejected as an
 * outlier, with the attempts it has open there (and its weight, for weighted policies); its
 * retry budget and, with a standby, its role, epoch and what is left of its lease. Each
 * backend's busy workers against its workers, its queue against the limit, and the balancer
 * it has granted a lease to. Along time, from the `health` and `pool` notes: on each
 * backend's lane the stretches a balancer keeps it out of rotation (down, or ejected), and on
 * the balancer's lane a mark at each change (`n1 marks n3 down`, `n1 ejects n4`,
 * `n5 joins the pool`). The standby's `role` notes are drawn as roles (active leads its epoch).
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Band, type Cell, type Fact, fields, formatMicros, type Mark, type NodePicture,
  type NoteRecord, type Part, type ProtocolView, type RunFrame, type Timeline, type ViewWorld,
} from '../view.js';
import { Backend } from './backend.js';
import { addedLater, Balancer, type Resize } from './balancer.js';
import { balancerIds } from './nemesis.js';

const vocabulary: ProtocolView['vocabulary'] = {
  roles: {
    active: { label: 'active', tone: 'lead', leads: true },
    candidate: { label: 'taking over', tone: 'seek' },
    standby: { label: 'standby', tone: 'follow' },
  },
  number: 'epoch',
  messages: [
    { name: 'client', label: 'client requests (ClientRequest, ClientReply)',
      types: ['ClientRequest', 'ClientReply'] },
    { name: 'forward', label: 'attempts (Forward, Served, Refused)',
      types: ['Forward', 'Served', 'Refused'] },
    { name: 'probe', label: 'health checks (Probe, ProbeAnswer)', types: ['Probe', 'ProbeAnswer'],
      routine: true },
    { name: 'lease', label: 'leases (LeaseRequest, LeaseGrant, Announce)',
      types: ['LeaseRequest', 'LeaseGrant', 'Announce'] },
    { name: 'beat', label: 'standby heartbeats (Beat)', types: ['Beat'], routine: true },
  ],
};

/** A backend as one balancer sees it: in rotation, down, or ejected. */
function poolCell(b: Balancer, id: NodeId): Cell {
  const h = b.health.view(id);
  const open = b.openAt(id);
  const weighted = b.options.policy === 'feedback' || b.options.policy.startsWith('weighted');
  const state = !b.health.inRotation(id) ? (h.ejected ? 'ejected' : 'down')
    : h.ejected || !h.up ? 'kept in rotation (health ignored)' : 'in rotation';
  return { text: `${id}${open > 0 ? ` ·${open}` : ''}${weighted
    ? ` w${Math.round(b.weight(id))}` : ''}`,
  tone: state === 'in rotation' ? 'ok' : state === 'ejected' ? 'warn' : 'bad',
  title: `${id}: ${state}; ${open} attempt(s) open; ${h.errors} error(s) in a row, ` +
    `${h.ejections} ejection(s)` };
}

function balancerPicture(world: ViewWorld, id: NodeId, b: Balancer): NodePicture {
  const pair = b.pair;
  const now = world.monotonicTime(id);
  const serving = pair === undefined || pair.active(now);
  const parts: Part[] = [
    { kind: 'cells', label: 'pool', cells: b.pool.map((backend) => poolCell(b, backend)),
      caption: `${b.rotation().length} of ${b.pool.length} in rotation; ·n: attempts open` },
    { kind: 'fields', items: [
      { label: 'open requests', value: String(b.openRequests) },
      { label: 'retry tokens', value: b.retryTokens.toFixed(1),
        ...(b.retryTokens < 1 ? { tone: 'warn' as const } : {}) },
    ] },
  ];
  if (pair !== undefined && pair.role === 'active' && Number.isFinite(pair.leaseEnd)) {
    const left = Math.max(0, pair.leaseEnd - now);
    parts.push({ kind: 'meter', label: 'lease (own clock)',
      fraction: Math.min(1, left / Math.max(1, b.options.pair?.leaseLength ?? 1)),
      text: left > 0 ? `${formatMicros(left)} left` : 'run out', tone: left > 0 ? 'lead' : 'bad' });
  }
  const role = pair === undefined ? '' : ` · ${pair.role === 'candidate' ? 'taking over'
    : pair.role} · epoch ${pair.epoch}`;
  return { id, headline: `balancer · ${b.options.policy}${role}`,
    tone: serving ? 'lead' : pair?.role === 'candidate' ? 'seek' : 'follow', parts };
}

function backendPicture(world: ViewWorld, id: NodeId, b: Backend): NodePicture {
  const l = b.load(world.monotonicTime(id));
  const parts: Part[] = [
    { kind: 'meter', label: 'workers busy', fraction: l.workers === 0 ? 0 : l.busy / l.workers,
      text: `${l.busy} of ${l.workers}`, tone: l.busy === l.workers ? 'warn' : 'ok' },
    { kind: 'meter', label: 'queue', fraction: l.queueLimit === 0 ? 1 : l.queued / l.queueLimit,
      text: `${l.queued} of ${l.queueLimit}`, tone: l.queued >= l.queueLimit ? 'bad' : 'info' },
    { kind: 'fields', items: [{ label: 'orders booked', value: String(b.applied.length) },
      ...(l.lease === undefined ? [] : [{ label: 'lease granted to',
        value: `${l.lease.holder}, epoch ${l.lease.epoch}` }])] },
  ];
  return { id, headline: `backend · ${l.busy + l.queued} outstanding`, tone: 'follow', parts };
}

function picture(world: ViewWorld): NodePicture[] {
  return [...world.servers].flatMap((id): NodePicture[] => {
    const p = world.program(id);
    if (p instanceof Balancer) return [balancerPicture(world, id, p)];
    if (p instanceof Backend) return [backendPicture(world, id, p)];
    return [];
  });
}

const OUT = { down: 'down', ejected: 'ejected' } as const;

interface Params { readonly standby?: boolean; readonly resize?: readonly Resize[] }

/** The pool a balancer starts with: every backend but those a resize adds first. */
function initialPool(run: RunFrame): readonly string[] {
  const p = (run.params ?? {}) as Params;
  const balancers = balancerIds({ servers: run.servers, params: { standby: p.standby === true } });
  const added = addedLater(p.resize ?? []);
  return run.servers.filter((id) => !balancers.includes(id) && !added.has(id));
}

/**
 * Out-of-rotation bands on the backends' lanes, and a mark on the balancer's lane at each
 * change of health or of the pool. A balancer that restarts has forgotten its health table
 * and starts with every backend in rotation (its first probe round, round 1, shows it): its
 * bands end there.
 */
function timeline(records: readonly NoteRecord[], run: RunFrame): Timeline {
  const bands: Band[] = [];
  const marks: Mark[] = [];
  const open = new Map<string, { t0: number; index: number }>();
  const start = initialPool(run);
  const pools = new Map<NodeId, readonly string[]>();
  const close = (balancer: NodeId, backend: string, kind: keyof typeof OUT, t: number) => {
    const key = `${balancer} ${backend} ${kind}`;
    const o = open.get(key);
    if (o === undefined) return;
    open.delete(key);
    bands.push({ node: backend, t0: o.t0, t1: t, index: o.index, tone: kind === 'down' ? 'bad'
      : 'warn', label: `${OUT[kind]} at ${balancer}`,
    says: [`${balancer} has ${backend} ${OUT[kind]}`, `${backend} is out of rotation`] });
  };
  for (const r of records) {
    const f = fields(r.data);
    if (r.tag === 'Probe') {
      if (f.round !== 1) continue;
      for (const key of [...open.keys()]) {
        const [balancer, backend, kind] = key.split(' ') as [NodeId, string, keyof typeof OUT];
        if (balancer === r.node) close(balancer, backend, kind, r.t);
      }
      pools.delete(r.node);
    } else if (r.tag === 'health') {
      const backend = String(f.backend);
      const why = String(f.why);
      if (why === 'down' || why === 'ejected') {
        open.set(`${r.node} ${backend} ${why}`, { t0: r.t, index: r.index });
      } else close(r.node, backend, why === 'up' ? 'down' : 'ejected', r.t);
      const verb = why === 'down' ? `marks ${backend} down` : why === 'up'
        ? `marks ${backend} up` : why === 'ejected' ? `ejects ${backend}` : `readmits ${backend}`;
      const length = typeof f.length === 'number' ? ` for ${formatMicros(f.length)}` : '';
      marks.push({ node: r.node, t: r.t, index: r.index, label: `${verb}${length}`,
        tone: why === 'down' ? 'bad' : why === 'ejected' ? 'warn' : 'ok',
        says: [`${r.node} ${verb}`] });
    } else if (r.tag === 'pool') {
      const now = Array.isArray(f.backends) ? f.backends.map(String) : [];
      const before = pools.get(r.node) ?? start;
      pools.set(r.node, now);
      const joined = now.filter((b) => !before.includes(b));
      const left = before.filter((b) => !now.includes(b));
      marks.push({ node: r.node, t: r.t, index: r.index, tone: 'info',
        label: `pool: ${now.join(', ')}`,
        says: [...joined.map((b) => `${b} joins the pool`),
          ...left.map((b) => `${b} leaves the pool`)] });
    }
  }
  for (const key of [...open.keys()]) {
    const [balancer, backend, kind] = key.split(' ') as [NodeId, string, keyof typeof OUT];
    close(balancer, backend, kind, run.end);
  }
  return { bands: bands.sort((a, b) => a.t0 - b.t0), marks };
}

/** A backend's load as a word: the share of its workers busy since its previous answer. */
function loadWord(load: number): string {
  return load >= 0.9 ? 'saturated' : load >= 0.25 ? 'busy' : 'mostly idle';
}

/**
 * Load as facts, from each probe answer (the share of the backend's workers busy since its
 * previous answer to that balancer) until the next: `n5 is saturated` (at least 90%),
 * `n3 is busy`, `n2 is mostly idle` (under 25%); and `n3 has requests queued` while it
 * reports more outstanding requests than it has workers.
 */
function facts(records: readonly NoteRecord[], run: RunFrame): Fact[] {
  const workers = Number((run.params as { workers?: number } | undefined)?.workers ?? 4);
  const out: Fact[] = [];
  const last = new Map<string, { t: number; index: number; says: string[] }>();
  const close = (key: string, until: number) => {
    const o = last.get(key);
    if (o === undefined) return;
    for (const says of o.says) out.push({ says, index: o.index, t: o.t, until });
  };
  for (const r of records) {
    const f = fields(r.data);
    if (typeof f.load !== 'number') continue;
    const key = `${r.node} ${r.to ?? ''}`;
    close(key, r.t);
    const queued = Number(f.outstanding) > workers ? [`${r.node} has requests queued`] : [];
    last.set(key, { t: r.t, index: r.index, says: [`${r.node} is ${loadWord(f.load)}`,
      ...queued] });
  }
  for (const key of [...last.keys()]) close(key, run.end);
  return out;
}

/** The balancer's view. */
export const balancerView: ProtocolView = {
  vocabulary,
  picture: (world) => ({ nodes: picture(world) }),
  timeline: { tags: ['health', 'pool'], messages: ['Probe'], build: timeline },
  facts: { tags: [], messages: ['ProbeAnswer'], from: facts },
};
