/**
 * The built-in scenarios: every YAML file under scenarios/, bundled into the app as text by
 * Vite, grouped by protocol folder. The default is the lead's teaching scenario
 * `raft/leader-failure` (a leader crash) when it exists. A fixture scenario on the test protocol `toykv` is
 * always there too, so the app has something to run before any protocol is registered.
 */
import { parse } from 'yaml';
import { loadScenario, type LoadedScenario } from '../../../runner/index.js';
import { type AnyProtocol, protocols } from '../../../protocols/index.js';
import { toyKv } from '../../../test/support/toyKv.js';

const files = import.meta.glob('../../../scenarios/**/*.yaml',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Protocols the app can run: the registry plus the fixture protocol. */
export const registry: Readonly<Record<string, AnyProtocol>> = { ...protocols, toykv: toyKv };

/** The key of the default scenario (checked in order). */
export const DEFAULT_KEYS = ['raft/leader-failure'];

const FIXTURE = `name: toykv-crash
description: Three independent key-value servers (a test fixture); n1 crashes and restarts.
narrative: |
  Not a real protocol: each server keeps its own map, so clients that switch servers see
  stale reads. It is here so the visualizer has something to show before protocols land.
protocol: toykv
nodes: 3
workload: { clients: 2, rate: 40/s, keys: 2, mix: { get: 1, put: 1 }, timeout: 30ms, attempts: 2 }
faults:
  - { at: 300ms, crash: n1 }
  - { at: 600ms, restart: n1 }
duration: 1s
seed: 7
expect: { hold: [served-something] }
`;

const FIXTURE_BUG = `name: toykv-forget-writes
description: One key-value server with the bug switch forget-writes; a read shows a lost put.
narrative: |
  The server drops every third put yet answers ok. The client history is not linearizable:
  a later get does not return the value a completed put wrote. (A test fixture.)
protocol: toykv
params: { bugs: [forget-writes] }
nodes: 1
workload: { clients: 2, rate: 40/s, keys: 1, mix: { get: 1, put: 1 }, timeout: 30ms, attempts: 1 }
duration: 500ms
seed: 3
expect: { violate: linearizable }
`;

/** One bundled scenario: its key (`protocol-folder/file`), text and headline fields. */
export interface CatalogueEntry {
  readonly key: string;
  readonly group: string;
  readonly text: string;
  readonly description: string;
}

function headline(text: string): string {
  try {
    const doc = parse(text) as { description?: unknown } | null;
    return typeof doc?.description === 'string' ? doc.description : '';
  } catch {
    return '';
  }
}

/** Every bundled scenario, sorted by key. */
export const catalogue: readonly CatalogueEntry[] = [
  ...Object.entries(files).map(([path, text]) => {
    const key = path.replace(/^.*\/scenarios\//, '').replace(/\.yaml$/, '');
    return { key, group: key.split('/')[0] ?? '', text, description: headline(text) };
  }),
  { key: 'fixture/toykv-crash', group: 'fixture', text: FIXTURE, description: headline(FIXTURE) },
  { key: 'fixture/toykv-forget-writes', group: 'fixture', text: FIXTURE_BUG,
    description: headline(FIXTURE_BUG) },
].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** The entry for a key, if bundled. */
export function findEntry(key: string): CatalogueEntry | undefined {
  return catalogue.find((e) => e.key === key);
}

/**
 * The default scenario's key: the lead's Raft scenario, else the first Raft one, else the
 * first of any real protocol, else the fixture.
 */
export function defaultKey(): string {
  const first = (catalogue[0] as CatalogueEntry).key;
  return DEFAULT_KEYS.find((k) => findEntry(k) !== undefined)
    ?? catalogue.find((e) => e.group === 'raft')?.key
    ?? catalogue.find((e) => e.group !== 'fixture')?.key ?? first;
}

/** Loads scenario text (bundled or dropped) into a spec; throws ScenarioError. */
export function loadText(text: string, fileName: string): LoadedScenario {
  return loadScenario(text, fileName, registry);
}
