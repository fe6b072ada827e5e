/// <reference types="vite/client" />
/**
 * The built-in scenarios: every YAML file under scenarios/, bundled into the app as text by
 * Vite, grouped for the chooser by protocol and then by lesson: how the protocol works (no
 * faults), how it behaves under faults, and the bugs its checkers catch (scenarios that
 * demonstrate a violation). Test fixtures are not here: the chooser is for learning.
 * Comparisons of designs (a top-level `compare:` block) are listed last, in their own group:
 * choosing one opens the comparison page (compare.html), which runs them.
 */
import { loadScenario, type LoadedScenario } from '../../../runner/index.js';
import { type AnyProtocol, protocols } from '../../../protocols/index.js';

const files = import.meta.glob('../../../scenarios/**/*.yaml',
  { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** Protocols the app can run. */
export const registry: Readonly<Record<string, AnyProtocol>> = protocols;

/** The address of the comparison page for a bundled comparison's key. */
export function comparisonHref(key: string): string {
  return `compare.html#compare=${encodeURIComponent(key)}`;
}

/** The key of the default scenario. */
export const DEFAULT_KEY = 'raft/leader-failure';

/** Protocols in the chooser's order, with the names people know them by. */
const PROTOCOL_NAMES: readonly [string, string][] = [['raft', 'Raft'],
  ['paxos-single', 'Single-decree Paxos'], ['paxos', 'Multi-Paxos'],
  ['twopc', 'Two-phase commit'], ['replication', 'Master-slave replication'],
  ['heartbeat', 'Failure detection'], ['lock', 'Locks: lease, Redis, Redlock, ZooKeeper'],
  ['balancer', 'Load balancer']];

/** The group of comparisons of designs, after every protocol's. */
export const COMPARE_GROUP = 'Compare designs (opens the comparison page)';

/** Lessons in the chooser's order. */
export const LESSONS = ['how it works', 'under faults', 'bugs it catches'] as const;
export type Lesson = (typeof LESSONS)[number];

/** One bundled scenario. */
export interface CatalogueEntry {
  /** `folder/file`, as in scenarios/ (and the address). */
  readonly key: string;
  readonly protocol: string;
  readonly lesson: Lesson;
  /** The chooser's group label: `Raft · bugs it catches`. */
  readonly group: string;
  readonly text: string;
  readonly description: string;
  /** A comparison of designs: the comparison page runs it, not this one. */
  readonly comparison: boolean;
}

/**
 * A top-level field of a scenario file read without a YAML parser: the chooser needs three
 * fields of each of a hundred files at startup, and parsing them all would hold the page for
 * a good part of a second. Scalars only: plain, double- or single-quoted, on one line or
 * folded over indented continuation lines (joined by a space), or a folded (`>`) or literal
 * (`|`) block, as YAML reads them.
 */
function field(text: string, name: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${name}:`));
  if (at < 0) return undefined;
  const head = (lines[at] as string).slice(name.length + 1).replace(/[ \t]+#.*$/, '').trim();
  const block = /^([>|])([+-]?)$/.exec(head);
  const body: string[] = [];
  for (let k = at + 1; k < lines.length; k++) {
    const line = lines[k] as string;
    if (/^[ \t]+\S/.test(line) || (block !== null && line.trim() === '')) body.push(line);
    else break;
  }
  if (block !== null) return blockScalar(body, block[1] === '>', block[2] ?? '');
  const raw = [head, ...body].map((p) => p.trim()).join(' ').replace(/[ \t]+#.*$/, '').trim();
  if (raw === '') return undefined;
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
}

/** A block scalar's lines as YAML reads them: folded joins lines of a paragraph by a space. */
function blockScalar(lines: readonly string[], folded: boolean, chomp: string): string {
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') {
    lines = lines.slice(0, -1);
  }
  const indent = Math.min(...lines.filter((l) => l.trim() !== '')
    .map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length));
  const text = lines.map((l) => l.slice(indent));
  let out = '';
  if (!folded) out = text.join('\n');
  else {
    text.forEach((l, k) => {
      const previous = text[k - 1];
      if (k === 0) out = l;
      else if (l === '') out += '\n';
      else out += previous === '' ? l : ` ${l}`;
    });
  }
  return chomp === '-' ? out : `${out}\n`;
}

/** Whether the file's `faults` list has an entry. */
function hasFaults(text: string): boolean {
  const m = /^faults:[ \t]*(.*)$/m.exec(text);
  if (m === null) return false;
  const rest = (m[1] ?? '').trim();
  if (rest.startsWith('[')) return !/^\[\s*\]/.test(rest);
  return /^faults:[^\n]*\n[ \t]*-/m.test(text);
}

function classify(key: string, text: string): CatalogueEntry {
  const description = field(text, 'description') ?? '';
  if (/^compare\s*:/m.test(text)) {
    return { key, protocol: '', lesson: 'under faults', group: COMPARE_GROUP, text,
      description, comparison: true };
  }
  const protocol = field(text, 'protocol') ?? key.split('/')[0] ?? '';
  const lesson: Lesson = /^[ \t]+violate:[ \t]*\S/m.test(text) ? 'bugs it catches'
    : hasFaults(text) ? 'under faults' : 'how it works';
  const name = PROTOCOL_NAMES.find(([p]) => p === protocol)?.[1] ?? protocol;
  return { key, protocol, lesson, group: `${name} · ${lesson}`, text, description,
    comparison: false };
}

const order = (e: CatalogueEntry): number => {
  if (e.comparison) return (PROTOCOL_NAMES.length + 1) * 10;
  const p = PROTOCOL_NAMES.findIndex(([name]) => name === e.protocol);
  return (p < 0 ? PROTOCOL_NAMES.length : p) * 10 + LESSONS.indexOf(e.lesson);
};

/** Every bundled scenario, by protocol, lesson and key. */
export const catalogue: readonly CatalogueEntry[] = Object.entries(files)
  .map(([path, text]) => classify(path.replace(/^.*\/scenarios\//, '').replace(/\.yaml$/, ''),
    text))
  .sort((a, b) => order(a) - order(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** The entry for a key, if bundled. */
export function findEntry(key: string): CatalogueEntry | undefined {
  return catalogue.find((e) => e.key === key);
}

/** The default scenario's key: the Raft leader crash, else the first scenario. */
export function defaultKey(): string {
  return findEntry(DEFAULT_KEY)?.key ?? catalogue[0]?.key ?? DEFAULT_KEY;
}

/** Loads scenario text (bundled or dropped) into a spec; throws ScenarioError. */
export function loadText(text: string, fileName: string): LoadedScenario {
  return loadScenario(text, fileName, registry);
}
