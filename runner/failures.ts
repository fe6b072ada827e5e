/**
 * Failures drawn from MTBF and MTTR instead of a hand-written fault list (a scenario's
 * `failures:` field). Each process makes its units (every server, or racks of servers that fail
 * together) alternate between up times drawn with mean MTBF, exponential or Weibull (shape
 * k > 1 for wear-out, k < 1 for infant mortality), and repair times drawn exponential with
 * mean MTTR. A failure is a crash (repaired by a restart), a pause (a resume) or an isolation
 * (cut off from every other server until healed). Draws come from streams named after the
 * process and the unit, derived from the run seed, so one seed gives one schedule and a unit
 * added or removed shifts no other unit's draws. The schedule is plain faults, merged into the
 * run's own before it starts (`withFailures`): what a run did replays from its scenario file.
 *
 * The formulas the availability report sets beside the measurement are here too: a unit is up
 * MTBF / (MTBF + MTTR) of the time in steady state (renewal theory: for any distributions of
 * the two times), and a cluster that needs q of its n servers running is up with the binomial
 * sum over its independent units.
 */
import { ConfigError, type Fault, type Micros, type NodeId, PrngRoot, type Prng,
  type ScheduledFault, type Seed } from '../sim/index.js';
import type { RunSpec } from './spec.js';
import { gamma } from './statistics.js';

/** One failure process of a scenario (engine units). */
export interface FailureProcess {
  /** What a failure does: crash (then restart), pause (then resume), isolate (then heal). */
  readonly kind: 'crash' | 'pause' | 'isolate';
  /** Mean up time of a unit between two failures, µs. */
  readonly mtbf: Micros;
  /** Mean time to repair, µs (exponential). */
  readonly mttr: Micros;
  readonly distribution: 'exponential' | 'weibull';
  /** The Weibull shape k (only with `weibull`). */
  readonly shape?: number;
  /** Units that fail together; absent: every server of `nodes` alone. */
  readonly racks?: readonly (readonly NodeId[])[];
  /** Servers that fail (absent: all), when there are no racks. */
  readonly nodes?: readonly NodeId[];
  /** No failure before this time (default 0). */
  readonly after?: Micros;
  /** No failure begins at or after this time (default: the liveness heal, else the end). */
  readonly until?: Micros;
}

/** A unit of a process: a name for its stream and the servers it takes down. */
interface Unit {
  readonly name: string;
  readonly servers: readonly NodeId[];
}

/**
 * The spec with its failures drawn into its fault schedule (sorted by time; at one time the
 * spec's own faults first), and without `failures`. A spec without them is returned as is.
 */
export function withFailures(spec: RunSpec): RunSpec {
  const processes = spec.failures;
  if (processes === undefined || processes.length === 0) return spec;
  const servers = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`);
  const heal = spec.expect?.liveness === undefined ? undefined
    : spec.expect.liveness.after ?? Math.max(0, ...spec.faults.map((f) => f.at));
  const end = Math.min(spec.duration, heal ?? Infinity);
  checkProcesses(processes, servers, spec.faults);
  const drawn = processes.flatMap((p, i) => drawProcess(p, i, servers, spec.seed, end));
  const faults = [...spec.faults.map((f, i) => ({ f, i })),
    ...drawn.map((f, i) => ({ f, i: spec.faults.length + i }))]
    .sort((a, b) => a.f.at - b.f.at || a.i - b.i).map((x) => x.f);
  const { failures: _drawn, ...rest } = spec;
  // A heal given by the last fault stays where the file put it, not after the drawn faults.
  const expect = heal === undefined || spec.expect?.liveness === undefined ? spec.expect
    : { ...spec.expect, liveness: { ...spec.expect.liveness, after: heal } };
  return { ...rest, faults, ...(expect === undefined ? {} : { expect }) };
}

function checkProcesses(processes: readonly FailureProcess[], servers: readonly NodeId[],
  faults: readonly ScheduledFault[]): void {
  const known = new Set(servers);
  const list = `n1..n${servers.length}`;
  processes.forEach((p, i) => {
    const at = processes.length === 1 ? 'failures' : `failures[${i}]`;
    const seen = new Set<NodeId>();
    (p.racks ?? []).forEach((rack, r) => rack.forEach((id, k) => {
      if (!known.has(id)) {
        throw new ConfigError(`${at}.racks[${r}][${k}]`, `${id} is not a server (${list})`);
      }
      if (seen.has(id)) throw new ConfigError(`${at}.racks[${r}][${k}]`, `${id} is in two racks`);
      seen.add(id);
    }));
    (p.nodes ?? []).forEach((id, k) => {
      if (!known.has(id)) throw new ConfigError(`${at}.nodes[${k}]`, `${id} is not a server (${list})`);
    });
    if (p.kind === 'isolate') {
      const scripted = faults.findIndex((f) => ['partition', 'bridge', 'ring', 'cut', 'heal']
        .includes(f.fault.kind));
      if (scripted >= 0) {
        throw new ConfigError(`faults[${scripted}]`, 'no partition, cut or heal beside ' +
          'isolate failures, which set the partitions themselves');
      }
    }
  });
  if (processes.filter((p) => p.kind === 'isolate').length > 1) {
    throw new ConfigError('failures', 'at most one isolate process (they share the partitions)');
  }
}

/** The units of a process. */
function unitsOf(p: FailureProcess, servers: readonly NodeId[]): Unit[] {
  if (p.racks !== undefined) {
    return p.racks.map((rack, r) => ({ name: `rack${r + 1}`, servers: rack }));
  }
  return (p.nodes ?? servers).map((id) => ({ name: id, servers: [id] }));
}

/** Draws one process's faults up to `end` (failures begin before its `until`). */
function drawProcess(p: FailureProcess, index: number, servers: readonly NodeId[], seed: Seed,
  end: Micros): ScheduledFault[] {
  const root = new PrngRoot(seed);
  const until = Math.min(p.until ?? end, end);
  const windows: { unit: Unit; down: Micros; up: Micros }[] = [];
  for (const unit of unitsOf(p, servers)) {
    // Stream names of the first crash process match what replication's availability scenario
    // was generated with before `failures:` existed, so it kept its schedule.
    const prng = root.stream(`${p.kind}-repair/${unit.name}${index === 0 ? '' : `#${index}`}`);
    let t = (p.after ?? 0) + Math.round(upTime(p, prng));
    while (t < until) {
      const down = t;
      t += Math.max(1, Math.round(prng.exponential(p.mttr)));
      windows.push({ unit, down, up: t });
      if (t >= end) break;
      t += Math.max(1, Math.round(upTime(p, prng)));
    }
  }
  return p.kind === 'isolate' ? isolations(windows, servers, end) : windows.flatMap((w) =>
    w.unit.servers.flatMap((node) => [
      { at: w.down, fault: (p.kind === 'crash' ? { kind: 'crash', node }
        : { kind: 'pause', node }) as Fault },
      ...(w.up < end ? [{ at: w.up, fault: (p.kind === 'crash' ? { kind: 'restart', node }
        : { kind: 'resume', node }) as Fault }] : []),
    ]));
}

/** An up time: exponential or Weibull with mean MTBF. */
function upTime(p: FailureProcess, prng: Prng): number {
  if (p.distribution === 'exponential') return prng.exponential(p.mtbf);
  const k = p.shape ?? 1;
  const scale = p.mtbf / gamma(1 + 1 / k);
  return scale * (-Math.log(1 - prng.float())) ** (1 / k);
}

/**
 * Isolation windows as partitions: at every change, the isolated units each stand alone and
 * the other servers form one group; when none is isolated, everything heals.
 */
function isolations(windows: readonly { unit: Unit; down: Micros; up: Micros }[],
  servers: readonly NodeId[], end: Micros): ScheduledFault[] {
  const changes = [...new Set(windows.flatMap((w) => [w.down, w.up]))]
    .filter((t) => t < end).sort((a, b) => a - b);
  const out: ScheduledFault[] = [];
  for (const at of changes) {
    const cut = windows.filter((w) => w.down <= at && at < w.up).map((w) => w.unit);
    if (cut.length === 0) {
      out.push({ at, fault: { kind: 'heal' } });
      continue;
    }
    const alone = new Set(cut.flatMap((u) => u.servers));
    const rest = servers.filter((id) => !alone.has(id));
    const groups = [...cut.map((u) => [...u.servers]), ...(rest.length === 0 ? [] : [rest])];
    out.push({ at, fault: { kind: 'partition', groups } });
  }
  return out;
}

/** What the formulas say for a scenario's failures (see the file comment). */
export interface FormulaAvailability {
  /** Each server: the product over crash and pause processes of MTBF / (MTBF + MTTR). */
  readonly node: number;
  /** At least `quorum` servers running, over independent units; undefined if not computable. */
  readonly cluster: number | undefined;
  readonly quorum: number;
  readonly servers: number;
}

/**
 * The steady-state availability of one server and of the cluster needing `quorum` running
 * servers (default a majority). Isolations do not stop a server, so they are left out. The
 * cluster figure needs every crash and pause process to share its units (every server alone,
 * or the same racks), so that units fail independently; otherwise it is undefined.
 */
export function formulaAvailability(processes: readonly FailureProcess[], nodes: number,
  quorum = Math.floor(nodes / 2) + 1): FormulaAvailability {
  const servers = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
  const stopping = processes.filter((p) => p.kind !== 'isolate');
  const up = (p: FailureProcess) => p.mtbf / (p.mtbf + p.mttr);
  const nodeUp = (id: NodeId) => stopping.reduce((a, p) =>
    unitsOf(p, servers).some((u) => u.servers.includes(id)) ? a * up(p) : a, 1);
  const node = servers.reduce((sum, id) => sum + nodeUp(id), 0) / nodes;
  const shapes = new Set(stopping.map((p) => JSON.stringify(unitsOf(p, servers))));
  if (shapes.size > 1) return { node, cluster: undefined, quorum, servers: nodes };
  const units = stopping.length === 0 ? servers.map((id) => ({ name: id, servers: [id] }))
    : unitsOf(stopping[0] as FailureProcess, servers);
  const covered = new Set(units.flatMap((u) => u.servers));
  // Servers no process touches are always up: a unit of their own that never fails.
  const all = [...units.map((u) => ({ size: u.servers.length,
    p: stopping.reduce((a, proc) => a * up(proc), 1) })),
  ...servers.filter((id) => !covered.has(id)).map(() => ({ size: 1, p: 1 }))];
  return { node, cluster: atLeast(all, quorum), quorum, servers: nodes };
}

/** P(at least `quorum` servers up) over independent units of given sizes (a convolution). */
export function atLeast(units: readonly { size: number; p: number }[], quorum: number): number {
  let dist = [1];
  for (const { size, p } of units) {
    const next = new Array<number>(dist.length + size).fill(0);
    dist.forEach((q, k) => {
      next[k] = (next[k] ?? 0) + q * (1 - p);
      next[k + size] = (next[k + size] ?? 0) + q * p;
    });
    dist = next;
  }
  return dist.slice(quorum).reduce((a, b) => a + b, 0);
}
