/**
 * The page's frame: the scenario chooser (grouped by protocol), seed, file opening (button or
 * drop anywhere), the scenario's description and narrative, the status line, the error box,
 * the view toolbar, and the places where the diagram, the fault bar and the inspector go.
 * Narratives are shown as plain text (pre-wrapped), never parsed as HTML.
 */
import type { LoadedScenario, RunReport } from '../../../runner/index.js';
import type { Seed } from '../../../sim/index.js';
import type { Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import type { CatalogueEntry } from '../run/catalogue.js';
import { button, el, setChildren } from './dom.js';
import { formatTime } from './palette.js';

/** What the shell's controls ask the app to do. */
export interface ShellActions {
  choose(key: string): void;
  reseed(seed: string): void;
  openFile(name: string, bytes: Uint8Array): void;
  goToViolation(): void;
  zoom(factor: number): void;
  pan(fraction: number): void;
  resetView(): void;
  downloadYaml(): void;
  downloadTrace(): void;
  fork(): void;
  unfork(): void;
  goToDivergence(): void;
}

/** Handles to the parts of the page the app updates. */
export interface Shell {
  readonly select: HTMLSelectElement;
  readonly diagram: HTMLElement;
  readonly inspector: HTMLElement;
  readonly cluster: HTMLElement;
  readonly metrics: HTMLElement;
  describe(loaded: LoadedScenario | undefined, seed: Seed | undefined): void;
  status(model: TraceModel, derived: Derived, report: RunReport | undefined, label: string,
    hash?: string): void;
  progress(fraction: number | undefined, events?: number): void;
  error(text: string): void;
  clearError(): void;
  announce(text: string): void;
  enableRunControls(on: boolean): void;
  /** Shows what the fork comparison found (undefined: no fork). */
  forkInfo(text: string | undefined, canJump: boolean): void;
}

/** Builds the page inside `root`. */
export function shell(root: HTMLElement, entries: readonly CatalogueEntry[], act: ShellActions,
  player: HTMLElement, faults: HTMLElement): Shell {
  const select = scenarioSelect(entries, act);
  const seed = el('input',
    { attrs: { id: 'seed', type: 'text', size: '8', 'aria-label': 'seed' } });
  seed.addEventListener('change', () => act.reseed(seed.value));
  const file = el('input',
    { attrs: { type: 'file', id: 'file', accept: '.yaml,.yml,.jsonl,.json' } });
  file.addEventListener('change', () => void readFile(file.files?.[0], act));
  const progress = el('progress', { attrs: { id: 'progress', max: '1' } });
  const progressText = el('span', { class: 'progress-text', attrs: { id: 'progress-text' } });
  progress.hidden = true;
  const top = el('header', {}, el('h1', { text: 'Faultline' }),
    el('label', {}, 'Scenario ', select), el('label', {}, ' Seed ', seed),
    el('label', { class: 'open' }, ' Open a scenario or trace ', file),
    progress, progressText);
  const about = el('div', { class: 'about', attrs: { id: 'about' } });
  const statusLine = el('div', { class: 'status', attrs: { id: 'status', role: 'status' } });
  const errorBox = el('pre', { class: 'error', attrs: { id: 'error', role: 'alert' } });
  errorBox.hidden = true;
  const note = el('div', { class: 'note', attrs: { id: 'note', 'aria-live': 'polite' } });
  const { tools, runOnly, gotoViolation } = toolbar(act);
  const fork = forkBar(act);
  const diagram = el('div', { class: 'diagram', attrs: { id: 'diagram' } });
  const inspector = el('div', { class: 'inspector', attrs: { id: 'inspector' } });
  const cluster = el('div', { class: 'cluster-view', attrs: { id: 'cluster' } });
  const metrics = el('div', { class: 'metrics', attrs: { id: 'metrics' } });
  const views = el('div', { class: 'views' },
    el('section', {}, el('h3', { text: 'Cluster' }), cluster),
    el('section', {}, el('h3', { text: 'Metrics' }), metrics));
  setChildren(root, top, about, statusLine, errorBox, player, tools, fork.root, note, diagram,
    faults, legend(), views, el('h3', { text: 'State at the current instant' }), inspector);
  dropAnywhere(root, act);
  return {
    select, diagram, inspector, cluster, metrics,
    describe: (loaded, s) => {
      seed.value = s === undefined ? '' : String(s);
      seed.disabled = loaded === undefined;
      setChildren(about,
        loaded === undefined ? null : el('p', { class: 'description', text: loaded.description }),
        loaded?.narrative === undefined ? null
          : el('div', { class: 'narrative', text: typeof loaded.narrative === 'string'
            ? loaded.narrative : loaded.narrative.intro ?? '' }));
    },
    status: (model, derived, report, label, hash) => {
      gotoViolation.disabled = derived.violation < 0;
      setStatus(statusLine, model, derived, report, label, hash);
    },
    progress: (f, events) => {
      progress.hidden = f === undefined;
      progressText.hidden = f === undefined;
      if (f !== undefined) progress.value = f;
      progressText.textContent = f === undefined ? '' : `running… ${Math.round(f * 100)}%` +
        `${events === undefined ? '' : `, ${events} events`}`;
    },
    error: (text) => {
      errorBox.textContent = text;
      errorBox.hidden = false;
    },
    clearError: () => {
      errorBox.hidden = true;
    },
    announce: (text) => (note.textContent = text),
    forkInfo: fork.show,
    enableRunControls: (on) => {
      for (const b of runOnly) b.disabled = !on;
      faults.hidden = !on;
    },
  };
}

function toolbar(act: ShellActions): { tools: HTMLElement; runOnly: HTMLButtonElement[];
  gotoViolation: HTMLButtonElement } {
  const runOnly = [button('Download scenario YAML', act.downloadYaml, { id: 'download-yaml' }),
    button('Download trace', act.downloadTrace, { id: 'download-trace' }),
    button('Fork here', act.fork, { id: 'fork', title: 'keep this run to compare the next with' })];
  const gotoViolation = button('⚠ Go to violation', act.goToViolation, { id: 'goto-violation' });
  const tools = el('div', { class: 'tools' }, gotoViolation,
    button('Zoom in', () => act.zoom(2), { id: 'zoom-in' }),
    button('Zoom out', () => act.zoom(0.5), { id: 'zoom-out' }),
    button('◀ Pan', () => act.pan(-0.25), { id: 'pan-left' }),
    button('Pan ▶', () => act.pan(0.25), { id: 'pan-right' }),
    button('Whole run', act.resetView, { id: 'zoom-reset' }), ...runOnly);
  return { tools, runOnly, gotoViolation };
}

function forkBar(act: ShellActions): { root: HTMLElement;
  show(text: string | undefined, canJump: boolean): void } {
  const text = el('span', { attrs: { id: 'fork-info' } });
  const jump = button('Go to divergence', act.goToDivergence, { id: 'goto-divergence' });
  const root = el('div', { class: 'fork' }, text, ' ', jump,
    button('Forget the fork', act.unfork, { id: 'unfork' }));
  root.hidden = true;
  return { root, show: (t, canJump) => {
    root.hidden = t === undefined;
    text.textContent = t ?? '';
    jump.hidden = !canJump;
  } };
}

function scenarioSelect(entries: readonly CatalogueEntry[], act: ShellActions): HTMLSelectElement {
  const groups = new Map<string, CatalogueEntry[]>();
  for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  const select = el('select', { attrs: { id: 'scenario', 'aria-label': 'scenario' } },
    ...[...groups].map(([group, list]) => el('optgroup', { attrs: { label: group } },
      ...list.map((e) => el('option', { text: e.key.slice(group.length + 1),
        title: e.description, attrs: { value: e.key } })))));
  select.addEventListener('change', () => act.choose(select.value));
  return select;
}

function setStatus(host: HTMLElement, model: TraceModel, derived: Derived,
  report: RunReport | undefined, label: string, fileHash: string | undefined): void {
  const hash = report?.result.hash ?? fileHash ?? '';
  host.dataset.hash = hash;
  host.dataset.events = String(model.n);
  host.dataset.violation = derived.violationName;
  const expected = report?.passed === true && report.violation !== undefined;
  const verdict = report === undefined ? '' : expected ? 'passed: the expected violation happened'
    : report.passed ? 'passed' : 'failed';
  const violation = report?.violation ?? (derived.violation >= 0
    ? { name: derived.violationName, explanation: '' } : undefined);
  setChildren(host,
    el('span', { text: `${label}: ${model.n} events over ${formatTime(model.end)}, ` +
      `seed ${model.info.seed}` }),
    hash === '' ? null : el('span', { class: 'hash', text: ` · trace hash ${hash}` }),
    verdict === '' ? null : el('span', {
      class: `verdict ${report?.passed === true ? 'passed' : 'failed'}`,
      text: ` · ${verdict}` }),
    violation === undefined ? null : violationText(violation.name, violation.explanation),
    ...(report?.failures ?? []).map((f) => folded('failure', f)));
}

/** The violation: its first line always shown, the rest (a long explanation) folded. */
function violationText(name: string, explanation: string): HTMLElement {
  const text = `Violation: ${name}${explanation === '' ? '' : ` — ${explanation}`}`;
  return folded('violation-text', text);
}

/** Text whose first line is shown and whose further lines fold under it. */
function folded(cls: string, text: string): HTMLElement {
  const [head = '', ...rest] = text.split('\n');
  if (rest.length === 0) return el('div', { class: cls, text: head });
  return el('details', { class: cls }, el('summary', { text: head }),
    el('pre', { text: rest.join('\n') }));
}

async function readFile(file: File | undefined, act: ShellActions): Promise<void> {
  if (file === undefined) return;
  act.openFile(file.name, new Uint8Array(await file.arrayBuffer()));
}

function dropAnywhere(root: HTMLElement, act: ShellActions): void {
  root.addEventListener('dragover', (e) => e.preventDefault());
  root.addEventListener('drop', (e) => {
    e.preventDefault();
    void readFile(e.dataTransfer?.files[0], act);
  });
}

function legend(): HTMLElement {
  const items: [string, string][] = [['arrow', 'message: send → delivery (hover for its body)'],
    ['drop', 'dropped message (✕, with its cause on hover)'], ['down', 'crashed'],
    ['paused', 'paused'], ['cut', 'cut off by a partition'], ['role', 'role and term'],
    ['op', 'client operation: green ok, red fail, yellow unknown'],
    ['violation', 'violation: click the red marker to jump and see its causal past']];
  return el('ul', { class: 'legend' }, ...items.map(([cls, text]) =>
    el('li', {}, el('span', { class: `swatch ${cls}` }), text)));
}
