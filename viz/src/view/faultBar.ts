/**
 * Fault controls at the current instant: crash, restart, pause or resume a node; cut or heal
 * a link (one way or both); drop the message chosen on the diagram (loss 1 on its link for
 * the microsecond of its send, then the link's configured loss again: any other message sent
 * on that link in that microsecond is lost too, and the link's random stream may shift).
 * Each action adds a scheduled fault to the session, and the run
 * starts again from t = 0 with it, deterministically. Added faults are listed with a remove
 * button.
 */
import type { Fault, ScheduledFault } from '../../../sim/index.js';
import { describeFault } from '../../../sim/index.js';
import { button, el, setChildren } from './dom.js';
import { formatTime } from './palette.js';

/** What the bar needs from the app. */
export interface FaultBarHost {
  /** Servers that faults can target. */
  servers(): readonly string[];
  /** The instant a fault added now would take effect at (integer µs), or undefined. */
  instant(): number | undefined;
  added(): readonly ScheduledFault[];
  setAdded(faults: readonly ScheduledFault[]): void;
  /** The message chosen on the diagram, as faults that drop it, with a label. */
  selected(): { label: string; faults: readonly ScheduledFault[] } | undefined;
}

/** Builds the fault bar; `refresh` redraws it after a run. */
export function faultBar(host: FaultBarHost): { root: HTMLElement; refresh(): void } {
  const root = el('div', { class: 'faultbar',
    attrs: { 'aria-label': 'faults at the current instant' } });
  const nodeSel = el('select', { attrs: { id: 'fault-node', 'aria-label': 'node' } });
  const toSel = el('select', { attrs: { id: 'fault-peer', 'aria-label': 'peer' } });
  const list = el('ul', { class: 'added' });
  const add = (make: (node: string, peer: string) => Fault[]) => () => {
    const at = host.instant();
    if (at === undefined) return;
    const faults = make(nodeSel.value, toSel.value).map((fault) => ({ at, fault }));
    host.setAdded([...host.added(), ...faults]);
  };
  const controls = el('div', { class: 'row' },
    el('span', { text: 'At the current instant: ' }), nodeSel,
    button('Crash', add((node) => [{ kind: 'crash', node }]), { id: 'fault-crash' }),
    button('Restart', add((node) => [{ kind: 'restart', node }]), { id: 'fault-restart' }),
    button('Pause', add((node) => [{ kind: 'pause', node }]), { id: 'fault-pause' }),
    button('Resume', add((node) => [{ kind: 'resume', node }]), { id: 'fault-resume' }),
    el('span', { text: ' link to ' }), toSel,
    button('Cut both ways', add((a, b) => [{ kind: 'cut', from: a, to: b },
      { kind: 'cut', from: b, to: a }]), { id: 'fault-cut' }),
    button('Heal', add((a, b) => [{ kind: 'heal', from: a, to: b },
      { kind: 'heal', from: b, to: a }]), { id: 'fault-heal' }),
    button('Heal all', add(() => [{ kind: 'heal' }]), { id: 'fault-heal-all' }));
  const chosen = el('span', { class: 'chosen', attrs: { id: 'chosen-message' } });
  const dropButton = button('Drop this message', () => {
    const s = host.selected();
    if (s !== undefined) host.setAdded([...host.added(), ...s.faults]);
  }, { id: 'fault-drop' });
  const messageRow = el('div', { class: 'row' }, chosen, dropButton);
  root.append(controls, messageRow, list);
  const refresh = () => {
    const servers = host.servers();
    for (const sel of [nodeSel, toSel]) {
      const keep = sel.value;
      setChildren(sel, ...servers.map((id) => el('option', { text: id, attrs: { value: id } })));
      if (servers.includes(keep)) sel.value = keep;
    }
    if (toSel.value === nodeSel.value && servers.length > 1) toSel.value = servers[1] as string;
    const s = host.selected();
    chosen.textContent = s === undefined ? 'Click a message arrow to choose it.'
      : `Chosen message: ${s.label}. `;
    dropButton.hidden = s === undefined;
    const added = host.added();
    setChildren(list, ...added.map((f, i) => el('li', {},
      `${formatTime(f.at)}: ${describeFault(f.fault)} `,
      button('remove', () => host.setAdded(added.filter((_, j) => j !== i)),
        { 'aria-label': `remove added fault ${i + 1}` }))));
  };
  return { root, refresh };
}
