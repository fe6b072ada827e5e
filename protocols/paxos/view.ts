/**
 * How the visualizer draws Paxos, in Paxos's words: every server plays the three roles of
 * Paxos Made Simple. As a proposer it is idle, preparing (phase 1, collecting promises for
 * its ballot) or leading (phase 2, proposing values); as an acceptor it has promised a ballot
 * and accepted proposals per slot; as a learner it has learned (decided) slots and, in
 * Multi-Paxos, executed them in order. Slots are boxes: the value accepted there, coloured by
 * its ballot's round, drawn solid once a majority of the live acceptors accepted it at one
 * ballot (chosen) and hollow while it is only accepted.
 */
import type { NodeId } from '../../sim/index.js';
import {
  type Cell, type ClusterPicture, type Fact, fields, type NodePicture, type NoteRecord,
  type ProtocolView, short, type ViewWorld,
} from '../view.js';
import type { Acceptor } from './acceptor.js';
import { type Ballot, formatBallot } from './ballot.js';
import { describeCommand } from './invariants.js';
import { MultiPaxosNode } from './node.js';
import { SinglePaxosNode } from './singleNode.js';
import type { Command } from './stateMachine.js';

/** Slots drawn per server (the newest). */
const SHOWN_SLOTS = 20;

const vocabulary = (multi: boolean): ProtocolView['vocabulary'] => ({
  roles: {
    leader: { label: multi ? 'leader' : 'proposer in phase 2', tone: 'lead', leads: true },
    candidate: { label: 'proposer in phase 1', tone: 'seek' },
    follower: { label: multi ? 'follower' : 'acceptor', tone: 'follow' },
  },
  number: 'ballot',
  messages: [
    { name: 'phase1', label: 'phase 1 (Prepare, Promise)', types: ['Prepare', 'Promise'] },
    { name: 'phase2', label: 'phase 2 (Accept, Accepted)', types: ['Accept', 'Accepted'] },
    { name: 'refusal', label: 'refusals (Nack)', types: ['Nack'] },
    { name: 'learn', label: 'decisions (Decide)', types: ['Decide'] },
    { name: 'heartbeat', label: 'leader heartbeats', types: ['Heartbeat', 'HeartbeatReply'],
      routine: true },
    { name: 'rejoin', label: 'acceptor rejoin after corruption',
      types: ['RejoinRequest', 'RejoinReply'] },
    { name: 'client', label: 'client requests and replies',
      types: ['ClientRequest', 'ClientReply'] },
  ],
});

interface Acceptors<V> {
  /** Per slot, `ballot value` keys with their acceptors, among the live servers. */
  readonly votes: Map<number, Map<string, number>>;
  readonly majority: number;
  key(slot: number, ballot: Ballot, value: V): string;
}

function tally<V>(world: ViewWorld, acceptorOf: (id: NodeId) => Acceptor<V> | undefined):
  Acceptors<V> {
  const votes = new Map<number, Map<string, number>>();
  const key = (_slot: number, b: Ballot, v: V) => `${formatBallot(b)} ${JSON.stringify(v)}`;
  for (const id of world.servers) {
    const acceptor = world.isUp(id) ? acceptorOf(id) : undefined;
    for (const [slot, p] of acceptor?.accepted ?? []) {
      let bySlot = votes.get(slot);
      if (bySlot === undefined) votes.set(slot, (bySlot = new Map()));
      const k = key(slot, p.ballot, p.value);
      bySlot.set(k, (bySlot.get(k) ?? 0) + 1);
    }
  }
  return { votes, majority: Math.floor(world.servers.length / 2) + 1, key };
}

function slotCells<V>(acceptor: Acceptor<V>, decided: ReadonlyMap<number, V>,
  count: Acceptors<V>, describe: (v: V) => string): { cells: Cell[]; skipped: number } {
  const slots = [...new Set([...acceptor.accepted.keys(), ...decided.keys()])]
    .sort((a, b) => a - b);
  const skipped = Math.max(0, slots.length - SHOWN_SLOTS);
  const cells = slots.slice(skipped).map((slot): Cell => {
    const p = acceptor.accepted.get(slot);
    const learned = decided.get(slot);
    const chosen = p !== undefined &&
      (count.votes.get(slot)?.get(count.key(slot, p.ballot, p.value)) ?? 0) >= count.majority;
    const value = p?.value ?? learned as V;
    const title = `slot ${slot}: ${p === undefined ? 'nothing accepted here'
      : `accepted ${describe(p.value)} at ${formatBallot(p.ballot)}`}${
      chosen ? ', chosen (a majority accepted it)' : ''}${
      learned === undefined ? '' : `; learned ${describe(learned)}`}`;
    return { text: `${slot}: ${short(describe(value), 14)}`,
      ...(p === undefined ? {} : { hue: p.ballot.round }),
      ...(chosen || learned !== undefined ? { mark: 'chosen' as const } : { mark: 'open' as const }),
      title };
  });
  return { cells, skipped };
}

function multiPicture(world: ViewWorld, id: NodeId, count: Acceptors<Command>):
  NodePicture | undefined {
  const node = world.program(id);
  if (!(node instanceof MultiPaxosNode)) return undefined;
  const word = vocabulary(true).roles[node.role];
  const proposer = node.role === 'follower'
    ? `follows ${node.leaderId ?? 'no one'}` : `${word?.label ?? node.role} with ballot ${
      formatBallot(node.ballot)}`;
  const { cells, skipped } = slotCells(node.acceptor, node.replica.decided, count,
    describeCommand);
  return { id, headline: node.role === 'follower'
    ? `follower · promised ${formatBallot(node.acceptor.promised)}`
    : `${word?.label ?? node.role} · ballot ${formatBallot(node.ballot)}`,
  tone: word?.tone ?? 'follow',
  parts: [
    { kind: 'fields', items: [
      { label: 'proposer', value: proposer, tone: word?.tone ?? 'follow' },
      { label: 'acceptor', value: node.acceptor.voting
        ? `promised ${formatBallot(node.acceptor.promised)}`
        : 'rebuilding its state from peers', ...(node.acceptor.voting ? {} : { tone: 'warn' }) },
      { label: 'learner', value: `${node.replica.decided.size} slots learned, ` +
        `executed up to ${node.replica.executed}` },
    ] },
    { kind: 'cells', label: 'slots', cells, skipped,
      caption: 'accepted value per slot, coloured by ballot round; solid once chosen' },
  ] };
}

function singlePicture(world: ViewWorld, id: NodeId, count: Acceptors<string>):
  NodePicture | undefined {
  const node = world.program(id);
  if (!(node instanceof SinglePaxosNode)) return undefined;
  const phase = node.proposer.phase;
  const role = phase === 'prepare' ? 'candidate' : phase === 'accept' ? 'leader' : 'follower';
  const word = vocabulary(false).roles[role];
  const decided = new Map<number, string>(node.learned === undefined ? [] : [[0, node.learned]]);
  const { cells } = slotCells(node.acceptor, decided, count, (v) => v);
  return { id, headline: phase === 'idle'
    ? `acceptor · promised ${formatBallot(node.acceptor.promised)}`
    : `${word?.label ?? role} · ballot ${formatBallot(node.proposer.ballot)}`,
  tone: word?.tone ?? 'follow',
  parts: [
    { kind: 'fields', items: [
      { label: 'proposer', value: phase === 'idle' ? 'idle'
        : `${word?.label ?? phase} with ballot ${formatBallot(node.proposer.ballot)}`,
      tone: word?.tone ?? 'follow' },
      { label: 'acceptor', value: `promised ${formatBallot(node.acceptor.promised)}` },
      { label: 'learner', value: node.learned === undefined ? 'nothing learned yet'
        : `learned ${node.learned}`, ...(node.learned === undefined ? {} : { tone: 'ok' }) },
    ] },
    { kind: 'cells', label: 'value', cells,
      caption: 'the accepted value, coloured by ballot round; solid once chosen' },
  ] };
}

/**
 * Facts from decisions and accepts: `n2 learns slot 4` when a learner decides; `slot 4 is
 * chosen` once a majority of acceptors sent Accepted for one ballot and value (the paper's
 * definition of chosen); in single-decree Paxos also `value-n5 is chosen` and `n5 proposes
 * value-n5` (its Accept).
 */
function paxosFacts(single: boolean) {
  return (records: readonly NoteRecord[], run: { servers: readonly NodeId[] }): Fact[] => {
    const majority = Math.floor(run.servers.length / 2) + 1;
    const voters = new Map<string, Set<NodeId>>();
    /** `slot value` pairs chosen so far. */
    const chosen = new Set<string>();
    const slots = new Set<number>();
    const proposed = new Set<string>();
    const out: Fact[] = [];
    for (const r of records) {
      const f = fields(r.data);
      const at = { index: r.index, t: r.t };
      if (r.tag === 'decide' && typeof f.slot === 'number') {
        out.push({ says: `${r.node} learns slot ${f.slot}`, ...at });
        if (single) out.push({ says: `${r.node} learns the value`, ...at });
      } else if (r.tag === 'Accept' && single) {
        for (const entry of entriesOf(f.entries)) {
          if (proposed.has(`${r.node} ${short(entry.value)}`)) continue;
          proposed.add(`${r.node} ${short(entry.value)}`);
          out.push({ says: `${r.node} proposes ${short(entry.value)}`, ...at });
        }
      } else if (r.tag === 'Accepted') {
        for (const { slot, value: accepted } of entriesOf(f.entries)) {
          const value = `${slot} ${JSON.stringify(accepted)}`;
          const key = `${value} ${JSON.stringify(f.ballot)}`;
          let from = voters.get(key);
          if (from === undefined) voters.set(key, (from = new Set()));
          from.add(r.node);
          if (from.size !== majority || chosen.has(value)) continue;
          // A second value chosen in one slot is what an agreement violation looks like.
          if (!slots.has(slot)) out.push({ says: `slot ${slot} is chosen`, ...at });
          slots.add(slot);
          chosen.add(value);
          if (single) out.push({ says: `${short(accepted)} is chosen`, ...at });
        }
      }
    }
    return out;
  };
}

/** The (slot, value) entries of a recorded Accept or Accepted; none if malformed. */
function entriesOf(entries: unknown): { slot: number; value: unknown }[] {
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) => {
    const { slot, value } = fields(entry);
    return typeof slot === 'number' ? [{ slot, value }] : [];
  });
}

function picture(world: ViewWorld, single: boolean): ClusterPicture {
  if (single) {
    const count = tally<string>(world, (id) => {
      const p = world.program(id);
      return p instanceof SinglePaxosNode ? p.acceptor : undefined;
    });
    return { nodes: world.servers.flatMap((id) => singlePicture(world, id, count) ?? []) };
  }
  const count = tally<Command>(world, (id) => {
    const p = world.program(id);
    return p instanceof MultiPaxosNode ? p.acceptor : undefined;
  });
  return { nodes: world.servers.flatMap((id) => multiPicture(world, id, count) ?? []) };
}

/** Multi-Paxos's view. */
export const paxosView: ProtocolView = {
  vocabulary: vocabulary(true),
  picture: (world) => picture(world, false),
  facts: { tags: ['decide'], messages: ['Accepted'], from: paxosFacts(false) },
};

/** Single-decree Paxos's view. */
export const paxosSingleView: ProtocolView = {
  vocabulary: vocabulary(false),
  picture: (world) => picture(world, true),
  facts: { tags: ['decide'], messages: ['Accept', 'Accepted'], from: paxosFacts(true) },
};
