/**
 * The comparison page (compare.html): runs a comparison of designs in a Web Worker and draws
 * their runs one above the other on one time axis, with the table beside them; or draws a
 * sweep's result as a chart with confidence bands. What to show comes from the address:
 * `#compare=compare/cap` (a comparison bundled from scenarios/compare/, with `&seed=N`), or
 * `#open=input/NAME` (a comparison YAML or a sweep JSON that `faultline viz FILE` offers);
 * a file can also be opened or dropped. The main visualizer (index.html) is untouched by this
 * page: it is its own entry, sharing only sim/, protocols/ and runner/.
 */
import type { FigureRow } from '../../../runner/compare/index.js';
import { drawRuns, renderTable } from './runsView.js';
import { drawSweep, parseSweep, sweepMetrics, type SweepJson } from './sweepChart.js';
import type { CompareMessage, CompareRequest, DesignView } from './worker.js';

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
root.replaceChildren(header, error, description, narrative, status, legend, side, sweepBox);

let worker: Worker | undefined;

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
  const views: DesignView[] = [];
  let names: readonly string[] = [];
  let duration = 1;
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
      duration = m.duration;
      description.textContent = m.description;
      narrative.textContent = m.narrative;
      status.textContent = `${m.name}: running ${names.length} designs…`;
      return undefined;
    }
    if (m.type === 'design') {
      views.push(m.view);
      drawRuns(svg, views, duration, width());
      status.textContent = `${views.length} of ${names.length} designs run`;
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
  if (open !== null) {
    if (!/^[\w./-]+$/.test(open) || open.includes('..') || open.startsWith('/')) {
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
