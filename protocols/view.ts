/**
 * How the visualizer draws a protocol, supplied by each protocol's `view.ts` through its
 * definition. A view is data about drawing, not drawing: the visualizer turns it into SVG and
 * canvas, and this folder stays free of the DOM (and testable in Node).
 *
 * A view gives:
 * - its vocabulary: what each role is called in this protocol (a Paxos node running phase 1
 *   is a proposer with a ballot, not a Raft candidate), what the number beside a role is
 *   (term, ballot, epoch), and which message types belong together (heartbeats, replication,
 *   elections), so arrows are coloured and filtered by meaning;
 * - a picture of the cluster at an instant, read from the live programs: Raft's logs as
 *   boxes coloured by term, Paxos's slots and what is chosen, the lock storage's tokens;
 * - a timeline from the trace's notes, which works for trace files too: bands on a node's
 *   lane (2PC's prepared, blocked and lock-held stretches, a lock lease) and marks (a
 *   suspicion, a lost write);
 * - facts: short phrases that were true at an instant or happened at an event (`n2 leads
 *   term 3`, `slot 0 is chosen`, `n3 is blocked`). A narrative's claims are checked against
 *   them, so a narrative cannot drift from its run;
 * - optionally, levels sampled over time against a threshold (a failure detector's phi).
 */
import type { World } from '../sim/check/property.js';
import type { Micros, NodeId } from '../sim/index.js';
import { showDuration } from './durations.js';

/**
 * What a colour means. The visualizer maps each to one colour with WCAG AA contrast, the same
 * for every protocol: `lead` is whoever leads (Raft leader, Paxos leader, master,
 * coordinator, lock holder), `seek` whoever is trying to (a candidate, a proposer in phase
 * 1), `follow` the others.
 */
export type Tone = 'lead' | 'seek' | 'follow' | 'learn' | 'ok' | 'warn' | 'bad' | 'muted' |
  'info';

/** A role as this protocol calls it. */
export interface RoleWord {
  /** The label drawn: `leader`, `proposer (phase 1)`, `master`. */
  readonly label: string;
  readonly tone: Tone;
  /** True for the role that leads (facts say `n2 leads term 3`). */
  readonly leads?: boolean;
}

/** A group of message types, coloured alike and hidden together. */
export interface MessageGroup {
  readonly name: string;
  readonly label: string;
  /** Message types (trace tags) in the group. */
  readonly types: readonly string[];
  /** Routine traffic (heartbeats, disk sync notices) a reader may hide to see the rest. */
  readonly routine?: boolean;
}

/** The words and groups of one protocol. */
export interface Vocabulary {
  /** Roles by the name `role` notes give them. */
  readonly roles: Readonly<Record<string, RoleWord>>;
  /** The number that goes with a role: `term`, `ballot`, `epoch`; absent when none. */
  readonly number?: string;
  readonly messages: readonly MessageGroup[];
  /**
   * What a server is, by id, when servers differ (`lock service`, `storage`); `params` are the
   * run's parsed parameters when its scenario is known (a variant may change who is what).
   */
  serverKind?(id: NodeId, servers: readonly NodeId[], params?: unknown): string | undefined;
}

/** The world a picture reads: the run's omniscient view and each node's pending timers. */
export interface ViewWorld extends World {
  timers(id: NodeId): readonly { readonly name: string; readonly at: Micros }[];
}

/** One box of a row: a log entry, a slot, a record. */
export interface Cell {
  readonly text: string;
  /** A number coloured consistently everywhere (a term, a ballot round, an epoch). */
  readonly hue?: number;
  readonly tone?: Tone;
  /**
   * `open`: not yet committed or chosen (drawn hollow); `lost`: acknowledged and then lost;
   * `chosen`: chosen by a majority; `refused`: fenced off or rejected.
   */
  readonly mark?: 'open' | 'lost' | 'chosen' | 'refused';
  /** Longer text shown on hover. */
  readonly title?: string;
}

/** A part of a node's picture. */
export type Part =
  | { readonly kind: 'cells'; readonly label: string; readonly cells: readonly Cell[];
    /** How many cells come before the first shown (an elided head or a snapshot). */
    readonly skipped?: number; readonly caption?: string }
  | { readonly kind: 'meter'; readonly label: string; readonly fraction: number;
    readonly text: string; readonly tone?: Tone }
  | { readonly kind: 'fields';
    readonly items: readonly { readonly label: string; readonly value: string;
      readonly tone?: Tone }[] };

/** One node at an instant. */
export interface NodePicture {
  readonly id: NodeId;
  /** `leader · term 3`, `acceptor · promised (2,n1)`. */
  readonly headline: string;
  readonly tone?: Tone;
  readonly parts: readonly Part[];
}

/** The cluster at an instant: each server, and what belongs to no one server. */
export interface ClusterPicture {
  readonly nodes: readonly NodePicture[];
  readonly shared?: readonly { readonly title: string; readonly parts: readonly Part[] }[];
}

/**
 * A note of the trace, as timelines and facts read it; or a message sent, when a view asks
 * for messages (then `tag` is the message type, `data` the message and `to` its receiver).
 */
export interface NoteRecord {
  readonly index: number;
  readonly t: Micros;
  readonly node: NodeId;
  readonly tag: string;
  readonly data: unknown;
  readonly to?: NodeId;
}

/** What a timeline knows of the run besides its notes. */
export interface RunFrame {
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly end: Micros;
  /** The protocol's parsed parameters, when the run's scenario is known. */
  readonly params?: unknown;
  /** Whether a node was up, crashed or paused at a time. */
  status(node: NodeId, t: Micros): 'up' | 'down' | 'paused';
}

/** A stretch of time on a node's lane. */
export interface Band {
  readonly node: NodeId;
  readonly t0: Micros;
  readonly t1: Micros;
  /** Drawn on the band when it is wide enough: `blocked t1.c2.3`. */
  readonly label: string;
  readonly tone: Tone;
  /** Index of the note that opened it. */
  readonly index: number;
  /** The fact it states while it lasts (`n3 is blocked`), for narratives. */
  readonly says?: readonly string[];
}

/** A point on a node's lane. */
export interface Mark {
  readonly node: NodeId;
  readonly t: Micros;
  readonly index: number;
  readonly label: string;
  readonly tone: Tone;
  /** The fact it states (`n2 suspects n1`), for narratives. */
  readonly says?: readonly string[];
}

/** What a view draws along time from the notes. */
export interface Timeline {
  readonly bands: readonly Band[];
  readonly marks: readonly Mark[];
}

/**
 * A fact: a phrase that holds from event `index` (time `t`) until `until` (a state), or that
 * happened at that event (an event: `until` absent).
 */
export interface Fact {
  readonly says: string;
  readonly index: number;
  readonly t: Micros;
  readonly until?: Micros;
}

/** One level against its threshold, at one instant. */
export interface Level {
  /** What it is about: the watched peer. */
  readonly of: NodeId;
  readonly value: number;
  readonly threshold: number;
  readonly suspected: boolean;
}

/** How a protocol is drawn. */
export interface ProtocolView {
  readonly vocabulary: Vocabulary;
  /** The cluster at the world's instant. */
  picture(world: ViewWorld): ClusterPicture;
  /**
   * Bands and marks from the notes whose tags are listed and the sends of the message types
   * listed (only those are read), in trace order.
   */
  readonly timeline?: {
    readonly tags: readonly string[];
    readonly messages?: readonly string[];
    build(records: readonly NoteRecord[], run: RunFrame): Timeline;
  };
  /**
   * Facts from the notes whose tags are listed and the messages of the types listed (their
   * sends), in trace order, beyond roles and the timeline's.
   */
  readonly facts?: {
    readonly tags: readonly string[];
    readonly messages?: readonly string[];
    from(records: readonly NoteRecord[], run: RunFrame): Fact[];
  };
  /**
   * Levels a node computes against a threshold, sampled whenever its timer `timer` fires:
   * the visualizer draws them as curves, with the threshold.
   */
  readonly levels?: {
    readonly title: string;
    readonly timer: string;
    sample(world: ViewWorld, id: NodeId): readonly Level[];
  };
}

/** A note's data as a record of fields (empty when it is something else). */
export function fields(data: unknown): Readonly<Record<string, unknown>> {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? data as Record<string, unknown> : {};
}

/** A short text of a value for a cell: strings as they are, the rest as JSON, bounded. */
export function short(value: unknown, max = 24): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The last `max` items, with how many were left out before them. */
export function tail<T>(items: readonly T[], max: number): { items: readonly T[]; skipped: number } {
  const skipped = Math.max(0, items.length - max);
  return { items: items.slice(skipped), skipped };
}

/** A timer's remaining time as a meter against its full span. */
export function timerMeter(world: ViewWorld, id: NodeId, name: string, label: string,
  span: Micros): Part | undefined {
  const timer = world.timers(id).find((t) => t.name === name);
  if (timer === undefined) return undefined;
  const left = Math.max(0, timer.at - world.now);
  return { kind: 'meter', label, fraction: span <= 0 ? 0 : Math.min(1, left / span),
    text: `${formatMicros(left)} left` };
}

/** Microseconds for people: `850µs`, `12.5ms`, `3.2s` (as the CLI shows them). */
export const formatMicros = showDuration;

/**
 * The fact of an operator's note (sim/check/operator.ts `admin`): `the operator asks to add
 * n4`, `the operator asks to move the leadership to n2`, `the operator's add n4 is done`, `the
 * operator's remove n1 is refused`, `the operator's add n5 gives up`.
 */
export function operatorFact(n: NoteRecord): Fact {
  const f = fields(n.data);
  const what = f.op === 'transfer' ? `transfer to ${String(f.node)}`
    : `${String(f.op)} ${String(f.node)}`;
  const says = f.outcome === 'invoke'
    ? (f.op === 'transfer' ? `the operator asks to move the leadership to ${String(f.node)}`
      : `the operator asks to ${what}`)
    : f.outcome === 'ok' ? `the operator's ${what} is done`
      : `the operator's ${what} ${f.outcome === 'refused' ? 'is refused' : 'gives up'}`;
  return { says, index: n.index, t: n.t };
}
