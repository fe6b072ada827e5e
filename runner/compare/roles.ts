/**
 * Faults aimed at roles rather than names. One fault script serves every design of a
 * comparison, but "the leader" is n1 in one design and n4 in another, so where a fault names a
 * node a comparison may name a role, resolved in each run at the instant it strikes:
 * - `leader`: the server holding the protocol's leader role (a Raft or Multi-Paxos leader, a
 *   replication master, a 2PC coordinator: its `ClusterView`), or, when nobody holds it, the
 *   first running server;
 * - `follower`, `follower2`, …: the first, second, … running server that is not the leader,
 *   in id order;
 * - `others`, in a partition group: every server no other group of the fault names;
 * - a role with `@TIME` is resolved at that time instead (`restart: leader@8s` restarts the
 *   server that led at 8 s, which a crash at 8 s took down).
 * A role is resolved with the run as it stood just before the instant (every event before it
 * has run). A fault may also wait for a protocol phase (`when: blocked`, see `RoleFault`). The resolved fault is an ordinary fault on named nodes, struck with
 * `Engine.strike` so that it orders as if it had been in the schedule (after the scheduled
 * faults of its instant); a design's run saved with its struck faults replays without roles.
 */
import { ConfigError, type Micros, type NodeId, type ScheduledFault } from '../../sim/index.js';
import type { ClusterView } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import { durationOrReason } from '../../protocols/durations.js';
import { FAULT_KEYS, faultSchema } from '../schema.js';

/** A role word with an optional time: `leader`, `follower2`, `others`, `leader@8s`. */
const ROLE = /^(leader|follower(\d*)|others)(?:@(.+))?$/;

/** One role a fault names. */
export interface RoleRef {
  /** As written: `leader@8s`. */
  readonly word: string;
  readonly role: 'leader' | 'follower' | 'others';
  /** For a follower: 1 for `follower`, k for `followerK`. */
  readonly rank: number;
  /** When it is resolved (the fault's time unless `@TIME`). */
  readonly at: Micros;
  /** Whether `@TIME` gave the time (else it goes with its fault, which may wait for a phase). */
  readonly pinned: boolean;
}

/**
 * A fault of the script that names roles, or waits for protocol phases: resolved in each
 * run. With `when`, it strikes at the first instant from `at` on at which the protocol is in
 * every phase it lists (phases of its `ClusterView`: 2PC's `prepare` and `blocked`, votes
 * awaited while a participant is prepared), its roles resolved then; the run's saved scenario
 * holds the time it struck.
 */
export interface RoleFault {
  /** Its place in the file's fault list. */
  readonly index: number;
  readonly at: Micros;
  /** The phases it waits for (all at once), if any. */
  readonly when?: readonly string[];
  /** The entry as the file writes it (`{ at: 2s, crash: leader }`). */
  readonly entry: Readonly<Record<string, unknown>>;
  readonly refs: readonly RoleRef[];
}

type Raw = Record<string, unknown>;

/** Every string inside a fault entry's value where a node id may stand, with its path. */
function nodeStrings(value: unknown, path: (string | number)[] = []):
{ path: (string | number)[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => nodeStrings(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return ['from', 'to', 'node'].flatMap((k) => nodeStrings((value as Raw)[k], [...path, k]));
  }
  return [];
}

/** The fault kind key of an entry, if it has exactly one. */
function kindOf(entry: Raw): string | undefined {
  const kinds = FAULT_KEYS.filter((k) => entry[k] !== undefined);
  return kinds.length === 1 ? kinds[0] : undefined;
}

/** Reads a role word; `at` is the fault's time. Throws ConfigError for a bad `@TIME`. */
export function parseRole(word: string, at: Micros, path: string): RoleRef | undefined {
  const m = ROLE.exec(word);
  if (m === null) return undefined;
  const name = m[1] as string;
  const role = name === 'leader' ? 'leader' : name === 'others' ? 'others' : 'follower';
  let when = at;
  if (m[3] !== undefined) {
    const parsed = durationOrReason(m[3]);
    if (typeof parsed === 'string') throw new ConfigError(path, `${word}: after @, ${parsed}`);
    if (parsed > at) {
      throw new ConfigError(path, `${word}: a role is resolved at or before its fault (${at} µs)`);
    }
    when = parsed;
  }
  if (role === 'others' && m[3] !== undefined) {
    throw new ConfigError(path, 'others takes no @TIME: it is every server not named elsewhere');
  }
  if (when <= 0) throw new ConfigError(path, `${word}: a role is resolved after time 0`);
  return { word, role, rank: role === 'follower' ? Number(m[2] === '' ? 1 : m[2]) : 0, at: when,
    pinned: m[3] !== undefined };
}

/**
 * The faults of a raw script that name roles, and the script with each role replaced by a
 * server id (distinct within its fault, so that a partition stays valid), for validating
 * everything else as an ordinary scenario.
 */
export function findRoleFaults(faults: readonly unknown[], servers: number): {
  roleFaults: RoleFault[];
  placeholders: unknown[];
} {
  const roleFaults: RoleFault[] = [];
  const placeholders = faults.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const { when, ...entry } = item as Raw;
    const kind = kindOf(entry);
    const at = durationOrReason(entry.at);
    const phases = when === undefined ? undefined : typeof when === 'string' ? [when] : when;
    if (phases !== undefined && !(Array.isArray(phases) && phases.length > 0 &&
      phases.every((p) => typeof p === 'string'))) {
      throw new ConfigError(`faults[${index}].when`, 'a phase of the protocols, such as ' +
        'blocked, or a list of phases that must all hold, such as [prepare, blocked]');
    }
    if (kind === undefined || typeof at === 'string') return when === undefined ? item : entry;
    const strings = nodeStrings(entry[kind]);
    const refs = strings.flatMap(({ path, text }) => {
      const where = `faults[${index}].${[kind, ...path].join('.')}`;
      const ref = parseRole(text, at, where);
      if (ref?.role === 'others' && (kind !== 'partition' || path.length !== 2)) {
        throw new ConfigError(where, 'others stands only in a partition group');
      }
      return ref === undefined ? [] : [{ path, ref }];
    });
    if (refs.length === 0 && when === undefined) return item;
    if (when !== undefined && at <= 0) {
      throw new ConfigError(`faults[${index}].at`, 'a fault that waits for a phase starts after 0');
    }
    roleFaults.push({ index, at, entry, refs: refs.map((r) => r.ref),
      ...(phases === undefined ? {} : { when: phases as string[] }) });
    const named = new Set(strings.map((s) => s.text));
    const free = Array.from({ length: servers }, (_, i) => `n${i + 1}`)
      .filter((id) => !named.has(id));
    let copy = structuredClone(entry[kind]);
    refs.forEach(({ path }, i) => {
      copy = setAt(copy, path, free[i % Math.max(1, free.length)] ?? 'n1');
    });
    return { ...entry, [kind]: copy };
  });
  return { roleFaults, placeholders };
}

function setAt(root: unknown, path: readonly (string | number)[], value: string): unknown {
  if (path.length === 0) return value;
  let node = root as Raw;
  path.slice(0, -1).forEach((seg) => { node = node[seg] as Raw; });
  node[path[path.length - 1] as string] = value;
  return root;
}

/**
 * The server a role names now (see the file comment); `held` is false when nobody held the
 * leader role and the first running server stood in.
 */
export function resolveRole(ref: RoleRef, world: World, view: ClusterView | undefined):
{ node: NodeId; held: boolean } | undefined {
  const running = world.servers.filter((id) => world.isUp(id) && !world.isPaused(id));
  const holder = view?.holders(world, 'leader')[0];
  const leader = holder ?? running[0] ?? world.servers[0];
  if (leader === undefined) return undefined;
  if (ref.role === 'leader') return { node: leader, held: holder !== undefined };
  const node = running.filter((id) => id !== leader)[ref.rank - 1];
  return node === undefined ? undefined : { node, held: true };
}

/**
 * The fault of `roleFault` with its roles replaced by the nodes `names` gives (`others`
 * expands to the servers the other groups leave), as a scheduled fault.
 */
export function resolveFault(roleFault: RoleFault, names: ReadonlyMap<string, NodeId>,
  servers: readonly NodeId[]): ScheduledFault {
  const entry = roleFault.entry;
  const kind = kindOf(entry as Raw) as string;
  const value = structuredClone(entry[kind]);
  const node = (text: string, path: string): string => {
    const id = names.get(text);
    if (id === undefined) {
      throw new ConfigError(path, `${text}: no server holds this role at ${roleFault.at} µs`);
    }
    return id;
  };
  const base = `faults[${roleFault.index}].${kind}`;
  let resolved: unknown;
  if (kind === 'partition' && Array.isArray(value)) {
    const groups = (value as unknown[][]).map((group) => group.filter((id) => id !== 'others')
      .map((id) => typeof id === 'string' && ROLE.test(id) ? node(id, base) : id));
    const placed = new Set(groups.flat());
    const rest = servers.filter((id) => !placed.has(id));
    resolved = (value as unknown[][]).map((group, g) => {
      const own = groups[g] as unknown[];
      // A node named twice (a role that resolved to a node also named) keeps its first group.
      const kept = own.filter((id) => groups.findIndex((other) => other.includes(id)) === g);
      return group.includes('others') ? [...kept, ...rest] : kept;
    }).filter((group) => group.length > 0);
  } else {
    resolved = mapStrings(value, (text) => ROLE.test(text) ? node(text, base) : text);
  }
  const parsed = faultSchema.safeParse({ at: `${roleFault.at}us`, [kind]: resolved });
  if (!parsed.success) {
    throw new ConfigError(base, `resolved to ${JSON.stringify(resolved)}, which is not a fault: ${
      parsed.error.issues[0]?.message ?? ''}`);
  }
  return parsed.data;
}

function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) =>
      [k, ['from', 'to', 'node'].includes(k) ? mapStrings(v, f) : v]));
  }
  return value;
}
