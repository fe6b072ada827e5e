/**
 * The page's frame, laid out for a 1280×720 screen: a header (the scenario chooser grouped by
 * protocol and lesson, seed, open a file, share and download, the verdict), the playback bar,
 * then the diagram on the left with its tools and legend under it, and on the right, beside
 * it, the story, the violation with its evidence, the cluster, the levels and each node's
 * state. Below: the fault controls, the scenario's description, metrics and the keyboard
 * shortcuts. Scenario and trace text is shown as text, never parsed as HTML.
 */
import type { LoadedScenario, RunReport } from '../../../runner/index.js';
import type { Seed } from '../../../sim/index.js';
import type { Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import { type CatalogueEntry, comparisonHref, LESSONS } from '../run/catalogue.js';
import { button, el, setChildren } from './dom.js';
import { shortcutList } from './keyboard.js';
import { formatTime } from './palette.js';

/** What the shell's controls ask the app to do. */
export interface ShellActions {
  choose(key: string): void;
  reseed(seed: string): void;
  openFile(file: File): void;
  goToViolation(): void;
  zoom(factor: number): void;
  pan(fraction: number): void;
  resetView(): void;
  share(): void;
  downloadYaml(): void;
  downloadTrace(): void;
  fork(): void;
  unfork(): void;
  goToDivergence(): void;
  openDefault(): void;
}

/** Handles to the parts of the page the app updates. */
export interface Shell {
  readonly select: HTMLSelectElement;
  readonly diagram: HTMLElement;
  readonly diagramB: HTMLElement;
  readonly inspector: HTMLElement;
  readonly cluster: HTMLElement;
  readonly metrics: HTMLElement;
  readonly legend: HTMLElement;
  readonly story: HTMLElement;
  readonly violation: HTMLElement;
  readonly levels: HTMLElement;
  readonly compare: HTMLElement;
  readonly about: HTMLElement;
  describe(loaded: LoadedScenario | undefined, seed: Seed | undefined, source: string): void;
  status(model: TraceModel, derived: Derived, report: RunReport | undefined, label: string,
    hash?: string): void;
  progress(fraction: number | undefined, events?: number): void;
  error(text: string, offerDefault?: boolean): void;
  clearError(): void;
  announce(text: string): void;
  enableRunControls(on: boolean): void;
  /** Shows what the fork comparison found (undefined: no fork). */
  forkInfo(text: string | undefined, canJump: boolean): void;
  toggleHelp(): void;
}

/** Builds the page inside `root`. */
export function shell(root: HTMLElement, entries: readonly CatalogueEntry[], act: ShellActions,
  player: HTMLElement, faults: HTMLElement): Shell {
  const select = scenarioSelect(entries, act);
  const seed = el('input', { attrs: { id: 'seed', type: 'text', size: '7', 'aria-label': 'seed' } });
  seed.addEventListener('change', () => act.reseed(seed.value));
  const file = el('input', { attrs: { type: 'file', id: 'file', accept: '.yaml,.yml,.jsonl,.json',
    'aria-label': 'open a scenario or trace file' } });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f !== undefined) act.openFile(f);
    file.value = '';
  });
  const progress = el('progress', { attrs: { id: 'progress', max: '1' } });
  const progressText = el('span', { class: 'progress-text', attrs: { id: 'progress-text' } });
  progress.hidden = true;
  const verdict = el('span', { class: 'verdict', attrs: { id: 'verdict' } });
  const { runOnly, share } = menu(act);
  const help = el('div', { class: 'help', attrs: { id: 'help' } },
    el('h3', { text: 'Keyboard shortcuts (anywhere on the page)' }), shortcutList('help-keys'));
  help.hidden = true;
  const top = el('header', {}, el('h1', { text: 'Faultline' }),
    el('label', {}, 'Scenario ', select), el('label', {}, 'Seed ', seed),
    el('label', { class: 'open' }, 'Open ', file), share, ...runOnly,
    button('?', () => { help.hidden = !help.hidden; }, { id: 'help-button',
      title: 'keyboard shortcuts (?)', 'aria-label': 'keyboard shortcuts' }),
    progress, progressText, verdict);
  const statusLine = el('div', { class: 'status', attrs: { id: 'status', role: 'status' } });
  const errorText = el('pre', { attrs: { id: 'error-text' } });
  const fallback = button('Open the default scenario', act.openDefault, { id: 'error-default' });
  const errorBox = el('div', { class: 'error', attrs: { id: 'error', role: 'alert' } },
    errorText, fallback);
  errorBox.hidden = true;
  const note = el('div', { class: 'note', attrs: { id: 'note', 'aria-live': 'polite' } });
  const { tools, gotoViolation } = toolbar(act);
  const fork = forkBar(act);
  const part = (cls: string, id: string) => el('div', { class: cls, attrs: { id } });
  const diagram = part('diagram', 'diagram');
  const diagramB = part('diagram second', 'diagram-b');
  diagramB.hidden = true;
  const legendHost = part('legend-host', 'legend-host');
  const about = part('about', 'about');
  const metrics = part('metrics', 'metrics');
  const story = part('story-host', 'story-host');
  const violation = el('section', { class: 'violation-panel', attrs: { id: 'violation' } });
  violation.hidden = true;
  const cluster = part('cluster-view', 'cluster');
  const levels = part('levels', 'levels');
  const compare = el('section', { class: 'compare-host', attrs: { id: 'compare' } });
  compare.hidden = true;
  const inspector = part('inspector', 'inspector');
  const left = el('section', { class: 'left' }, tools, fork.root, note, diagram, diagramB,
    legendHost, faults, about, el('h3', { text: 'Metrics' }), metrics,
    el('h3', { text: 'Keyboard shortcuts' }), shortcutList('shortcuts'));
  const right = el('aside', { class: 'right', attrs: { 'aria-label': 'state and story' } },
    story, violation, compare, el('h3', { text: 'Cluster' }), cluster, levels,
    el('h3', { text: 'State at the current instant' }), inspector);
  setChildren(root, top, help, errorBox, statusLine, player,
    el('div', { class: 'workspace' }, left, right));
  dropAnywhere(root, act);
  return {
    select, diagram, diagramB, inspector, cluster, metrics, legend: legendHost, story, violation,
    levels, compare, about,
    describe: (loaded, s, source) => {
      seed.value = s === undefined ? '' : String(s);
      seed.disabled = loaded === undefined;
      const steps = typeof loaded?.narrative === 'object';
      setChildren(about, el('h3', { text: 'About this run' }),
        el('p', { class: 'source', text: source }),
        loaded === undefined ? null : el('p', { class: 'description', text: loaded.description }),
        loaded?.narrative === undefined ? null : el('p', { class: 'hint', text: steps
          ? 'Its story is told step by step on the right.' : 'Its story is on the right.' }));
    },
    status: (model, derived, report, label, hash) => {
      gotoViolation.disabled = derived.violation < 0;
      setStatus(statusLine, verdict, model, derived, report, label, hash);
    },
    progress: (f, events) => {
      progress.hidden = f === undefined;
      progressText.hidden = f === undefined;
      if (f !== undefined) progress.value = f;
      progressText.textContent = f === undefined ? '' : `running… ${Math.round(f * 100)}%` +
        `${events === undefined ? '' : `, ${events} events`}`;
    },
    error: (text, offerDefault = false) => {
      errorText.textContent = text;
      fallback.hidden = !offerDefault;
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
    toggleHelp: () => {
      help.hidden = !help.hidden;
    },
  };
}

function menu(act: ShellActions): { runOnly: HTMLButtonElement[]; share: HTMLButtonElement } {
  const share = button('Copy link', act.share, { id: 'share',
    title: 'copy the address: it reproduces this run' });
  const runOnly = [
    button('⬇ Scenario', act.downloadYaml, { id: 'download-yaml',
      title: 'the scenario file, added faults included (faultline run replays it)' }),
    button('⬇ Trace', act.downloadTrace, { id: 'download-trace',
      title: 'the trace as JSON Lines, with its scenario (faultline replay checks its hash)' })];
  return { runOnly, share };
}

function toolbar(act: ShellActions): { tools: HTMLElement; gotoViolation: HTMLButtonElement } {
  const gotoViolation = button('⚠ Go to violation', act.goToViolation,
    { id: 'goto-violation', title: 'V' });
  const tools = el('div', { class: 'tools' }, gotoViolation,
    button('Zoom in', () => act.zoom(2), { id: 'zoom-in', title: '+' }),
    button('Zoom out', () => act.zoom(0.5), { id: 'zoom-out', title: '−' }),
    button('◀ Pan', () => act.pan(-0.25), { id: 'pan-left' }),
    button('Pan ▶', () => act.pan(0.25), { id: 'pan-right' }),
    button('Whole run', act.resetView, { id: 'zoom-reset', title: '0' }),
    button('Keep to compare', act.fork, { id: 'fork',
      title: 'keep this run; change the seed, a fault or the scenario, and compare' }));
  return { tools, gotoViolation };
}

function forkBar(act: ShellActions): { root: HTMLElement;
  show(text: string | undefined, canJump: boolean): void } {
  const text = el('span', { attrs: { id: 'fork-info' } });
  const jump = button('Go to divergence', act.goToDivergence, { id: 'goto-divergence',
    title: 'D' });
  const root = el('div', { class: 'fork' }, text, ' ', jump,
    button('Stop comparing', act.unfork, { id: 'unfork' }));
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
    el('option', { text: '(a file)', attrs: { value: '', disabled: '' } }),
    ...[...groups].map(([group, list]) => el('optgroup', { attrs: { label: group,
      'data-lesson': list[0]?.lesson ?? LESSONS[0] } },
    ...list.map((e) => el('option', { text: e.key.slice(e.key.indexOf('/') + 1),
      title: e.description, attrs: { value: e.key,
        ...(e.comparison ? { 'data-href': comparisonHref(e.key) } : {}) } })))));
  select.addEventListener('change', () => {
    const href = select.selectedOptions[0]?.dataset.href;
    if (href !== undefined) window.location.assign(href);
    else if (select.value !== '') act.choose(select.value);
  });
  return select;
}

function setStatus(host: HTMLElement, verdictChip: HTMLElement, model: TraceModel,
  derived: Derived, report: RunReport | undefined, label: string,
  fileHash: string | undefined): void {
  const hash = report?.result.hash ?? fileHash ?? '';
  host.dataset.hash = hash;
  host.dataset.events = String(model.n);
  host.dataset.violation = derived.violationName;
  const expected = report?.passed === true && report.violation !== undefined;
  const verdict = report === undefined ? '' : expected ? 'passed: the expected violation happened'
    : report.passed ? 'passed' : 'failed';
  verdictChip.textContent = verdict;
  verdictChip.className = `verdict ${report === undefined ? '' : report.passed ? 'passed' : 'failed'}`;
  setChildren(host,
    el('span', { text: `${label}: ${model.n} events over ${formatTime(model.end)}, ` +
      `seed ${model.info.seed}` }),
    hash === '' ? null : el('span', { class: 'hash', text: ` · trace hash ${hash}` }),
    derived.violation < 0 ? null : el('span', { class: 'violation-text',
      text: ` · violation: ${derived.violationName}` }),
    ...(report?.failures ?? []).filter(() => !expected).map((f) =>
      el('div', { class: 'failure', text: f.split('\n')[0] ?? f })));
}

function dropAnywhere(root: HTMLElement, act: ShellActions): void {
  root.addEventListener('dragover', (e) => e.preventDefault());
  root.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) act.openFile(f);
  });
}
