/**
 * Strikes a comparison's faults aimed at roles and phases in one design's run (roles.ts says
 * what they mean). The engine runs to just before each instant a role is resolved at, so the
 * cluster's view reads the run as it stood then; a fault waiting for a phase is watched event
 * by event from its time on, and strikes a microsecond after the event that entered the phase.
 * Every fault struck goes through `Engine.strike`, so the run replays from a plain schedule.
 */
import { ConfigError, type Engine, type Fault, type Micros, type NodeId } from
  '../../sim/index.js';
import type { ClusterView } from '../../sim/check/nemesis.js';
import { resolveFault, resolveRole, type RoleFault, type RoleRef } from './roles.js';

/** A role resolved in one design's run. */
export interface ResolvedRole {
  /** When it was resolved, µs. */
  readonly at: Micros;
  readonly word: string;
  readonly node: NodeId;
  /** False when nobody held the role then, and the first running server stood in. */
  readonly held: boolean;
}

/** What the striker did: roles resolved, and faults that could not strike, with why. */
export interface Struck {
  readonly resolved: ResolvedRole[];
  readonly missed: string[];
}

/** Whether a ref is resolved at its own time rather than when its fault strikes. */
const timed = (fault: RoleFault, ref: RoleRef): boolean => fault.when === undefined || ref.pinned;

/** A role's identity: its role, rank and the instant it is resolved at. */
const key = (r: RoleRef, at: Micros): string => `${r.role}${r.rank}@${at}`;

/** Runs `engine` up to the last role resolution, striking as it goes; then returns. */
export function strikeRoles(engine: Engine<unknown>, roleFaults: readonly RoleFault[],
  view: ClusterView | undefined, servers: readonly NodeId[], end: Micros): Struck {
  const out: Struck = { resolved: [], missed: [] };
  const names = new Map<string, NodeId>();
  const done = new Set<number>();
  const instants = [...new Set(roleFaults.flatMap((f) => f.refs.filter((r) => timed(f, r))
    .map((r) => r.at)))].sort((a, b) => a - b);
  const gates = roleFaults.filter((f) => f.when !== undefined);

  const resolve = (ref: RoleRef, at: Micros): void => {
    if (names.has(key(ref, at)) || ref.role === 'others') return;
    const found = resolveRole(ref, engine, view);
    if (found === undefined) return;
    names.set(key(ref, at), found.node);
    out.resolved.push({ at, word: ref.word, node: found.node, held: found.held });
  };
  const strike = (fault: RoleFault, at: Micros): void => {
    done.add(fault.index);
    const words = new Map(fault.refs.flatMap((r) => {
      const node = names.get(key(r, timed(fault, r) ? r.at : at));
      return node === undefined ? [] : [[r.word, node] as const];
    }));
    try {
      const resolved = resolveFault(fault, words, servers);
      engine.strike(at, resolved.fault as Fault);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      out.missed.push(`faults[${fault.index}] did not strike: ${error.expected}`);
    }
  };
  const openGates = () => gates.filter((g) => !done.has(g.index) && g.at <= engine.now + 1);

  let next = 0;
  while (!engine.isStopped) {
    // Gates open now: strike the ones whose phase has begun.
    for (const gate of openGates()) {
      const now = view?.phases(engine) ?? [];
      if (!(gate.when ?? []).every((phase) => now.includes(phase))) continue;
      for (const ref of gate.refs.filter((r) => !timed(gate, r))) resolve(ref, engine.now + 1);
      strike(gate, engine.now + 1);
    }
    const instant = instants[next] ?? Infinity;
    const waiting = gates.filter((g) => !done.has(g.index));
    const nextGate = Math.min(...waiting.filter((g) => g.at > engine.now + 1).map((g) => g.at));
    const limit = Math.min(instant, nextGate, end + 1) - 1;
    if (openGates().length > 0 && engine.nextEventTime <= limit) {
      engine.step(); // watch the open gates event by event
      continue;
    }
    if (limit >= end) {
      for (const gate of waiting) {
        out.missed.push(`faults[${gate.index}] did not strike: the phases ${
          (gate.when ?? []).join(' and ')} never held together after its time`);
      }
      break;
    }
    engine.run(limit);
    if (engine.now + 1 !== instant || engine.isStopped) continue;
    // Just before `instant`: resolve its roles, strike the faults now wholly resolved.
    for (const fault of roleFaults) {
      for (const ref of fault.refs.filter((r) => timed(fault, r) && r.at === instant)) {
        resolve(ref, instant);
      }
    }
    for (const fault of roleFaults) {
      if (done.has(fault.index) || fault.when !== undefined) continue;
      if (fault.refs.every((r) => r.at <= instant)) strike(fault, fault.at);
    }
    next++;
  }
  return out;
}
