/**
 * A comparison: one scenario run against several designs. A file with a `compare:` block is a
 * scenario without `protocol` and `params`; its network, clocks, disks, workload, fault script
 * (which may aim at roles: roles.ts), failures, duration and seed are the same for every
 * design, and each design is a protocol with its parameters:
 *
 *     compare:
 *       targets:
 *         raft: { protocol: raft, params: { preVote: true } }
 *         async: { protocol: replication, params: { mode: async } }
 *       expect:
 *         - raft is linearizable
 *         - async.rpo-writes > 0
 *
 * Each design is loaded as the scenario it makes (so a bad parameter is reported at its place
 * in the file, `compare.targets.async.params.mode`), and `expect` holds relations between the
 * designs' figures (relations.ts). A new protocol joins a comparison by being registered.
 */
import { z } from 'zod';
import { ConfigError, type Micros } from '../../sim/index.js';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { type LoadedScenario, loadRaw, type Raw, readScenarioYaml } from '../load.js';
import { issueProblems, type Locator, parsePath, type Problem, ScenarioError, type Segment } from
  '../problems.js';
import type { Narrative } from '../schema.js';
import type { RunSpec } from '../spec.js';
import { parseRelation, type Relation } from './relations.js';
import { findRoleFaults, type RoleFault } from './roles.js';

/** One design of a comparison: its name and the scenario it runs (faults without roles). */
export interface Design {
  readonly name: string;
  readonly spec: RunSpec;
}

/** A loaded comparison. */
export interface Comparison {
  readonly name: string;
  readonly description: string;
  readonly narrative?: Narrative;
  readonly designs: readonly Design[];
  /** Faults of the script that name roles, resolved in each design's run. */
  readonly roleFaults: readonly RoleFault[];
  readonly expect: readonly Relation[];
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The `compare:` block. Protocols and parameters are checked as each design loads. */
export const compareSchema = z.strictObject({
  targets: z.record(z.string(), z.strictObject({
    protocol: z.string({ error: 'a protocol name from `faultline list`' })
      .describe('The protocol of this design.'),
    params: z.record(z.string(), z.unknown(), { error: "a mapping of the protocol's parameters" })
      .default({}).describe("The protocol's parameters for this design."),
  })).superRefine((targets, ctx) => {
    for (const name of Object.keys(targets).filter((n) => !NAME.test(n))) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a kebab-case design name such as ' +
        `raft or semi-sync, got ${JSON.stringify(name)}` });
    }
  }).refine((t) => Object.keys(t).length >= 2, { error: 'at least two designs to compare' })
    .describe('The designs, by name: each a protocol with its parameters.'),
  expect: z.array(z.string({ error: 'a relation, such as "raft.rto-ms < async.rto-ms"' }))
    .optional().describe('Relations between the designs\' figures that must hold, such as ' +
      '"raft is linearizable" or "raft.client-availability-min < async.client-availability-min".'),
}).describe('Compare designs: the same scenario run against each (faultline compare).');

/** Whether a scenario file's text is a comparison (it has a top-level `compare:` block). */
export function isComparisonText(text: string): boolean {
  return /^compare\s*:/m.test(text);
}

/** Loads a comparison; throws `ScenarioError` with every problem, each with its place. */
export function loadComparison(text: string, fileName: string,
  registry: Readonly<Record<string, AnyProtocol>> = protocols): Comparison {
  const { raw, locator } = readScenarioYaml(text, fileName);
  return loadComparisonRaw(raw, locator, registry);
}

/**
 * A comparison from a file's data, or, for a scenario of one protocol, a comparison of that
 * one design (named after its protocol): what a sweep varies and runs.
 */
export function loadDesigns(raw: Raw, locator: Locator,
  registry: Readonly<Record<string, AnyProtocol>> = protocols): Comparison {
  if ('compare' in raw) return loadComparisonRaw(raw, locator, registry);
  const loaded = loadRaw(raw, locator, registry);
  return { name: loaded.spec.name, description: loaded.description,
    ...(loaded.narrative === undefined ? {} : { narrative: loaded.narrative }),
    designs: [{ name: loaded.spec.protocol, spec: loaded.spec }], roleFaults: [], expect: [] };
}

/** Loads a comparison from a file's data (see `loadComparison`). */
export function loadComparisonRaw(raw: Raw, locator: Locator,
  registry: Readonly<Record<string, AnyProtocol>> = protocols): Comparison {
  const problems: Problem[] = [];
  const block = compareSchema.safeParse(raw.compare);
  if (!block.success) {
    problems.push(...issueProblems(block.error.issues, raw.compare, locator, ['compare']));
  }
  problems.push(...topLevelProblems(raw, locator));
  const nodes = typeof raw.nodes === 'number' ? raw.nodes : 0;
  let found: ReturnType<typeof findRoleFaults> = { roleFaults: [], placeholders: [] };
  try {
    found = findRoleFaults(Array.isArray(raw.faults) ? raw.faults : [], nodes);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(locator.problem(parsePath(error.path), error.expected));
  }
  if (!block.success || problems.length > 0) throw new ScenarioError(dedupe(problems));
  const names = Object.keys(block.data.targets);
  const designs: Design[] = [];
  let loaded: LoadedScenario | undefined;
  for (const [name, target] of Object.entries(block.data.targets)) {
    try {
      loaded = loadDesign(raw, name, target, found.placeholders, locator, registry);
      designs.push({ name, spec: withoutRoleFaults(loaded.spec, found.roleFaults) });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems.push(...error.problems);
    }
  }
  problems.push(...phaseProblems(found.roleFaults, designs, registry, locator));
  const expect = (block.data.expect ?? []).map((text, i) => {
    const relation = parseRelation(text, names);
    if (typeof relation === 'string') {
      problems.push(locator.problem(['compare', 'expect', i], relation));
    }
    return relation;
  });
  if (problems.length > 0 || loaded === undefined) throw new ScenarioError(dedupe(problems));
  return { name: String(raw.name), description: loaded.description,
    ...(loaded.narrative === undefined ? {} : { narrative: loaded.narrative }),
    designs, roleFaults: found.roleFaults,
    expect: expect.filter((r): r is Relation => typeof r !== 'string') };
}

/** A fault that waits for a phase needs every design's protocol to have that phase. */
function phaseProblems(roleFaults: readonly RoleFault[], designs: readonly Design[],
  registry: Readonly<Record<string, AnyProtocol>>, locator: Locator): Problem[] {
  return roleFaults.flatMap((fault) => (fault.when ?? []).flatMap((phase) => {
    const lacking = designs.find((d) =>
      !(registry[d.spec.protocol]?.fuzz?.phases.includes(phase) ?? false));
    if (lacking === undefined) return [];
    const phases = registry[lacking.spec.protocol]?.fuzz?.phases ?? [];
    return [locator.problem(['faults', fault.index, 'when'], `${JSON.stringify(phase)} is not ` +
      `a phase of ${lacking.spec.protocol} (design ${lacking.name}): ${phases.length === 0
        ? 'it declares none' : `one of ${phases.join(', ')}`}`)];
  }));
}

/** What a comparison may not say at its top level. */
function topLevelProblems(raw: Raw, locator: Locator): Problem[] {
  const problems: Problem[] = [];
  for (const key of ['protocol', 'params']) {
    if (key in raw) {
      problems.push(locator.problem([key], 'a comparison names its protocols and parameters ' +
        'in compare.targets', true));
    }
  }
  const expect = raw.expect;
  if (expect !== null && typeof expect === 'object' && !Array.isArray(expect)) {
    for (const key of Object.keys(expect).filter((k) => k !== 'liveness')) {
      problems.push(locator.problem(['expect', key], 'a comparison states what it expects as ' +
        'relations in compare.expect (only expect.liveness applies to every design)', true));
    }
  }
  return problems;
}

/** Loads one design as the scenario it makes, its problems placed in the comparison file. */
function loadDesign(raw: Raw, name: string, target: { protocol: string; params: unknown },
  faults: readonly unknown[], locator: Locator, registry: Readonly<Record<string, AnyProtocol>>):
  LoadedScenario {
  const { compare: _compare, ...base } = raw;
  const scenario: Raw = { ...base, name: `${String(raw.name)}-${name}`, protocol: target.protocol,
    params: target.params, ...(Array.isArray(raw.faults) ? { faults: faults } : {}) };
  const place = (path: readonly Segment[]): readonly Segment[] =>
    path[0] === 'protocol' || path[0] === 'params'
      ? ['compare', 'targets', name, ...path] : path[0] === 'name' ? ['name'] : path;
  return loadRaw(scenario, locator.within(place), registry);
}

/**
 * A design's spec without the faults aimed at roles (its run strikes them). A liveness phase
 * that starts at the last fault keeps starting there, role faults included.
 */
function withoutRoleFaults(spec: RunSpec, roleFaults: readonly RoleFault[]): RunSpec {
  const roles = new Set(roleFaults.map((f) => f.index));
  const live = spec.expect?.liveness;
  const expect = live === undefined || live.after !== undefined ? spec.expect
    : { ...spec.expect, liveness: { ...live, after: Math.max(0, ...spec.faults.map((f) => f.at)) } };
  return { ...spec, faults: spec.faults.filter((_, i) => !roles.has(i)),
    ...(expect === undefined ? {} : { expect }) };
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The latest time a role of the script is resolved at, for the runner. */
export function lastRoleTime(c: Pick<Comparison, 'roleFaults'>): Micros {
  return Math.max(0, ...c.roleFaults.map((f) => f.at));
}

/** The fields every design of a comparison must share, for `conditionsDiffer`. */
const CONDITIONS = ['nodes', 'network', 'clocks', 'disk', 'workload', 'faults', 'failures',
  'duration', 'seed', 'ties'] as const;

/**
 * Which of the conditions (network, workload, fault script, …) differ between designs: a
 * comparison file shares them by construction; scenario files named together may not.
 */
export function conditionsDiffer(designs: readonly Design[]): string[] {
  const first = designs[0]?.spec;
  if (first === undefined) return [];
  return CONDITIONS.filter((key) => designs.some((d) =>
    JSON.stringify(d.spec[key]) !== JSON.stringify(first[key])));
}
