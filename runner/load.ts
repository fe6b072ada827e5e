/**
 * The scenario loader: YAML text to a `RunSpec`, or a `ScenarioError` listing every problem
 * with `file:line:column: field: what was expected`. Nothing runs from a file with a problem.
 *
 * Steps: YAML syntax (duplicate keys are errors; aliases are bounded, so an alias bomb is a
 * clear error rather than a hang), the zod schema (schema.ts), then what the schema cannot
 * know: node ids that exist (n1..nN, c1..cK), fault times inside the run, the protocol and its
 * own parameter schema, property names. Last, the engine's own validation as a backstop,
 * mapped back to a place in the file. Browser-safe: no Node APIs (the visualizer imports it).
 */
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../sim/index.js';
import { type AnyProtocol, protocols } from '../protocols/index.js';
import { formatDuration } from '../protocols/params.js';
import { prepareRun } from './run.js';
import type { RunSpec } from './spec.js';
import { FAULT_KEYS, type ScenarioFile, scenarioSchema } from './schema.js';
import { issueProblems, Locator, parsePath, type Problem, ScenarioError, type Segment } from
  './problems.js';

/** A loaded scenario: the spec to run and the words that go with it. */
export interface LoadedScenario {
  readonly spec: RunSpec;
  readonly description: string;
  /** Markdown shown beside the timeline, for teaching scenarios. */
  readonly narrative?: string;
}

/** Aliases a file may expand; far beyond any real scenario, far below an alias bomb. */
const MAX_ALIASES = 200;

/** Loads a scenario from its YAML text; throws `ScenarioError` with every problem found. */
export function loadScenario(
  text: string,
  fileName: string,
  registry: Readonly<Record<string, AnyProtocol>> = protocols,
): LoadedScenario {
  const lines = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
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
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(issueProblems(parsed.error.issues, raw, locator));
  const file = parsed.data;
  const problems = checkMeaning(file, raw as Record<string, unknown>, registry, locator);
  if (problems.length > 0) throw new ScenarioError(problems);
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
    faults: file.faults, duration: file.duration, seed: file.seed,
    ...(file.ties === undefined ? {} : { ties: file.ties }),
    ...(file.expect === undefined ? {} : { expect: file.expect }),
  };
}

type Raw = Record<string, unknown>;

/** Everything the schema alone cannot check. */
function checkMeaning(
  file: ScenarioFile,
  raw: Raw,
  registry: Readonly<Record<string, AnyProtocol>>,
  locator: Locator,
): Problem[] {
  const problems: Problem[] = [];
  const servers = Array.from({ length: file.nodes }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: file.workload?.clients ?? 0 }, (_, i) => `c${i + 1}`);
  const ids = new Set([...servers, ...clients]);
  const idList = `${servers.length === 1 ? 'n1' : `n1..n${servers.length}`}${
    clients.length === 0 ? '' : clients.length === 1 ? ', c1' : `, c1..c${clients.length}`}`;
  const known = (path: Segment[], id: unknown, key = false): void => {
    if (typeof id === 'string' && !ids.has(id)) {
      problems.push(locator.problem(path, `${id} is not a node of this scenario (${idList})`, key));
    }
  };
  for (const id of Object.keys(file.clocks ?? {})) known(['clocks', id], id, true);
  file.network?.links?.forEach((link, i) => {
    known(['network', 'links', i, 'from'], link.from);
    known(['network', 'links', i, 'to'], link.to);
  });
  const rawFaults = (raw.faults ?? []) as Raw[];
  rawFaults.forEach((entry, i) => checkFault(entry, i, known, problems, locator));
  file.faults.forEach(({ at }, i) => {
    if (at > file.duration) {
      problems.push(locator.problem(['faults', i, 'at'], `a time within the run (duration ${
        formatDuration(file.duration)}), got ${formatDuration(at)}`));
    }
  });
  const live = file.expect?.liveness;
  if (live !== undefined) {
    const after = live.after ?? Math.max(0, ...file.faults.map((f) => f.at));
    if (after + live.settle > file.duration) {
      problems.push(locator.problem(['expect', 'liveness', 'settle'], `after + settle (${
        formatDuration(after + live.settle)}) must be within the duration (${
        formatDuration(file.duration)})`));
    }
  }
  problems.push(...checkProtocol(file, raw, registry, locator));
  return problems;
}

function checkFault(
  entry: Raw,
  i: number,
  known: (path: Segment[], id: unknown) => void,
  problems: Problem[],
  locator: Locator,
): void {
  const kind = FAULT_KEYS.find((k) => entry[k] !== undefined);
  if (kind === undefined) return;
  const value = entry[kind];
  const base: Segment[] = ['faults', i, kind];
  if (typeof value === 'string') {
    if (value !== 'all') known(base, value);
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
  file: ScenarioFile,
  raw: Raw,
  registry: Readonly<Record<string, AnyProtocol>>,
  locator: Locator,
): Problem[] {
  const protocol = registry[file.protocol];
  if (protocol === undefined) {
    const names = Object.keys(registry).sort();
    const got = JSON.stringify(file.protocol);
    return [locator.problem(['protocol'], names.length === 0
      ? `no protocol is registered, got ${got}` : `one of ${names.join(', ')}, got ${got}`)];
  }
  const problems: Problem[] = [];
  const params = protocol.params.safeParse(file.params);
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
  file.expect?.hold?.forEach((name, i) => property(['expect', 'hold', i], name));
  if (file.expect?.violate !== undefined) property(['expect', 'violate'], file.expect.violate);
  return problems;
}
