/**
 * DOM helpers that only ever set text: every string from a trace or scenario file goes in
 * through textContent (or a text node), never innerHTML, so a file cannot inject markup.
 */

type Child = Node | string | null | undefined | false;

/** Creates an element with optional class, text, attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class !== undefined) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** Replaces an element's children. */
export function setChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string =>
    c !== null && c !== undefined && c !== false));
}

/** A button with a click handler. */
export function button(label: string, onClick: () => void, attrs: Record<string, string> = {}):
  HTMLButtonElement {
  const b = el('button', { text: label, attrs: { type: 'button', ...attrs } });
  b.addEventListener('click', onClick);
  return b;
}

/** JSON for display, bounded so a huge payload cannot freeze the page. */
export function showJson(value: unknown, limit = 4_000): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 1) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
