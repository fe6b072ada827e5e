/**
 * Reading `faultline fuzz` options into a share configuration: the target (a protocol, or a
 * scenario file whose faults and seed are varied), bugs checked against the protocol's
 * catalogue, `--param name=value` checked against the protocol's parameter schema, `--shard
 * i/n`, the campaign seed (a fresh one when none is given, printed so that the campaign can
 * be rerun), `--runs` or `--time`, `--nodes`, `--duration`.
 */
import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { durationOrReason } from '../protocols/durations.js';
import { parseSeed } from './execute.js';
import type { ShareConfig } from './fuzzShare.js';
import { describeIssue } from '../runner/problems.js';
import { InputError } from './io.js';
import type { Registry } from './registry.js';
import { loadAll } from './scenarioFiles.js';

/** Options of `faultline fuzz`, as commander gives them. */
export interface FuzzOptions {
  readonly runs?: string;
  readonly time?: string;
  readonly seed?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly bug?: readonly string[];
  readonly param?: readonly string[];
  readonly out?: string;
  readonly duration?: string;
  /** `--keep-going [n]`: true, or the number of distinct failures to collect. */
  readonly keepGoing?: boolean | string;
  /** False with --no-nemesis. */
  readonly nemesis?: boolean;
  readonly checkDeterminism?: boolean;
  readonly json?: boolean;
  /** False with --no-shrink. */
  readonly shrink?: boolean;
  readonly nodes?: string;
  readonly shrinkRuns?: string;
}

/** A positive integer option. */
export function positive(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError(`${what}: a positive integer, got ${text}`);
  }
  return n;
}

function micros(text: string, what: string): number {
  const value = durationOrReason(/^\d+$/.test(text) ? `${text}s` : text);
  if (typeof value === 'string') throw new InputError(`${what}: ${value}`);
  if (value === 0) throw new InputError(`${what}: a duration above 0`);
  return value;
}

function nodeRange(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const [lo, hi] = [Number(m?.[1]), Number(m?.[2] ?? m?.[1])];
  if (m === null || lo < 1 || hi < lo || hi > 100) {
    throw new InputError(
      `--nodes: a count such as 5 or a range such as 3-7 (1 to 100), got ${text}`);
  }
  return [lo, hi];
}

function target(name: string, registry: Registry): Pick<ShareConfig, 'protocol' | 'scenario'> {
  if (registry[name] !== undefined) return { protocol: name };
  if (!existsSync(name) && !/\.ya?ml$/.test(name)) {
    const names = Object.keys(registry).sort().join(', ') || 'none registered yet';
    throw new InputError(
      `fuzz: ${JSON.stringify(name)} is neither a protocol (${names}) nor a scenario file`);
  }
  const [source] = loadAll([name], registry);
  return { protocol: source?.spec.protocol ?? name,
    scenario: { text: source?.text ?? '', file: name } };
}

function shard(text: string | undefined): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '1/1');
  const [i, n] = [Number(m?.[1]), Number(m?.[2])];
  if (m === null || n < 1 || i < 1 || i > n) {
    throw new InputError(`--shard: i/n with 1 <= i <= n, such as 2/8, got ${text}`);
  }
  return [i, n];
}

/**
 * `--param name=value` options as parameters: each value is read as a YAML scalar or flow
 * collection (5, true, 20ms, [150ms, 300ms]), as a scenario file's `params` would hold it,
 * and the whole set must pass the protocol's schema.
 */
function params(texts: readonly string[], protocol: string, registry: Registry,
  bugs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const text of texts) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/s.exec(text);
    if (m === null) throw new InputError(`--param: name=value, such as snapshotEvery=5, got ${text}`);
    const [, name, value] = m as unknown as [string, string, string];
    if (name === 'bugs') throw new InputError('--param: set bugs with --bug');
    try {
      out[name] = parseYaml(value) as unknown;
    } catch {
      throw new InputError(`--param ${name}: not a value: ${value}`);
    }
  }
  const schema = registry[protocol]?.params;
  const given = { ...out, bugs: [...bugs] };
  const parsed = schema?.safeParse(given);
  if (parsed !== undefined && !parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      throw new InputError(`--param ${issue.keys.join(', ')}: not a parameter of ${protocol}`);
    }
    const where = issue?.path.length ? issue.path.join('.') : 'params';
    throw new InputError(`--param ${where}: ${issue === undefined ? 'invalid'
      : describeIssue(issue, given)}`);
  }
  return out;
}

/**
 * The distinct failures a campaign collects before it stops: 1 without `--keep-going`, 10
 * with it, or the number given (`--keep-going 25`).
 */
export function failureLimit(o: FuzzOptions): number {
  if (o.keepGoing === undefined || o.keepGoing === false) return 1;
  return o.keepGoing === true ? 10 : positive(o.keepGoing, '--keep-going', 10);
}

/** Reads the options into the configuration every runner of the campaign shares. */
export function shareConfig(name: string, o: FuzzOptions, registry: Registry): ShareConfig {
  const { protocol, scenario } = target(name, registry);
  const known = registry[protocol]?.bugs.map((b) => b.name) ?? [];
  for (const bug of o.bug ?? []) {
    if (!known.includes(bug)) {
      const list = known.join(', ') || 'it has none';
      throw new InputError(`--bug: a bug of ${protocol} (${list}), got ${bug}`);
    }
  }
  const [i, n] = shard(o.shard);
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : parseSeed(o.seed);
  if (typeof seed !== 'number') throw new InputError(`--seed: an integer, got ${o.seed}`);
  const runs = o.time === undefined ? positive(o.runs, '--runs', 100) : undefined;
  return {
    protocol, ...(scenario === undefined ? {} : { scenario }), seed, bugs: o.bug ?? [],
    params: params(o.param ?? [], protocol, registry, o.bug ?? []),
    ...(o.duration === undefined ? {} : { duration: micros(o.duration, '--duration') }),
    ...(runs === undefined ? {} : { runs }),
    ...(o.time === undefined ? {} : { deadline: Date.now() + micros(o.time, '--time') / 1000 }),
    shard: i, shards: n, checkDeterminism: o.checkDeterminism === true,
    shrinkRuns: o.shrink === false ? 0 : positive(o.shrinkRuns, '--shrink-runs', 150),
    ...(o.nodes === undefined ? {} : { nodes: nodeRange(o.nodes) }),
    nemesis: o.nemesis !== false,
  };
}
