/**
 * The state of every node at the current instant, as pictures. For a run in the page (or a
 * trace whose scenario is embedded and reproduces it), the engine is replayed to the current
 * event and the protocol's view draws each node: Raft's log as boxes coloured by term, Paxos's
 * slots, 2PC's locks and the coordinator's log, a detector's levels, a lock holder's lease.
 * The raw state is there as JSON only when asked (a closed section): the protocol's own
 * `inspect`, the durable and volatile disk, pending timers. For a trace alone, only what the
 * trace says: role and status.
 */
import type { ProtocolView, ViewWorld } from '../../../protocols/view.js';
import { atIndex, type Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import type { Session } from '../run/session.js';
import { el, setChildren, showJson } from './dom.js';
import { formatTime, toneColour } from './palette.js';
import { nodeCard, sharedCards } from './picture.js';
import type { Scene } from './scene.js';
import { roleWord } from './scene.js';

/** Runs up to this many events are replayed for the inspector's engine state. */
export const MAX_REPLAYED_EVENTS = 300_000;

/** What the inspector shows. */
export interface InspectorInput {
  readonly scene: Scene;
  readonly index: number;
  readonly session: Session | undefined;
  readonly view: ProtocolView | undefined;
}

function status(model: TraceModel, derived: Derived, lane: number, index: number):
  'up' | 'down' | 'paused' {
  return atIndex(derived.down, lane, index) !== undefined ? 'down'
    : atIndex(derived.paused, lane, index) !== undefined ? 'paused' : 'up';
}

/** Renders the inspector for the instant after record `index` (-1: before the first). */
export function renderInspector(host: HTMLElement, input: InspectorInput): void {
  const { scene, index, session, view } = input;
  const { model, derived } = scene;
  const time = index < 0 ? 0 : (model.t[index] as number);
  const head = el('div', { class: 'inspector-head',
    text: index < 0 ? 'Before the first event, at 0µs'
      : `After event #${index} (${model.kindOf(index)}) at ${formatTime(time)}` });
  // Replaying a very long run to an earlier instant would freeze the page for seconds.
  const replay = session !== undefined && model.n <= MAX_REPLAYED_EVENTS;
  if (!replay || view === undefined) {
    const why = session === undefined
      ? 'Pictures of each node\'s state need the run: this trace carries no scenario that ' +
        'reproduces it, so only what the trace says is shown.'
      : view === undefined ? 'This protocol has no view: its state is shown as JSON.'
        : `This run has ${model.n} events, too many to replay for the pictures: roles and ` +
          'status come from the trace.';
    setChildren(host, head, el('p', { class: 'hint', text: why }),
      el('div', { class: 'cards' }, ...traceCards(scene, index)),
      replay && session !== undefined ? rawState(session, index) : null);
    return;
  }
  const live = session.engineAt(index);
  const world = live.engine as unknown as ViewWorld;
  const picture = view.picture(world);
  const drawn = new Set(picture.nodes.map((n) => n.id));
  const cards = model.lanes.flatMap((id, lane) => {
    const p = picture.nodes.find((n) => n.id === id);
    const card = p !== undefined ? [nodeCard(p, status(model, derived, lane, index))]
      : lane < model.servers && !drawn.has(id) ? traceCards(scene, index, lane) : [];
    const local = live.engine.localTime(id);
    if (local !== live.engine.now) {
      card[0]?.append(el('div', { class: 'clock', text: `local clock ${formatTime(local)} (${
        local > live.engine.now ? '+' : ''}${formatTime(local - live.engine.now)} from true time)` }));
    }
    return card;
  });
  setChildren(host, head, el('div', { class: 'cards' }, ...cards, ...sharedCards(picture)),
    rawState(session, index));
}

/** Cards from the trace alone: role in the protocol's words, and status. */
function traceCards(scene: Scene, index: number, only?: number): HTMLElement[] {
  const { model, derived } = scene;
  return model.lanes.slice(0, model.servers).flatMap((id, lane) => {
    if (only !== undefined && lane !== only) return [];
    const seg = atIndex(derived.roles, lane, index);
    const s = status(model, derived, lane, index);
    const word = seg === undefined ? undefined : roleWord(scene, seg.role);
    const badge = el('span', { class: 'headline',
      text: word === undefined ? '—' : `${word.label} ${seg?.number ?? ''}`.trim() });
    if (word !== undefined) badge.style.color = toneColour(word.tone);
    return [el('section', { class: `node-card ${s}`, attrs: { 'data-node': id } },
      el('h4', {}, `${id} `, s === 'up' ? null : el('span', { class: 'status', text: s }), ' ',
        badge))];
  });
}

/** The raw state as JSON, closed until asked for. */
function rawState(session: Session, index: number): HTMLElement {
  const details = el('details', { class: 'raw' },
    el('summary', { text: 'Raw state as JSON (the protocol\'s inspect, disks, timers)' }));
  details.addEventListener('toggle', () => {
    if (!details.open || details.childElementCount > 1) return;
    const { engine, prepared } = session.engineAt(index);
    const inspect = prepared.instance.inspect;
    const nodes = engine.servers.map((id) => {
      const program = engine.isUp(id) ? engine.program(id) : undefined;
      const timers = engine.timers(id).map((t) => `${t.name} in ${formatTime(t.at - engine.now)}`);
      return { id, up: engine.isUp(id), localClock: engine.localTime(id),
        state: program === undefined || inspect === undefined ? null
          : inspect.call(prepared.instance, program),
        timers, durable: engine.disk(id).durableView(), volatile: engine.disk(id).volatileView() };
    });
    details.append(el('pre', { text: showJson(nodes, 20_000) }));
  });
  return details;
}
