/**
 * The comparison page (compare.html): runs a comparison of designs in a Web Worker and draws
 * their runs one above the other on one time axis, with the table beside them; or draws a
 * sweep's result as a chart with confidence bands. What to show comes from the address:
 * `#compare=compare/cap` (a comparison bundled from scenarios/compare/, with `&seed=N`), or
 * `#open=input/NAME` (a comparison YAML or a sweep JSON that `faultline viz FILE` offers);
 * a file can also be opened or dropped. A stepped narrative is told a step at a time, as on
 * the single-run page: Next (N) and Previous (P) move a cursor to the step's instant across
 * every design, frame the events it tells of and mark each claim in its design's run, where
 * the worker checked it (`&step=N` in the address opens a step). The main visualizer
 * (index.html) is untouched by this page: it is its own entry, sharing only sim/, protocols/,
 * runner/ and the story panel.
 */
import type { FigureRow } from '../../../runner/compare/index.js';
import type { ComparisonStep, DesignClaim, ResolvedComparison } from '../model/narrative.js';
import { servable } from '../run/urlState.js';
import { StoryPanel } from '../view/storyPanel.js';
import { drawRuns, type Focus, renderTable } from './runsView.js';
import { drawSweep, parseSweep, sweepMetrics, type SweepJson } from './sweepChart.js';
import type { CompareMessage, CompareRequest, DesignView } from './compareRun.js';

const bundled = import.meta.glob('../../../scenarios/compare/*.yaml',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const comparisons = Object.entries(bundled).map(([path, text]) => ({
  key: path.replace(/^.*\/scenarios\//, '').replace(/\.yaml$/, ''), text,
})).sort((a, b) => a.key.localeCompare(b.key));

/** An element with text only (strings from files are never parsed as markup). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {},
  text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const root = document.getElementById('compare-app') as HTMLElement;
const pick = el('select', { id: 'pick', 'aria-label': 'comparison' });
for (const c of comparisons) pick.append(el('option', { value: c.key }, c.key));
const seed = el('input', { id: 'seed', size: '8', placeholder: 'seed', 'aria-label': 'seed' });
const file = el('input', { id: 'file', type: 'file', accept: '.yaml,.yml,.json' });
const error = el('p', { id: 'error', hidden: '' });
const description = el('p', { class: 'description' });
const narrative = el('div', { class: 'narrative' });
const status = el('p', { id: 'status' });
const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
svg.id = 'runs';
const runsBox = el('div', { class: 'runs' });
runsBox.append(svg);
const table = el('div', { id: 'table' });
const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
chart.id = 'chart';
const metric = el('select', { id: 'metric', 'aria-label': 'figure' });
const sweepBox = el('section', { id: 'sweep', hidden: '' });
const label = el('label', {}, 'figure ');
label.append(metric);
sweepBox.append(label, el('br'), chart);
const legend = el('ul', { class: 'legend' });
const LEGEND: readonly (readonly [string, string])[] = [['down', 'down (crashed)'],
  ['paused', 'paused'], ['cut', 'cut off from the majority'], ['lead', 'leads'],
  ['outage', 'outage'], ['clients', 'clients: share answered, red to green']];
for (const [cls, text] of LEGEND) {
  const colour: Record<string, string> = { down: 'rgba(90,90,90,.45)', paused: 'rgba(80,120,220,.35)',
    cut: 'rgba(230,120,40,.4)', lead: '#f2b705', outage: 'rgba(220,30,30,.25)',
    clients: 'linear-gradient(90deg,#d73027,#1a9850)' };
  const li = el('li');
  const swatch = el('span', { class: 'swatch' });
  swatch.style.background = colour[cls] ?? '#999';
  li.append(swatch, text);
  legend.append(li);
}
const header = el('header');
const home = el('a', { href: './' }, 'single runs');
header.append(el('h1', {}, 'Faultline: compare designs'), pick, seed, file, home);
const side = el('div', { class: 'side-by-side' });
side.append(runsBox, table);
const whole = el('button', { id: 'whole', type: 'button', hidden: '',
  title: 'show the whole run (W)' }, 'Whole run');
root.replaceChildren(header, error, description, narrative, status, legend, whole, side,
  sweepBox);

let worker: Worker | undefined;

/** What is drawn: the designs run so far, on the time axis of the longest. */
const shown: { views: DesignView[]; duration: number; focus: Focus | undefined;
  story: ResolvedComparison } = { views: [], duration: 1, focus: undefined,
  story: { intro: '', steps: [], problems: [] } };
/** The step to open once the story is ready (from the address). */
let wantedStep: number | undefined;

function redraw(): void {
  drawRuns(svg, shown.views, shown.duration, width(), shown.focus);
  whole.hidden = shown.focus === undefined;
}

/** A stretch of the run around `times`, at least a fortieth of it wide, with a margin. */
function around(times: readonly number[]): { from: number; to: number } {
  let from = Math.min(...times);
  let to = Math.max(...times);
  const least = shown.duration / 40;
  if (to - from < least) {
    const mid = (from + to) / 2;
    from = mid - least / 2;
    to = mid + least / 2;
  }
  const margin = (to - from) * 0.08;
  return { from: Math.max(0, from - margin), to: Math.min(shown.duration, to + margin) };
}

function marksOf(claims: readonly DesignClaim[]): Focus['marks'] {
  return claims.flatMap((c) => c.design === undefined || c.time === undefined ? []
    : [{ design: c.design, lane: c.lane, time: c.time, label: c.phrase }]);
}

const story = new StoryPanel({
  step: (s) => {
    const step = shown.story.steps[s.number - 1] as ComparisonStep;
    const times = [step.time, ...step.claims.flatMap((c) => c.time === undefined ? [] : [c.time])];
    shown.focus = { ...around(times), cursor: step.time, marks: marksOf(step.claims) };
    redraw();
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    params.set('step', String(s.number));
    history.replaceState(null, '', `#${params.toString()}`);
  },
  claim: (c) => {
    const claim = c as DesignClaim;
    if (claim.time === undefined) return;
    shown.focus = { ...around([claim.time]), cursor: claim.time, marks: marksOf([claim]) };
    redraw();
  },
});
whole.onclick = () => {
  shown.focus = undefined;
  redraw();
};
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (e.ctrlKey || e.metaKey || e.altKey || target?.closest('input, select, textarea') != null) {
    return;
  }
  if (e.key === 'n' || e.key === 'N') story.next();
  else if (e.key === 'p' || e.key === 'P') story.previous();
  else if ((e.key === 'w' || e.key === 'W') && shown.focus !== undefined) whole.click();
});

function fail(message: string): void {
  error.hidden = false;
  error.textContent = message;
  document.body.setAttribute('data-ready', '1');
}

/** Runs a comparison in the worker, drawing each design as it arrives. */
function runComparison(text: string, fileName: string, seedText: string): void {
  worker?.terminate();
  error.hidden = true;
  sweepBox.hidden = true;
  side.hidden = false;
  legend.hidden = false;
  document.body.removeAttribute('data-ready');
  shown.views = [];
  shown.focus = undefined;
  shown.story = { intro: '', steps: [], problems: [] };
  story.setNarrative(shown.story);
  let names: readonly string[] = [];
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker = w;
  const request: CompareRequest = { text, fileName,
    ...(seedText.trim() === '' ? {} : { seed: /^-?\d{1,15}$/.test(seedText.trim())
      ? Number(seedText.trim()) : seedText.trim() }) };
  w.onerror = (e) => fail(`the comparison worker failed: ${e.message}`);
  w.onmessage = (e: MessageEvent<CompareMessage>) => {
    const m = e.data;
    if (m.type === 'error') return fail(m.message);
    if (m.type === 'loaded') {
      names = m.designs;
      shown.duration = m.duration;
      description.textContent = m.description;
      narrative.textContent = m.narrative;
      status.textContent = `${m.name}: running ${names.length} designs…`;
      return undefined;
    }
    if (m.type === 'design') {
      shown.views.push(m.view);
      redraw();
      status.textContent = `${shown.views.length} of ${names.length} designs run`;
      return undefined;
    }
    done(names, m.rows, m);
    w.terminate();
    return undefined;
  };
  w.postMessage(request);
}

function done(names: readonly string[], rows: readonly FigureRow[],
  m: Extract<CompareMessage, { type: 'done' }>): void {
  renderTable(table, names, rows, m.relations);
  const held = m.relations.filter((r) => r.holds).length;
  status.textContent = `${m.passed ? 'PASSED' : 'FAILED'}: ${names.length} designs, ` +
    `${held} of ${m.relations.length} relations hold`;
  status.dataset.passed = String(m.passed);
  if (m.story.steps.length > 0) {
    // The story replaces the narrative's text: the same words, a step at a time.
    shown.story = m.story;
    narrative.replaceChildren(story.root);
    story.setNarrative(m.story);
    const wanted = wantedStep;
    wantedStep = undefined;
    if (wanted !== undefined) story.go(wanted - 1);
  }
  document.body.setAttribute('data-ready', '1');
}

function width(): number {
  return Math.max(480, Math.min(1000, window.innerWidth - 600));
}

/** Shows a sweep file as a chart. */
function showSweep(sweep: SweepJson): void {
  worker?.terminate();
  error.hidden = true;
  side.hidden = true;
  legend.hidden = true;
  whole.hidden = true;
  sweepBox.hidden = false;
  description.textContent = `sweep of ${sweep.scenario}: ${sweep.rows.length} cells`;
  narrative.textContent = sweep.axes.map((a) => `${a.path}: ${a.values.map(String).join(', ')}`)
    .join('\n');
  const metrics = sweepMetrics(sweep);
  metric.replaceChildren(...metrics.map((name) => el('option', { value: name }, name)));
  const preferred = ['client-availability', 'quorum-availability', 'detection-time-ms']
    .find((name) => metrics.includes(name)) ?? metrics[0] ?? '';
  metric.value = preferred;
  const draw = () => drawSweep(chart, sweep, metric.value);
  metric.onchange = draw;
  draw();
  status.textContent = 'mean with its 95% confidence interval as a band; dashed: the formula';
  document.body.setAttribute('data-ready', '1');
}

/** Opens a file's text: a sweep JSON or a comparison YAML. */
function openText(name: string, text: string): void {
  try {
    if (text.trimStart().startsWith('{')) showSweep(parseSweep(text));
    else runComparison(text, name, seed.value);
  } catch (e) {
    fail((e as Error).message);
  }
}

function fromAddress(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const open = params.get('open');
  seed.value = params.get('seed') ?? '';
  const step = Number(params.get('step') ?? '');
  wantedStep = Number.isSafeInteger(step) && step > 0 ? step : undefined;
  if (open !== null) {
    if (!servable(open)) {
      return fail(`refusing to open ${JSON.stringify(open)}: only files the server offers`);
    }
    void fetch(open).then(async (r) => {
      if (!r.ok) throw new Error(`could not fetch ${open}: HTTP ${r.status}`);
      openText(open.split('/').pop() ?? open, await r.text());
    }).catch((e: unknown) => fail((e as Error).message));
    return undefined;
  }
  const key = params.get('compare') ?? comparisons[0]?.key;
  const entry = comparisons.find((c) => c.key === key);
  if (entry === undefined) return fail(`no bundled comparison ${JSON.stringify(key)}`);
  pick.value = entry.key;
  runComparison(entry.text, `scenarios/${entry.key}.yaml`, seed.value);
  return undefined;
}

pick.onchange = () => { location.hash = `compare=${pick.value}`; };
seed.onchange = () => {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  params.set('seed', seed.value);
  location.hash = params.toString();
};
file.onchange = async () => {
  const chosen = file.files?.[0];
  if (chosen !== undefined) openText(chosen.name, await chosen.text());
};
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  const dropped = e.dataTransfer?.files[0];
  if (dropped !== undefined) void dropped.text().then((t) => openText(dropped.name, t));
});
window.addEventListener('hashchange', fromAddress);
fromAddress();
