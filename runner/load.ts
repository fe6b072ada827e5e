/**
 * The scenario loader: YAML text to a `RunSpec`, or a `ScenarioError` listing every problem
 * with `file:line:column: field: what was expected`. Nothing runs from a file with a problem.
 *
 * Steps: YAML syntax (duplicate keys are errors; merge keys `<<` work; aliases are bounded, so
 * an alias bomb is a clear error rather than a hang), the zod schema (schema.ts), then what the
 * schema cannot know: node ids that exist (n1..nN, c1..cK), fault times inside the run, a
 * schedule that means something (no crash of a client, no cut from a node to itself, no
 * resume without a pause), the protocol (by own key) and its own parameter schema, property
 * names. Last, the engine's own validation as a backstop,
 * mapped back to a place in the file. Browser-safe: no Node APIs (the visualizer imports it).
 */
import { LineCounter, parseDocument } from 'yaml';
import { ADMIN_OPS, ConfigError } from '../sim/index.js';
import { type AnyProtocol, protocolNamed, protocols } from '../protocols/index.js';
import { durationOrReason, formatDuration } from '../protocols/durations.js';
import { prepareRun } from './run.js';
import type { RunSpec } from './spec.js';
import type { FailureProcess } from './failures.js';
import { FAULT_KEYS, MAX_CLIENTS, MAX_NODES, type Narrative, type ScenarioFile,
  scenarioSchema } from './schema.js';
import { issueProblems, Locator, parsePath, type Problem, ScenarioError, type Segment } from
  './problems.js';

/** A loaded scenario: the spec to run and the words that go with it. */
export interface LoadedScenario {
  readonly spec: RunSpec;
  readonly description: string;
  /** Shown beside the timeline, for teaching scenarios: prose or steps. */
  readonly narrative?: Narrative;
}

/** Aliases a file may expand; far beyond any real scenario, far below an alias bomb. */
const MAX_ALIASES = 200;

/** Loads a scenario from its YAML text; throws `ScenarioError` with every problem found. */
export function loadScenario(
  text: string,
  fileName: string,
  registry: Readonly<Record<string, AnyProtocol>> = protocols,
): LoadedScenario {
  const { raw, locator } = readScenarioYaml(text, fileName);
  if ('compare' in raw) {
    throw new ScenarioError([locator.problem(['compare'], 'this file compares designs: run it ' +
      'with `faultline compare` (a scenario of one protocol has no compare block)', true)]);
  }
  return loadRaw(raw, locator, registry);
}

/** A scenario file's YAML read into plain data, with a locator for its problems. */
export function readScenarioYaml(text: string, fileName: string): { raw: Raw; locator: Locator } {
  const lines = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false,
      merge: true });
  } catch (error) {
    throw new ScenarioError([new Locator(fileName, undefined, lines).at(0,
      `not readable as YAML: ${(error as Error).message}`)]);
  }
  const locator = new Locator(fileName, doc, lines);
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((e) => locator.at(e.pos[0], yamlMessage(e, text))));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new ScenarioError([locator.at(0, `cannot expand the file: ${(error as Error).message}`)]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError([locator.problem([],
      'a scenario is a mapping of fields: name, protocol, nodes, duration, seed, …')]);
  }
  return { raw: raw as Raw, locator };
}

/**
 * Loads a scenario from plain data read from a file, its problems placed by `locator` (a
 * comparison loads each of its designs this way, from the one file).
 */
export function loadRaw(raw: Raw, locator: Locator,
  registry: Readonly<Record<string, AnyProtocol>> = protocols): LoadedScenario {
  const parsed = scenarioSchema.safeParse(raw);
  const meaning = checkMeaning(raw, registry, locator);
  if (!parsed.success) {
    const found = issueProblems(parsed.error.issues, raw, locator);
    const paths = new Set(found.map((p) => p.path));
    throw new ScenarioError([...found, ...meaning.filter((p) => !paths.has(p.path))]);
  }
  const file = parsed.data;
  if (meaning.length > 0) throw new ScenarioError(meaning);
  const spec = toSpec(file);
  try {
    prepareRun(spec, { trace: 'off' }, registry);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ScenarioError([locator.problem(parsePath(error.path), error.expected)]);
  }
  return { spec, description: file.description,
    ...(file.narrative === undefined ? {} : { narrative: file.narrative }) };
}

interface YamlError { code: string; message: string; pos: [number, number] }

function yamlMessage(error: YamlError, text: string): string {
  if (error.code === 'DUPLICATE_KEY') {
    const key = text.slice(error.pos[0]).split(/[:\n]/)[0]?.trim() ?? '';
    return `duplicate key${key === '' ? '' : ` ${JSON.stringify(key)}`}: each field at most once`;
  }
  if (error.message.includes('call stack')) return 'nested too deeply to read';
  const first = error.message.split('\n')[0] ?? error.message;
  return `YAML syntax: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

/** Builds the `RunSpec` of a parsed file (engine units already). */
function toSpec(file: ScenarioFile): RunSpec {
  const clocks = file.clocks === undefined ? undefined : Object.fromEntries(
    Object.entries(file.clocks).map(([id, c]) => [id, {
      ...(c.offset === undefined ? {} : { offset: c.offset }),
      ...(c.drift === undefined ? {} : { driftPpm: c.drift }) }]));
  return {
    name: file.name, protocol: file.protocol, params: file.params, nodes: file.nodes,
    ...(file.network === undefined ? {} : { network: file.network }),
    ...(clocks === undefined ? {} : { clocks }),
    ...(file.disk === undefined ? {} : { disk: file.disk }),
    ...(file.workload === undefined ? {} : { workload: file.workload }),
    faults: file.faults,
    ...(file.failures === undefined ? {} : { failures: ([] as FailureProcess[])
      .concat(file.failures) }),
    duration: file.duration, seed: file.seed,
    ...(file.ties === undefined ? {} : { ties: file.ties }),
    ...(file.limits === undefined || Object.keys(file.limits).length === 0 ? {}
      : { limits: file.limits }),
    ...(file.expect === undefined ? {} : { expect: file.expect }),
  };
}

/** A scenario file's contents as plain data. */
export type Raw = Record<string, unknown>;

const record = (value: unknown): Raw =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Raw : {};
const list = (value: unknown): unknown[] => Array.isArray(value) ? value : [];
const count = (value: unknown, max: number): number | undefined =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max
    ? value as number : undefined;
const micros = (value: unknown): number | undefined => {
  const parsed = durationOrReason(value);
  return typeof parsed === 'number' ? parsed : undefined;
};

/**
 * Everything the schema alone cannot check. It reads the raw data, so that it also runs when
 * the schema found problems elsewhere: one round of fixes for a file, not one per step.
 */
function checkMeaning(raw: Raw, registry: Readonly<Record<string, AnyProtocol>>,
  locator: Locator): Problem[] {
  const problems: Problem[] = [];
  const nodes = count(raw.nodes, MAX_NODES);
  if (nodes !== undefined && nodes > 0) checkNodeIds(raw, nodes, problems, locator);
  checkTimes(raw, problems, locator);
  checkSchedule(raw, problems, locator, clientCrashes(raw, registry));
  problems.push(...checkProtocol(raw, registry, locator));
  return problems;
}

/**
 * Faults that only a server suffers (a client process has no disk and no recovery), and the
 * operator's requests, which concern servers.
 */
const SERVER_FAULTS = new Set<string>(['crash', 'restart', 'disk', ...ADMIN_OPS]);

/** Whether the scenario's protocol lets its clients crash and restart (`clientCrashes`). */
function clientCrashes(raw: Raw, registry: Readonly<Record<string, AnyProtocol>>): boolean {
  return typeof raw.protocol === 'string' &&
    protocolNamed(registry, raw.protocol)?.clientCrashes === true;
}

/**
 * Faults that would be accepted and do nothing, or something no one meant: a crash, restart
 * or disk fault on a client process (a crash and a restart are allowed for the clients of a
 * protocol that declares `clientCrashes`); a cut or heal of the link from a node to itself (there
 * is none); a resume of a node that no earlier fault paused. (A `link` change from a node to
 * itself is let be: it changes nothing, and saved fuzz schedules hold some.)
 */
function checkSchedule(raw: Raw, problems: Problem[], locator: Locator,
  crashableClients: boolean): void {
  const entries = list(raw.faults).map((entry, i) => ({ entry: record(entry), i,
    at: micros(record(entry).at) ?? 0 })).sort((a, b) => a.at - b.at || a.i - b.i);
  const paused = new Set<string>();
  for (const { entry, i } of entries) {
    const kind = FAULT_KEYS.find((k) => entry[k] !== undefined);
    if (kind === undefined) continue;
    const value = entry[kind];
    const node = typeof value === 'string' ? value : record(value).node;
    const clientFault = SERVER_FAULTS.has(kind) && !(crashableClients && kind !== 'disk');
    if (clientFault && typeof node === 'string' && node.startsWith('c')) {
      const path: Segment[] = ['faults', i, kind, ...(typeof value === 'string' ? [] : ['node'])];
      const admin = (ADMIN_OPS as readonly string[]).includes(kind);
      problems.push(locator.problem(path, `${node} is a client: ${kind} takes a server (n1, n2, ` +
        `…)${admin ? '' : '; a client can be paused, its clock changed and its links cut'}`));
    }
    const { from, to } = record(value);
    if ((kind === 'cut' || kind === 'heal') && typeof from === 'string' && from === to) {
      problems.push(locator.problem(['faults', i, kind, 'to'],
        `a link joins two nodes, got ${from} to itself`));
    }
    if (kind === 'pause' && typeof value === 'string') paused.add(value);
    if (kind === 'resume' && typeof value === 'string' && !paused.has(value)) {
      problems.push(locator.problem(['faults', i, kind],
        `${value} is not paused: no pause of ${value} comes before this resume`));
    }
  }
}

function checkNodeIds(raw: Raw, nodes: number, problems: Problem[], locator: Locator): void {
  const clients = count(record(raw.workload).clients, MAX_CLIENTS) ?? 0;
  const ids = new Set([...Array.from({ length: nodes }, (_, i) => `n${i + 1}`),
    ...Array.from({ length: clients }, (_, i) => `c${i + 1}`)]);
  const serverList = nodes === 1 ? 'n1' : `n1..n${nodes}`;
  const idList = `${serverList}${
    clients === 0 ? '' : clients === 1 ? ', c1' : `, c1..c${clients}`}`;
  const known = (path: Segment[], id: unknown, key = false, servers = false): void => {
    if (typeof id === 'string' && !ids.has(id)) {
      problems.push(locator.problem(path, servers
        ? `${id} is not a server of this scenario (${serverList})`
        : `${id} is not a node of this scenario (${idList})`, key));
    }
  };
  for (const id of Object.keys(record(raw.clocks))) known(['clocks', id], id, true);
  list(record(raw.network).links).forEach((link, i) => {
    known(['network', 'links', i, 'from'], record(link).from);
    known(['network', 'links', i, 'to'], record(link).to);
  });
  list(raw.faults).forEach((entry, i) => checkFault(record(entry), i, known, problems, locator));
}

function checkTimes(raw: Raw, problems: Problem[], locator: Locator): void {
  const duration = micros(raw.duration);
  if (duration === undefined) return;
  const ats = list(raw.faults).map((entry) => micros(record(entry).at));
  ats.forEach((at, i) => {
    if (at !== undefined && at > duration) {
      problems.push(locator.problem(['faults', i, 'at'], `a time within the run (duration ${
        formatDuration(duration)}), got ${formatDuration(at)}`));
    }
  });
  list(record(raw.narrative).steps).forEach((step, i) => {
    const at = micros(record(step).at);
    if (at !== undefined && at > duration) {
      problems.push(locator.problem(['narrative', 'steps', i, 'at'], `a time within the run ` +
        `(duration ${formatDuration(duration)}), got ${formatDuration(at)}`));
    }
  });
  const live = record(record(raw.expect).liveness);
  const settle = micros(live.settle);
  const after = live.after === undefined
    ? Math.max(0, ...ats.map((at) => at ?? 0)) : micros(live.after);
  if (settle !== undefined && after !== undefined && after + settle > duration) {
    problems.push(locator.problem(['expect', 'liveness', 'settle'], `after + settle (${
      formatDuration(after + settle)}) must be within the duration (${
      formatDuration(duration)})`));
  }
}

function checkFault(
  entry: Raw,
  i: number,
  known: (path: Segment[], id: unknown, key?: boolean, servers?: boolean) => void,
  problems: Problem[],
  locator: Locator,
): void {
  const kind = FAULT_KEYS.find((k) => entry[k] !== undefined);
  if (kind === undefined) return;
  const value = entry[kind];
  const base: Segment[] = ['faults', i, kind];
  if (typeof value === 'string') {
    // An operator's request names a server: clients are not in the list it offers.
    if (value !== 'all') known(base, value, false, (ADMIN_OPS as readonly string[]).includes(kind));
  } else if (Array.isArray(value)) {
    const seen = new Set<string>();
    value.forEach((item, j) => {
      const items: unknown[] = Array.isArray(item) ? item : [item];
      items.forEach((id, k) => {
        const path = Array.isArray(item) ? [...base, j, k] : [...base, j];
        known(path, id);
        if (kind === 'partition' && seen.has(id as string)) {
          problems.push(locator.problem(path, `${String(id)} is in two groups`));
        }
        seen.add(id as string);
      });
    });
  } else if (value !== null && typeof value === 'object') {
    for (const field of ['from', 'to', 'node'] as const) {
      known([...base, field], (value as Raw)[field]);
    }
  }
}

function checkProtocol(
  raw: Raw,
  registry: Readonly<Record<string, AnyProtocol>>,
  locator: Locator,
): Problem[] {
  if (typeof raw.protocol !== 'string') return [];
  const protocol = protocolNamed(registry, raw.protocol);
  if (protocol === undefined) {
    const names = Object.keys(registry).sort();
    const got = JSON.stringify(raw.protocol);
    return [locator.problem(['protocol'], names.length === 0
      ? `no protocol is registered, got ${got}` : `one of ${names.join(', ')}, got ${got}`)];
  }
  const problems: Problem[] = [];
  const params = protocol.params.safeParse(raw.params ?? {});
  if (!params.success) {
    problems.push(...issueProblems(params.error.issues, raw.params, locator, ['params']));
  }
  const names = new Set(protocol.propertyNames);
  const known = [...names].sort().join(', ');
  const property = (path: Segment[], name: string): void => {
    if (!names.has(name)) {
      problems.push(locator.problem(path, `a property of ${protocol.name} (${known}), got ${
        JSON.stringify(name)}`));
    }
  };
  const expect = record(raw.expect);
  list(expect.hold).forEach((name, i) => {
    if (typeof name === 'string') property(['expect', 'hold', i], name);
  });
  if (typeof expect.violate === 'string') property(['expect', 'violate'], expect.violate);
  return problems;
}
