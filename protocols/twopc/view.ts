/**
 * How the visualizer draws two-phase commit and Paxos Commit. Along each participant's lane:
 * the stretch it holds locks for a transaction (from its yes vote to the decision), the
 * stretch it is prepared (its yes vote durable: it may no longer abort alone), and, within
 * that, the stretch it is blocked (it has started asking others for the outcome, with a
 * DecisionRequest under 2PC or a recovery ballot under Paxos Commit). At an instant: each
 * participant's balances, the locks it holds, its prepared and blocked transactions; the
 * coordinator's open transactions with their votes; and the coordinator's log, record by
 * record, hollow while a record is not yet durable.
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Band, type Cell, type Fact, fields, type Mark, type NodePicture, type NoteRecord,
  type Part, type ProtocolView, tail, type Timeline, type ViewWorld,
} from '../view.js';
import type { CoordinatorRecord } from './coordinator.js';
import { TwoPcServer } from './node.js';
import { recoverWal, viewReader } from './wal.js';

/** Coordinator log records drawn (the newest). */
const SHOWN_RECORDS = 16;

const vocabulary: ProtocolView['vocabulary'] = {
  roles: {
    coordinator: { label: 'coordinator', tone: 'lead', leads: true },
    participant: { label: 'participant', tone: 'follow' },
  },
  messages: [
    { name: 'voting', label: 'voting phase (Prepare, Vote)', types: ['Prepare', 'Vote'] },
    { name: 'decision', label: 'decision phase (Decision, Ack)', types: ['Decision', 'Ack'] },
    { name: 'termination', label: 'termination protocol (DecisionRequest)',
      types: ['DecisionRequest'] },
    { name: 'paxos', label: 'Paxos Commit ballots (Phase1a/1b, Phase2a/2b, Nack)',
      types: ['Phase1a', 'Phase1b', 'Phase2a', 'Phase2b', 'Nack'] },
    { name: 'sync', label: 'disk sync notices (to itself)',
      types: ['PreparedDurable', 'EpochDurable', 'DecisionDurable'], routine: true },
    { name: 'client', label: 'client requests and replies',
      types: ['ClientRequest', 'ClientReply'] },
  ],
  serverKind: (id, servers) => (id === servers[0] ? 'coordinator' : undefined),
};

function recordCell(r: CoordinatorRecord, durable: boolean): Cell {
  const text = r.type === 'epoch' ? `epoch ${r.epoch}` : r.type === 'end' ? `end ${r.tx}`
    : `${r.decision} ${r.tx}`;
  const tone = r.type === 'outcome' ? (r.decision === 'commit' ? 'ok' : 'bad') : 'muted';
  return { text, tone, ...(durable ? {} : { mark: 'open' as const }),
    title: `${text}${durable ? '' : ' (written, not yet durable)'}` };
}

/** The coordinator's log: its durable records solid, those not yet synced hollow. */
function coordinatorLog(world: ViewWorld, id: NodeId): Part {
  const isRecord = (v: unknown): v is CoordinatorRecord => typeof v === 'object' && v !== null;
  const disk = world.disk(id);
  const durable = recoverWal(viewReader(disk.durableView()), 'coordinator', isRecord).records;
  const written = recoverWal(viewReader(disk.volatileView()), 'coordinator', isRecord).records;
  const { items, skipped } = tail(written, SHOWN_RECORDS);
  return { kind: 'cells', label: 'coordinator log', skipped,
    cells: items.map((r, k) => recordCell(r, skipped + k < durable.length)),
    caption: `${durable.length} durable record${durable.length === 1 ? '' : 's'}${
      written.length > durable.length ? `, ${written.length - durable.length} not yet synced`
        : ''}` };
}

function participantParts(server: TwoPcServer): Part[] {
  const p = server.participant;
  if (p === undefined) return [];
  const balances: Cell[] = [...p.state.balances].map(([account, balance]) => {
    const holder = p.state.locks.get(account);
    return { text: `${account} ${balance}`, tone: holder === undefined ? 'muted' : 'warn',
      title: `${account}: balance ${balance}${holder === undefined ? '' : `, locked by ${holder}`}` };
  });
  const prepared = [...p.state.prepared];
  const blocked = prepared.filter((tx) => p.waiting.has(tx));
  return [
    { kind: 'cells', label: 'accounts', cells: balances, caption: 'balance; amber while locked' },
    { kind: 'fields', items: [
      { label: 'prepared', value: prepared.length === 0 ? 'none' : prepared.join(', '),
        ...(prepared.length === 0 ? {} : { tone: 'warn' }) },
      { label: 'blocked', value: blocked.length === 0 ? 'none' : blocked.join(', '),
        ...(blocked.length === 0 ? {} : { tone: 'bad' }) },
      ...(p.halted ? [{ label: 'halted', value: 'a log record is lost in both copies',
        tone: 'bad' as const }] : []),
    ] },
  ];
}

function coordinatorParts(world: ViewWorld, id: NodeId, server: TwoPcServer): Part[] {
  const c = server.coordinator;
  if (c === undefined) return [];
  const open = [...c.active.values()].map((tx): Cell => {
    const votes = [...tx.votes].map(([n, yes]) => `${n} ${yes ? 'yes' : 'no'}`).join(', ');
    return { text: tx.tx, tone: 'info', title: `${tx.tx}: participants ${
      tx.participants.join(', ')}; votes ${votes === '' ? 'none yet' : votes}` };
  });
  return [
    { kind: 'fields', items: [
      { label: 'epoch', value: `${c.epoch}${c.ready ? '' : ' (not yet durable)'}` },
      { label: 'awaiting acks', value: String(c.unacknowledged.size) },
    ] },
    { kind: 'cells', label: 'open transactions', cells: open,
      caption: open.length === 0 ? 'none' : 'waiting for votes (hover for them)' },
    coordinatorLog(world, id),
  ];
}

function nodePicture(world: ViewWorld, id: NodeId): NodePicture | undefined {
  const server = world.program(id);
  if (!(server instanceof TwoPcServer)) return undefined;
  const role = server.coordinator !== undefined ? 'coordinator' : 'participant';
  const extra = server.acceptor === undefined ? '' : ' · acceptor';
  return { id, headline: `${role}${extra}`, tone: vocabulary.roles[role]?.tone ?? 'follow',
    parts: [...coordinatorParts(world, id, server), ...participantParts(server)] };
}

interface Open { t0: number; index: number; tx: string }

/** Closes every open stretch of `tx` on `node` at `t` into `out`. */
function close(open: Map<string, Open>, key: string, t: number, out: Band[], node: NodeId,
  label: string, tone: Band['tone'], says: (tx: string) => string[]): void {
  const o = open.get(key);
  if (o === undefined) return;
  open.delete(key);
  out.push({ node, t0: o.t0, t1: t, label: `${label} ${o.tx}`, tone, index: o.index,
    says: says(o.tx) });
}

/**
 * Bands per participant: `locks` from a yes vote to the decision, `prepared` from the durable
 * prepared record to the decision, `blocked` from its first request for the outcome to the
 * decision; marks for decisions and refusals.
 */
function timeline(records: readonly NoteRecord[], run: { end: number }): Timeline {
  const bands: Band[] = [];
  const marks: Mark[] = [];
  const locks = new Map<string, Open>();
  const prepared = new Map<string, Open>();
  const blocked = new Map<string, Open>();
  const closeAll = (node: NodeId, tx: string, t: number) => {
    const key = `${node} ${tx}`;
    close(locks, key, t, bands, node, 'locks', 'info', () => [`${node} holds locks`]);
    close(prepared, key, t, bands, node, 'prepared', 'warn',
      (x) => [`${node} is prepared`, `${node} is prepared on ${x}`]);
    close(blocked, key, t, bands, node, 'blocked', 'bad',
      (x) => [`${node} is blocked`, `${node} is blocked on ${x}`]);
  };
  for (const r of records) {
    const f = fields(r.data);
    const tx = typeof f.tx === 'string' ? f.tx : undefined;
    if (tx === undefined) continue;
    const key = `${r.node} ${tx}`;
    const open = { t0: r.t, index: r.index, tx };
    if (r.tag === 'vote' && f.yes === true) locks.set(key, open);
    else if (r.tag === 'prepared' && !prepared.has(key)) prepared.set(key, open);
    else if ((r.tag === 'DecisionRequest' || r.tag === 'Phase1a') && prepared.has(key) &&
      !blocked.has(key)) blocked.set(key, open);
    else if (r.tag === 'decide') {
      closeAll(r.node, tx, r.t);
      const decision = String(f.decision);
      marks.push({ node: r.node, t: r.t, index: r.index, label: `${decision} ${tx}`,
        tone: decision === 'commit' ? 'ok' : 'bad' });
    } else if (r.tag === 'refuse') {
      marks.push({ node: r.node, t: r.t, index: r.index, label: `refuses ${tx}`, tone: 'muted' });
    }
  }
  for (const key of [...locks.keys(), ...prepared.keys(), ...blocked.keys()]) {
    const [node = '', tx = ''] = key.split(' ');
    closeAll(node, tx, run.end);
  }
  return { bands: bands.sort((a, b) => a.t0 - b.t0), marks };
}

/** Facts of votes and decisions: `n2 votes yes on t1.c1.1`, `n1 decides commit on t1.c1.1`. */
function facts(records: readonly NoteRecord[]): Fact[] {
  const out: Fact[] = [];
  for (const r of records) {
    const f = fields(r.data);
    const at = { index: r.index, t: r.t };
    if (r.tag === 'vote') {
      out.push({ says: `${r.node} votes ${f.yes === true ? 'yes' : 'no'} on ${String(f.tx)}`,
        ...at }, { says: `${r.node} votes ${f.yes === true ? 'yes' : 'no'}`, ...at });
    } else if (r.tag === 'decide') {
      out.push({ says: `${r.node} decides ${String(f.decision)} on ${String(f.tx)}`, ...at },
        { says: `${r.node} decides ${String(f.decision)}`, ...at });
    } else if (r.tag === 'begin') {
      out.push({ says: `${r.node} begins ${String(f.tx)}`, ...at });
    } else if (r.tag === 'halted') {
      out.push({ says: `${r.node} halts`, ...at });
    } else if (r.tag === 'unilateral-commit') {
      out.push({ says: `${r.node} commits ${String(f.tx)} on its own`, ...at });
    }
  }
  return out;
}

/** The view of `twopc` (both variants). */
export const twoPcView: ProtocolView = {
  vocabulary,
  picture: (world) => ({ nodes: world.servers.flatMap((id) => nodePicture(world, id) ?? []) }),
  timeline: { tags: ['vote', 'prepared', 'decide', 'refuse'],
    messages: ['DecisionRequest', 'Phase1a'], build: timeline },
  facts: { tags: ['vote', 'decide', 'begin', 'halted', 'unilateral-commit'], from: facts },
};
