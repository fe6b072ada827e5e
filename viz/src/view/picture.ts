/**
 * Draws a protocol's picture of its state (protocols/view.ts) as HTML: a card per node with
 * its headline, rows of boxes (a log coloured by term, slots, records; hollow while not yet
 * committed or chosen, struck through when lost), meters (an election timer counting down, a
 * suspicion level against its threshold) and short fields. Text goes in with textContent.
 */
import type { Cell, ClusterPicture, NodePicture, Part } from '../../../protocols/view.js';
import { el } from './dom.js';
import { numberColour, TONE_COLOURS, toneColour } from './palette.js';

function cellColour(cell: Cell): string {
  return cell.hue !== undefined ? numberColour(cell.hue) : toneColour(cell.tone ?? 'follow');
}

function cellElement(cell: Cell): HTMLElement {
  const node = el('span', { class: `cell${cell.mark === undefined ? '' : ` ${cell.mark}`}`,
    text: cell.text, ...(cell.title === undefined ? {} : { title: cell.title }) });
  const colour = cellColour(cell);
  if (cell.mark === 'open' || cell.mark === 'refused') {
    node.style.borderColor = colour;
    node.style.color = colour;
  } else {
    node.style.background = cell.mark === 'lost' ? TONE_COLOURS.bad : colour;
    node.style.borderColor = cell.mark === 'chosen' ? '#111827' : colour;
  }
  return node;
}

function partElement(part: Part): HTMLElement {
  switch (part.kind) {
    case 'cells':
      return el('div', { class: 'part cells' },
        el('div', { class: 'part-label', text: part.label }),
        el('div', { class: 'row' },
          part.skipped !== undefined && part.skipped > 0
            ? el('span', { class: 'skipped', text: `…${part.skipped}`,
              title: `${part.skipped} earlier not shown` }) : null,
          ...part.cells.map(cellElement)),
        part.caption === undefined ? null : el('div', { class: 'caption', text: part.caption }));
    case 'meter': {
      const bar = el('span', { class: 'meter-fill' });
      bar.style.width = `${Math.round(Math.max(0, Math.min(1, part.fraction)) * 100)}%`;
      bar.style.background = toneColour(part.tone ?? 'info');
      return el('div', { class: 'part meter' }, el('span', { class: 'part-label', text: part.label }),
        el('span', { class: 'meter-track', attrs: { role: 'meter',
          'aria-valuenow': String(part.fraction), 'aria-label': part.label } }, bar),
        el('span', { class: 'meter-text', text: part.text }));
    }
    case 'fields':
      return el('dl', { class: 'part fields' }, ...part.items.flatMap((item) => {
        const value = el('dd', { text: item.value });
        if (item.tone !== undefined) value.style.color = toneColour(item.tone);
        return [el('dt', { text: item.label }), value];
      }));
    default:
      return el('div');
  }
}

/** A node's card: headline, then its parts. */
export function nodeCard(picture: NodePicture, status: 'up' | 'down' | 'paused'): HTMLElement {
  const badge = el('span', { class: 'headline', text: picture.headline });
  badge.style.color = toneColour(picture.tone ?? 'follow');
  return el('section', { class: `node-card ${status}`, attrs: { 'data-node': picture.id } },
    el('h4', {}, `${picture.id} `, status === 'up' ? null
      : el('span', { class: 'status', text: status }), ' ', badge),
    ...picture.parts.map(partElement));
}

/** The cluster's shared parts (what belongs to no one server). */
export function sharedCards(picture: ClusterPicture): HTMLElement[] {
  return (picture.shared ?? []).map((s) => el('section', { class: 'node-card shared' },
    el('h4', { text: s.title }), ...s.parts.map(partElement)));
}
