/**
 * The state inspector at the current instant. For a run in the page it replays the engine to
 * the current event and shows, per server: up, down or paused; role and term; the protocol's
 * own view of its state (`inspect`, which protocols implement: log, commit index, ...); the
 * durable and the volatile disk contents side by side; pending timers; the local clock against
 * true time. For a trace file, only what the trace says: role and term, up or down.
 */
import { covers, type Derived, roleOf } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import type { Session } from '../run/session.js';
import { el, setChildren, showJson } from './dom.js';
import { formatTime, roleColour } from './palette.js';

/** Runs up to this many events are replayed for the inspector's engine state. */
export const MAX_REPLAYED_EVENTS = 300_000;

/** Renders the inspector for the instant after record `index` (-1: before the first). */
export function renderInspector(
  host: HTMLElement, model: TraceModel, derived: Derived, index: number,
  session: Session | undefined,
): void {
  const time = index < 0 ? 0 : (model.t[index] as number);
  const head = el('div', { class: 'inspector-head',
    text: index < 0 ? 'Before the first event, at 0µs'
      : `After event #${index} (${model.kindOf(index)}) at ${formatTime(time)}` });
  // Replaying a very long run to an earlier instant would freeze the page for seconds.
  const replay = session !== undefined && model.n <= MAX_REPLAYED_EVENTS;
  const live = replay ? session.engineAt(index) : undefined;
  const cards = model.lanes.slice(0, model.servers).map((id, lane) => {
    const noted = derived.roles.find((r) => r.lane === lane && covers(r, time, model.end));
    // The node's own state, when the protocol can show it, is fresher than its last role note
    // (a follower that moves to a higher term notes no new role).
    const role = live === undefined ? noted : liveRole(live, id) ?? noted;
    const down = derived.down.some((r) => r.lane === lane && covers(r, time, model.end));
    const paused = derived.paused.some((r) => r.lane === lane && covers(r, time, model.end));
    const status = down ? 'down' : paused ? 'paused' : 'up';
    const badge = el('span', { class: 'role',
      text: role === undefined ? '—' : `${role.role} ${role.number}` });
    if (role !== undefined) badge.style.background = roleColour(role.role);
    const card = el('section', { class: `node-card ${status}`, attrs: { 'data-node': id } },
      el('h4', {}, `${id} `, el('span', { class: 'status', text: status }), ' ', badge));
    if (live !== undefined) card.append(...engineDetails(live, id, down));
    return card;
  });
  const note = session !== undefined && !replay ? el('p', { text: `This run has ${model.n} ` +
    'events, too many to replay for the inspector: roles and status come from the trace.' })
    : null;
  setChildren(host, head, note, el('div', { class: 'cards' }, ...cards));
}

function liveRole(live: ReturnType<Session['engineAt']>, id: string):
  { role: string; number: string } | undefined {
  const { engine, prepared } = live;
  const program = engine.isUp(id) ? engine.program(id) : undefined;
  const inspect = prepared.instance.inspect;
  if (program === undefined || inspect === undefined) return undefined;
  return roleOf(inspect.call(prepared.instance, program));
}

function engineDetails(
  live: ReturnType<Session['engineAt']>, id: string, down: boolean,
): HTMLElement[] {
  const { engine, prepared } = live;
  const out: HTMLElement[] = [];
  const local = engine.localTime(id);
  if (local !== engine.now) {
    out.push(el('div', { class: 'clock', text: `local clock ${formatTime(local)} ` +
      `(${local > engine.now ? '+' : ''}${formatTime(local - engine.now)} from true time)` }));
  }
  const program = engine.program(id);
  const inspect = prepared.instance.inspect;
  if (!down && engine.isUp(id) && program !== undefined && inspect !== undefined) {
    out.push(block('state', inspect.call(prepared.instance, program)));
  }
  const timers = engine.timers(id);
  out.push(el('div', { class: 'timers', text: timers.length === 0 ? 'no timers'
    : `timers: ${timers.map((t) => `${t.name} in ${formatTime(t.at - engine.now)}`)
      .join(', ')}` }));
  const disk = engine.disk(id);
  out.push(el('div', { class: 'disk' }, block('durable disk', disk.durableView()),
    block('volatile (what the node sees)', disk.volatileView())));
  return out;
}

function block(title: string, value: unknown): HTMLElement {
  return el('details', { attrs: { open: '' } }, el('summary', { text: title }),
    el('pre', { text: showJson(value, 3_000) }));
}
