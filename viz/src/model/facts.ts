/**
 * The facts of a run, read from its trace: short phrases, each true over a stretch of records
 * (a state: `n2 leads term 3`, `n1 is down`, `n3 is blocked`) or at one record (an event:
 * `n1 crashes`, `slot 0 is chosen`, `election-safety is violated`). A narrative's claims are
 * these phrases, so a test can check every claim of every bundled narrative against its run,
 * and the visualizer can show where each claim comes true.
 *
 * Generic facts come from the trace alone, in the protocol's vocabulary: roles (`n2 is leader
 * in term 3`, and for the role that leads, `n2 leads term 3`), crashes, restarts and pauses,
 * partitions and cut links, clock and disk faults, timers, messages sent and dropped, client
 * outcomes, the violation and its evidence. Protocol facts come from its view: its timeline's
 * bands and marks, and the facts it reads from notes.
 */
import type { Fact, ProtocolView, Timeline } from '../../../protocols/view.js';
import type { Derived } from './derive.js';
import { KIND, type TraceModel } from './traceModel.js';
import { runToEnd } from './slices.js';
import { collectViewRecords, runFrame } from './viewData.js';

/** Where a phrase holds: records [i0, i1) for a state, the record i0 (i1 = i0 + 1) for an event. */
export interface Occurrence {
  readonly i0: number;
  readonly i1: number;
  readonly state: boolean;
}

/** A phrase as compared: lower case, single spaces, no final full stop. */
export function normalise(phrase: string): string {
  return phrase.toLowerCase().replace(/\s+/g, ' ').trim().replace(/[.]$/, '');
}

/**
 * Where one phrase holds. Events are kept as bare record indexes: a long run has about one
 * per record, and an object for each would make the page's heap and its garbage collections
 * grow with the trace.
 */
interface Entry {
  readonly events: number[];
  readonly states: Occurrence[];
  sorted: boolean;
}

/** Whether an occurrence holds at the instant after `index`, events counted after `since`. */
function holdsAt(o: Occurrence, index: number, since: number): boolean {
  return o.state ? o.i0 <= index && index < o.i1 : o.i0 > since && o.i0 <= index;
}

/** The first position in sorted `list` whose value is above `v`. */
function firstAbove(list: readonly number[], v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every fact of one run, by phrase. */
export class FactBook {
  private readonly byPhrase = new Map<string, Entry>();

  /** Adds a state holding over records [i0, i1). */
  state(says: string, i0: number, i1: number): void {
    if (i1 <= i0) i1 = i0 + 1;
    const entry = this.entry(says);
    entry.states.push({ i0, i1, state: true });
    entry.sorted = false;
  }

  /** Adds an event at record `i`. */
  event(says: string, i: number): void {
    const entry = this.entry(says);
    const last = entry.events[entry.events.length - 1];
    if (last !== undefined && last > i) entry.sorted = false;
    entry.events.push(i);
  }

  /** Phrases as written, normalised once each: a trace says the same few thousand often. */
  private readonly keys = new Map<string, string>();

  private entry(says: string): Entry {
    let key = this.keys.get(says);
    if (key === undefined) {
      key = normalise(says);
      this.keys.set(says, key);
    }
    let entry = this.byPhrase.get(key);
    if (entry === undefined) {
      entry = { events: [], states: [], sorted: true };
      this.byPhrase.set(key, entry);
    }
    return entry;
  }

  private sortedEntry(phrase: string): Entry | undefined {
    const entry = this.byPhrase.get(normalise(phrase));
    if (entry !== undefined && !entry.sorted) {
      entry.events.sort((a, b) => a - b);
      entry.states.sort((a, b) => a.i0 - b.i0);
      entry.sorted = true;
    }
    return entry;
  }

  /** Where `phrase` holds, in record order. */
  occurrences(phrase: string): readonly Occurrence[] {
    const entry = this.sortedEntry(phrase);
    if (entry === undefined) return [];
    const events = entry.events.map((i): Occurrence => ({ i0: i, i1: i + 1, state: false }));
    return [...entry.states, ...events].sort((a, b) => a.i0 - b.i0 ||
      Number(b.state) - Number(a.state));
  }

  /**
   * Whether `phrase` holds at the instant after record `index`, counting events since record
   * `since` (exclusive): a state covering the instant, or an event in (since, index]. Returns
   * the record where it holds (the state's start or the event), or undefined.
   */
  holds(phrase: string, index: number, since: number): number | undefined {
    const entry = this.sortedEntry(phrase);
    if (entry === undefined) return undefined;
    const state = entry.states.find((o) => holdsAt(o, index, since));
    const k = firstAbove(entry.events, since);
    const event = k < entry.events.length && (entry.events[k] as number) <= index
      ? entry.events[k] : undefined;
    if (state === undefined) return event;
    return event === undefined || state.i0 <= event ? state.i0 : event;
  }

  /** The first record after `since` at which `phrase` begins to hold (a state's start or an event). */
  firstAfter(phrase: string, since: number): number | undefined {
    const entry = this.sortedEntry(phrase);
    if (entry === undefined) return undefined;
    const state = entry.states.find((o) => o.i0 > since)?.i0;
    const event = entry.events[firstAbove(entry.events, since)];
    if (state === undefined) return event;
    return event === undefined ? state : Math.min(state, event);
  }

  /** Phrases that hold at `index` (events since `since`), sorted: what a writer may claim there. */
  near(index: number, since: number): string[] {
    const out: string[] = [];
    for (const phrase of this.byPhrase.keys()) {
      if (this.holds(phrase, index, since) !== undefined) out.push(phrase);
    }
    return out.sort();
  }

  get size(): number {
    return this.byPhrase.size;
  }
}

/** What the book is built from besides the trace. */
export interface FactSources {
  readonly view?: ProtocolView;
  readonly timeline?: Timeline;
  readonly params?: unknown;
}

/** Builds the fact book of a trace. */
export function factBook(model: TraceModel, derived: Derived, sources: FactSources = {}): FactBook {
  return runToEnd(buildFactBook(model, derived, sources, Infinity));
}

/**
 * Builds the fact book a slice at a time: it yields after every `slice` records read (and
 * between the sources), so a page can spread a million-event trace over idle moments.
 */
export function* buildFactBook(model: TraceModel, derived: Derived, sources: FactSources = {},
  slice = 50_000): Generator<void, FactBook> {
  const book = new FactBook();
  roleFacts(book, model, derived, sources.view);
  lifeFacts(book, model, derived);
  yield;
  yield* recordFacts(book, model, slice);
  timelineFacts(book, model, sources.timeline);
  if (derived.violation >= 0) book.event(`${derived.violationName} is violated`, derived.violation);
  for (const e of derived.evidence) book.event(e.label, e.index);
  const facts = sources.view?.facts;
  if (facts !== undefined) {
    yield;
    const records = yield* collectViewRecords(model, facts.tags, facts.messages, slice);
    yield;
    const found = facts.from(records, runFrame(model, derived, sources.params));
    for (let k = 0; k < found.length; k++) {
      if (k > 0 && k % slice === 0) yield;
      addFact(book, model, found[k] as Fact);
    }
  }
  return book;
}

function addFact(book: FactBook, model: TraceModel, f: Fact): void {
  if (f.until === undefined) book.event(f.says, f.index);
  else book.state(f.says, f.index, f.until >= model.end ? model.n : model.lowerBound(f.until));
}

function roleFacts(book: FactBook, model: TraceModel, derived: Derived,
  view: ProtocolView | undefined): void {
  for (const seg of derived.roles) {
    const node = model.lanes[seg.lane] as string;
    const word = view?.vocabulary.roles[seg.role];
    const label = word?.label ?? seg.role;
    book.state(`${node} is ${label}`, seg.i0, seg.i1);
    if (seg.number === '') continue;
    book.state(`${node} is ${label} in ${seg.number}`, seg.i0, seg.i1);
    if (word?.leads === true) book.state(`${node} leads ${seg.number}`, seg.i0, seg.i1);
  }
}

function lifeFacts(book: FactBook, model: TraceModel, derived: Derived): void {
  for (const it of derived.down) book.state(`${model.lanes[it.lane]} is down`, it.i0, it.i1);
  for (const it of derived.paused) book.state(`${model.lanes[it.lane]} is paused`, it.i0, it.i1);
  for (const epoch of derived.cuts) {
    epoch.isolatedFrom.forEach((others, lane) => {
      if (others.length === 0 || lane >= model.servers) return;
      const node = model.lanes[lane] as string;
      book.state(`${node} is cut off`, epoch.i0, epoch.i1);
      for (const other of others) {
        book.state(`${node} is cut off from ${model.lanes[other]}`, epoch.i0, epoch.i1);
      }
    });
  }
}

const LIFE_EVENTS: Readonly<Record<number, string>> = {
  [KIND.crash]: 'crashes', [KIND.restart]: 'restarts', [KIND.pause]: 'pauses',
  [KIND.resume]: 'resumes',
};

const COMPLETIONS: Readonly<Record<number, string>> = {
  [KIND.ok]: 'succeeds', [KIND.fail]: 'fails', [KIND.info]: 'has an unknown outcome',
};

/** Events read record by record: life, faults, timers, messages, client outcomes. */
function* recordFacts(book: FactBook, model: TraceModel, slice: number): Generator<void> {
  const invoked = new Map<number, string>();
  // The phrase of a life, timer, send or drop record depends only on its kind, lanes and tag:
  // made once per combination, not once per record (a million records say a few hundred).
  const said = new Map<number, string | null>();
  const keyed = model.lanes.length < 4095; // lanes, peers and tag codes packed in one number
  const say = (i: number, kind: number, lane: number, node: string): string | null => {
    const peer = model.peer[i] as number;
    const key = keyed ? ((kind * 4096 + lane + 1) * 4096 + peer + 1) * 65536 + model.tagCodeAt(i)
      : NaN;
    let phrase = said.get(key);
    if (phrase !== undefined) return phrase;
    const tag = model.tag(i);
    const life = LIFE_EVENTS[kind];
    phrase = life !== undefined ? `${node} ${life}`
      : tag === undefined ? null
        : kind === KIND.timer ? `${node}'s ${tag} timer fires`
          : kind === KIND.send ? `${node} sends ${tag}`
            : `${peer < 0 ? 'a' : `${model.lanes[peer]}'s`} message to ${node} is dropped`;
    if (keyed) said.set(key, phrase);
    return phrase;
  };
  for (let i = 0; i < model.n; i++) {
    if (i > 0 && i % slice === 0) yield;
    const kind = model.kind[i] as number;
    const lane = model.node[i] as number;
    const node = lane < 0 ? '' : model.lanes[lane] as string;
    if (LIFE_EVENTS[kind] !== undefined || kind === KIND.timer || kind === KIND.send ||
      kind === KIND.drop) {
      const phrase = say(i, kind, lane, node);
      if (phrase !== null) book.event(phrase, i);
    } else if (kind === KIND.fault) faultFacts(book, model, i);
    else if (kind === KIND.phase) book.event('everything heals', i);
    else if (kind === KIND.invoke) {
      const tag = model.tag(i);
      if (tag !== undefined) invoked.set(lane, tag);
    } else if (COMPLETIONS[kind] !== undefined) {
      book.event(`${node}'s ${invoked.get(lane) ?? model.tag(i) ?? 'operation'} ${
        COMPLETIONS[kind]}`, i);
      if (kind === KIND.info) book.event(`${node} times out`, i);
    }
  }
}

function faultFacts(book: FactBook, model: TraceModel, i: number): void {
  const tag = model.tag(i);
  const f = model.record(i).data as Record<string, unknown> | undefined;
  if (tag === 'partition' || tag === 'bridge' || tag === 'ring') {
    book.event('the network partitions', i);
  } else if (tag === 'heal') {
    book.event(f?.from === undefined ? 'the network heals' : `the link from ${String(f.from)
    } to ${String(f.to)} heals`, i);
  } else if (tag === 'cut') {
    book.event(`the link from ${String(f?.from)} to ${String(f?.to)} is cut`, i);
  } else if (tag === 'clock') {
    book.event(`${String(f?.node)}'s clock ${f?.jump === undefined ? 'changes' : 'jumps'}`, i);
  } else if (tag === 'disk') {
    book.event(`${String(f?.node)}'s disk is damaged`, i);
  } else if (tag === 'link') {
    book.event('a link changes', i);
  } else if (tag === 'drop') {
    book.event('a chosen message is dropped', i);
  }
}

function timelineFacts(book: FactBook, model: TraceModel, timeline: Timeline | undefined): void {
  for (const band of timeline?.bands ?? []) {
    const i1 = band.t1 >= model.end ? model.n : model.lowerBound(band.t1);
    for (const says of band.says ?? []) book.state(says, band.index, i1);
  }
  for (const mark of timeline?.marks ?? []) {
    for (const says of mark.says ?? []) book.event(says, mark.index);
  }
}
