/**
 * The page's address carries what reproduces what is shown, in the hash:
 * - a bundled scenario by key, `#scenario=raft/leader-failure&seed=42&faults=[...]`;
 * - a scenario from a file (dropped, chosen or served) by its text, compressed:
 *   `#src=<deflate-raw, base64url>&name=mine.yaml&seed=7&faults=[...]`;
 * - a file the `faultline viz` server offers, `#open=input/run.jsonl`;
 * - the run kept for comparison, `&fork=<the same fields, as JSON>`;
 * - the narrative step shown, `&step=3`.
 * So a shared link opens the same run, with the same trace hash, faults added in the page
 * included. A malformed link is an Error whose message says which field and what is wrong.
 */
import type { Fault, ScheduledFault } from '../../../sim/index.js';

/** Where a run's scenario comes from. */
export interface RunRef {
  readonly scenario?: string;
  /** The scenario's text, for a scenario that is not bundled. */
  readonly text?: string;
  readonly name?: string;
  readonly seed?: string;
  readonly faults: readonly ScheduledFault[];
}

/** What the hash holds. */
export interface UrlState extends RunRef {
  readonly open?: string;
  readonly fork?: RunRef;
  readonly step?: number;
}

/** Links longer than this are refused (a scenario is a few kilobytes). */
const MAX_LINK = 200_000;

/** Reads the hash; throws an Error with a readable message when it is malformed. */
export async function readHash(hash: string): Promise<UrlState> {
  if (hash.length > MAX_LINK) throw new Error('the link is too long to be one of ours');
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const known = new Set(['scenario', 'src', 'name', 'seed', 'faults', 'open', 'fork', 'step']);
  for (const key of params.keys()) {
    if (!known.has(key)) {
      throw new Error(`the link has an unknown field "${key}" (known: ${[...known].join(', ')})`);
    }
  }
  const ref = await readRef((k) => params.get(k) ?? undefined, '');
  const open = params.get('open') ?? undefined;
  const forkText = params.get('fork');
  const stepText = params.get('step');
  let fork: RunRef | undefined;
  if (forkText !== null) {
    const parsed = parseJson(forkText, 'fork') as Record<string, unknown> | null;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the link\'s "fork" must be an object like {"scenario": ..., "seed": ...}');
    }
    fork = await readRef((k) => {
      const v = k === 'faults' ? JSON.stringify(parsed.faults ?? []) : parsed[k];
      return v === undefined ? undefined : String(v);
    }, 'fork.');
  }
  if (stepText !== null && !/^\d{1,3}$/.test(stepText)) {
    throw new Error(`the link's "step" must be a step number, got ${JSON.stringify(stepText)}`);
  }
  return { ...ref, ...(open === undefined ? {} : { open }), ...(fork === undefined ? {} : { fork }),
    ...(stepText === null ? {} : { step: Number(stepText) }) };
}

async function readRef(get: (key: string) => string | undefined, prefix: string): Promise<RunRef> {
  const scenario = get('scenario');
  const src = get('src');
  if (scenario !== undefined && src !== undefined) {
    throw new Error(`the link gives both "${prefix}scenario" and "${prefix}src": give one`);
  }
  if (scenario !== undefined && !/^[\w-]+\/[\w.-]+$/.test(scenario)) {
    throw new Error(`the link's "${prefix}scenario" must be a key like raft/leader-failure, ` +
      `got ${JSON.stringify(scenario.slice(0, 80))}`);
  }
  const seed = get('seed');
  if (seed !== undefined && (seed === '' || seed.length > 100)) {
    throw new Error(`the link's "${prefix}seed" must be a number or a short string`);
  }
  const faultsText = get('faults');
  const faults = faultsText === undefined || faultsText === '' ? []
    : checkFaults(parseJson(faultsText, `${prefix}faults`), prefix);
  const text = src === undefined ? undefined : await decodeText(src, `${prefix}src`);
  const name = get('name');
  return { faults, ...(scenario === undefined ? {} : { scenario }),
    ...(text === undefined ? {} : { text, name: name ?? 'scenario.yaml' }),
    ...(seed === undefined ? {} : { seed }) };
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`the link's "${field}" is not valid JSON`);
  }
}

function checkFaults(value: unknown, prefix: string): ScheduledFault[] {
  if (!Array.isArray(value) || value.length > 1_000) {
    throw new Error(`the link's "${prefix}faults" must be a list of at most 1000 {at, fault}`);
  }
  return value.map((entry: unknown, i) => {
    const e = entry as { at?: unknown; fault?: { kind?: unknown } } | null;
    if (typeof e?.at !== 'number' || !Number.isInteger(e.at) || e.at < 0 ||
      typeof e.fault?.kind !== 'string') {
      throw new Error(`the link's ${prefix}fault ${i + 1} is not {at: integer µs, fault: {kind, ...}}`);
    }
    return { at: e.at, fault: e.fault as Fault };
  });
}

/** Writes the hash for a state. */
export async function writeHash(state: UrlState): Promise<string> {
  const params = new URLSearchParams();
  if (state.open !== undefined) params.set('open', state.open);
  await writeRef(params, state);
  if (state.fork !== undefined) {
    const fork = new URLSearchParams();
    await writeRef(fork, state.fork);
    params.set('fork', JSON.stringify({ ...Object.fromEntries(fork),
      ...(state.fork.faults.length > 0 ? { faults: state.fork.faults } : {}) }));
  }
  if (state.step !== undefined) params.set('step', String(state.step));
  return `#${params.toString()}`;
}

async function writeRef(params: URLSearchParams, ref: RunRef): Promise<void> {
  if (ref.scenario !== undefined) params.set('scenario', ref.scenario);
  if (ref.text !== undefined) {
    params.set('src', await encodeText(ref.text));
    params.set('name', ref.name ?? 'scenario.yaml');
  }
  if (ref.seed !== undefined) params.set('seed', ref.seed);
  if (ref.faults.length > 0) params.set('faults', JSON.stringify(ref.faults));
}

/** Text compressed (deflate-raw) as base64url. */
export async function encodeText(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The inverse of `encodeText`; a damaged value is an Error naming the field. */
export async function decodeText(value: string, field: string): Promise<string> {
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return await new Response(stream).text();
  } catch {
    throw new Error(`the link's "${field}" is damaged: it does not decompress to a scenario`);
  }
}

/** Whether a link may open `path`: a plain relative path the server could offer. */
export function servable(path: string): boolean {
  return /^[\w./-]+$/.test(path) && !path.includes('..') && !path.startsWith('/');
}

/** Whether `path` names a trace (JSON Lines) rather than a scenario. */
export function isTracePath(path: string): boolean {
  return /\.jsonl?$/.test(path.split('/').pop() ?? path);
}

/** The served trace an address opens (`#open=input/run.jsonl`), if it opens one. */
export function servedTrace(hash: string): string | undefined {
  const path = new URLSearchParams(hash.replace(/^#/, '')).get('open') ?? undefined;
  return path !== undefined && servable(path) && isTracePath(path) ? path : undefined;
}
