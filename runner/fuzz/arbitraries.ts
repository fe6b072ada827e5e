/**
 * fast-check arbitraries for fuzz runs: a whole `RunSpec` for a protocol (cluster, network,
 * workload, fault schedule, seed), or a new fault schedule and seed on top of a scenario.
 *
 * Swarm testing (Groce et al.; TigerBeetle's VOPR): every run first draws its own weight per
 * fault kind, some of them zero, so one run is all partitions, another crashes and clock
 * jumps. Faults are drawn as neutral numbers mapped through those weights, so shrinking the
 * schedule (fewer entries, earlier times, smaller numbers) keeps a valid schedule. A crash
 * and a pause come with their restart and resume, and every schedule ends in the liveness
 * phase: at the end of the fault window everything heals and the liveness checks must hold
 * within the settle time. What must not shrink (the run seed, the latency) is `noShrink`.
 *
 * Each run also draws its disk's sync latency (up to 50 ms): a slow disk widens the window in
 * which a crash loses what a node has already promised.
 *
 * For a protocol whose membership changes (`membership`), one run in three also starts with
 * spares outside the first configuration and draws operator requests: add a spare, remove a
 * server, move the leadership, sometimes two at once (two tools run by two operators). They are drawn after
 * everything else, so the other runs are what they were before membership existed. Such a
 * run damages no records (see `withMembership`).
 *
 * Heavy loss (up to 30% on every link, 50% on one) comes as a `link` fault, which the liveness
 * phase repairs; the network's own loss stays at most 5%, because it outlives the heal and a
 * liveness check under permanent heavy loss would fail for want of luck, not for a bug.
 */
import fc from 'fast-check';
import type { AdminOp, Fault, Micros, NodeId, ScheduledFault } from '../../sim/index.js';
import type { RunSpec } from '../spec.js';
import type { FuzzProfile } from './profile.js';

/** Fault kinds the generator draws, each with a swarm weight. */
export const FUZZ_KINDS = ['crash', 'pause', 'partition', 'cut', 'bridge', 'ring', 'link', 'clock',
  'disk', 'heal'] as const;
type Kind = (typeof FUZZ_KINDS)[number];

/** A fault before it is mapped to nodes: neutral numbers. */
interface RawFault { at: number; u: number; a: number; b: number; c: number }

/** What the generator needs besides the profile. */
export interface SpecContext {
  readonly protocol: string;
  /** Parameters every run has (the user's, and bug switches). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Values drawn per run for parameters not in `params` (the protocol's fuzz variants). */
  readonly variants?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * The synchronous model, when the protocol has one: `param` switches it on (drawn in one run
   * of three unless fixed), and `bound` gives the delay bound of a run's parameters; a run with
   * it on has no loss, duplication, partition, pause or clock fault, and delays within it.
   */
  readonly synchronous?: {
    readonly param: string;
    bound(params: unknown): Micros | undefined;
    /** Parameter values the model needs, over drawn ones (not over the user's). */
    readonly requires?: Readonly<Record<string, unknown>>;
  };
  /** Whether the protocol has liveness checks (then each run ends with a liveness phase). */
  readonly liveness: boolean;
  /** Membership changes the protocol supports, and its first configuration's parameter. */
  readonly membership?: { readonly ops: readonly AdminOp[]; readonly membersParam: string };
  readonly maxFaults?: number;
}

/**
 * The operation mix of one run (swarm again): each operation of the profile's mix gets a
 * weight of 0, 1/4, 1/2 or 1, not all 0, so some runs are all reads and compare-and-sets and some
 * all writes; the profile's own weights come first, so runs shrink towards them. An empty mix
 * (the protocol chooses) stays empty.
 */
function mixArbitrary(mix: Readonly<Record<string, number>>):
fc.Arbitrary<Readonly<Record<string, number>>> {
  const names = Object.keys(mix);
  if (names.length === 0) return fc.constant(mix);
  return fc.oneof(fc.constant(mix), fc.tuple(...names.map(() => fc.constantFrom(0, 0.25, 0.5, 1)))
    .filter((weights) => weights.some((x) => x > 0))
    .map((weights) => Object.fromEntries(names.map((name, i) => [name, weights[i] as number]))));
}

/** Parameters of one run: the fixed ones over a draw of each free variant. */
function paramsArbitrary(context: SpecContext): fc.Arbitrary<Record<string, unknown>> {
  const free: Record<string, readonly unknown[]> = { ...context.variants };
  const model = context.synchronous;
  if (model !== undefined) free[model.param] = [false, false, true];
  for (const name of Object.keys(context.params)) delete free[name];
  const draws = Object.fromEntries(Object.entries(free).filter(([, values]) => values.length > 0)
    .map(([name, values]) => [name, fc.constantFrom(...values)]));
  return fc.record(draws).map((drawn) => ({ ...drawn, ...context.params }));
}

/** Fault kinds a run under the synchronous model keeps (crashes and failed syncs). */
const SYNCHRONOUS_FAULTS: ReadonlySet<string> = new Set(['crash', 'restart', 'disk']);

/** A run made to honour the synchronous model: no loss or duplication, bounded delays. */
function synchronousRun(spec: RunSpec, bound: Micros): RunSpec {
  const max = Math.max(2, Math.floor(bound / 2));
  return { ...spec,
    network: { latency: { dist: 'uniform', min: Math.min(1_000, max - 1), max }, loss: 0,
      duplicate: 0 },
    faults: spec.faults.filter(({ fault }) => SYNCHRONOUS_FAULTS.has(fault.kind) &&
      !(fault.kind === 'disk' && fault.fault === 'corrupt')) };
}

const rawFault = (window: Micros): fc.Arbitrary<RawFault> => fc.record({
  at: fc.integer({ min: 0, max: Math.max(0, window - 1) }).map((t) => t - (t % 1_000)),
  u: fc.nat(9_999), a: fc.nat(1_000), b: fc.nat(1_000_000), c: fc.nat(1_000),
});

const weights = fc.noShrink(fc.tuple(...FUZZ_KINDS.map(() => fc.constantFrom(0, 0, 1, 2, 4))));

function pick(u: number, w: readonly number[]): Kind | undefined {
  const total = w.reduce((s, x) => s + x, 0);
  if (total === 0) return undefined;
  let draw = u % total;
  for (const [i, x] of w.entries()) {
    if (draw < x) return FUZZ_KINDS[i];
    draw -= x;
  }
  return undefined;
}

/** Maps one raw fault to scheduled faults (a crash brings its restart, a pause its resume). */
function toFaults(
  r: RawFault,
  kind: Kind,
  servers: readonly NodeId[],
  window: Micros,
): ScheduledFault[] {
  const n = servers.length;
  const node = servers[r.a % n] as NodeId;
  const other = servers[(r.a + 1 + (r.c % Math.max(1, n - 1))) % n] as NodeId;
  const later = Math.min(window, r.at + 1_000 * (50 + (r.c % 2_000)));
  const at = r.at;
  const one = (fault: Fault): ScheduledFault[] => [{ at, fault }];
  switch (kind) {
    case 'crash':
      return [{ at, fault: { kind: 'crash', node, ...(r.b % 4 === 0 ? { tear: true } : {}) } },
        ...(r.b % 3 === 0 ? [] : [{ at: later, fault: { kind: 'restart', node } as Fault }])];
    case 'pause':
      return [{ at, fault: { kind: 'pause', node } },
        { at: later, fault: { kind: 'resume', node } }];
    case 'partition': {
      const k = 2 + (r.c % 2);
      const groups = Array.from({ length: k }, (_, g) =>
        servers.filter((_, i) => Math.floor(r.b / k ** i) % k === g)).filter((g) => g.length > 0);
      if (groups.length >= 2) return one({ kind: 'partition', groups });
      return n < 2 ? [] : one({ kind: 'cut', from: node, to: other });
    }
    case 'cut':
      return n < 2 ? [] : one({ kind: 'cut', from: node, to: other });
    case 'bridge':
    case 'ring':
      return n < 3 ? [] : one({ kind });
    case 'link': {
      const latency = { dist: 'uniform', min: 1_000, max: 1_000 * (2 + (r.c % 100)) } as const;
      if (r.a % 2 === 0) return one({ kind: 'link', set: { loss: (r.b % 31) / 100, latency } });
      return n < 2 ? [] : one({ kind: 'link', from: node, to: other,
        set: { loss: (r.b % 51) / 100, latency } });
    }
    case 'clock': {
      const which = r.b % 3;
      const amount = 1_000 * ((r.c % 401) - 200);
      return one(which === 0 ? { kind: 'clock', node, jump: amount }
        : which === 1 ? { kind: 'clock', node, offset: amount }
          : { kind: 'clock', node, driftPpm: 100 * ((r.c % 201) - 100) });
    }
    case 'disk':
      return one({ kind: 'disk', node, fault: r.b % 2 === 0 ? 'corrupt' : 'fail-sync' });
    case 'heal':
      return one({ kind: 'heal' });
  }
}

/** A schedule from raw faults through the run's swarm weights, sorted by time. */
function schedule(raws: readonly RawFault[], w: readonly number[], servers: readonly NodeId[],
  window: Micros): ScheduledFault[] {
  const faults = raws.flatMap((r) => {
    const kind = pick(r.u, w);
    return kind === undefined ? [] : toFaults(r, kind, servers, window);
  });
  return faults.map((f, i) => ({ f, i }))
    .sort((x, y) => x.f.at - y.f.at || x.i - y.i).map((x) => x.f);
}

/** Whether a fault can leave a record that fails its checksum. */
function damages(f: Fault): boolean {
  return (f.kind === 'disk' && f.fault === 'corrupt') || (f.kind === 'crash' && f.tear === true);
}

/**
 * The schedule with damage on at most a minority of `nodes` servers: the first servers a
 * damaging fault hits (in time order) keep it; on any other it becomes harmless. A server's
 * disk is corrupted once at most: a second corruption could hit the twin of the record the
 * first hit, and no protocol here keeps more than two copies of a record on one disk
 * (faultline fuzz twopc --seed 20261207, run 4463: the coordinator's log lost in both copies).
 */
function damageOnMinority(faults: readonly ScheduledFault[], nodes: number): ScheduledFault[] {
  const damaged = new Set<NodeId>();
  const corrupted = new Set<NodeId>();
  const most = Math.floor((nodes - 1) / 2);
  return faults.map((scheduled) => {
    const f = scheduled.fault;
    if (!damages(f)) return scheduled;
    const node = (f as { node: NodeId }).node;
    const corrupts = f.kind === 'disk';
    if ((damaged.has(node) || damaged.size < most) && !(corrupts && corrupted.has(node))) {
      damaged.add(node);
      if (corrupts) corrupted.add(node);
      return scheduled;
    }
    return withoutDamage(scheduled);
  });
}

/** A fault that damages no record: corruption becomes a failed sync, a crash tears nothing. */
function withoutDamage(scheduled: ScheduledFault): ScheduledFault {
  const f = scheduled.fault;
  if (f.kind === 'disk' && f.fault === 'corrupt') {
    return { at: scheduled.at, fault: { ...f, fault: 'fail-sync' } };
  }
  if (f.kind === 'crash' && f.tear === true) {
    return { at: scheduled.at, fault: { kind: 'crash', node: f.node } };
  }
  return scheduled;
}

const servers = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** A run's membership draw: whether it has any, its spares, and the operator's requests. */
interface MembershipDraw { on: number; spares: number; raws: RawFault[] }

const membershipDraw = (window: Micros): fc.Arbitrary<MembershipDraw> => fc.record({
  on: fc.nat(2), spares: fc.nat(1), raws: fc.array(rawFault(window), { minLength: 1, maxLength: 4 }),
});

/**
 * The membership of one run (one in three, `on` 0): up to two spares (keeping three members),
 * and operator requests: an add names a spare when there is one, a remove or a leadership
 * transfer any server; every other request comes with a second one at the same instant, on
 * the next server.
 */
function membershipOf(draw: MembershipDraw, nodes: number, ops: readonly AdminOp[]):
{ members: number; faults: ScheduledFault[] } | undefined {
  if (draw.on !== 0) return undefined;
  const spares = Math.max(0, Math.min(1 + draw.spares, nodes - 3));
  const members = nodes - spares;
  const all = servers(nodes);
  const spareIds = all.slice(members);
  const request = (r: RawFault, shift: number): ScheduledFault | undefined => {
    const op: AdminOp = r.u % 3 === 0 ? 'remove' : r.u % 5 === 1 ? 'transfer' : 'add';
    if (!ops.includes(op)) return undefined;
    const pool = op === 'add' && spareIds.length > 0 ? spareIds : all;
    return { at: r.at, fault: { kind: 'admin', op, node: pool[(r.a + shift) % pool.length] as NodeId } };
  };
  const faults = draw.raws.flatMap((r) => [request(r, 0), r.c % 2 === 0 ? request(r, 1)
    : undefined]).filter((f): f is ScheduledFault => f !== undefined);
  return { members, faults };
}

/** A fault schedule and seed for a cluster of `nodes` servers (used on top of a scenario). */
export function faultsArbitrary(nodes: number, window: Micros, maxFaults = 12) {
  return fc.record({ w: weights, raws: fc.array(rawFault(window), { maxLength: maxFaults }),
    seed: fc.noShrink(fc.nat(2 ** 31 - 1)) })
    .map(({ w, raws, seed }) => ({
      faults: damageOnMinority(schedule(raws, w, servers(nodes), window), nodes), seed }));
}

/** A whole run for a protocol: cluster, network, workload, swarm fault schedule and seed. */
export function specArbitrary(profile: FuzzProfile, context: SpecContext): fc.Arbitrary<RunSpec> {
  const window = context.liveness ? profile.duration - profile.settle : profile.duration;
  return fc.record({
    nodes: fc.integer({ min: profile.nodes[0], max: profile.nodes[1] }),
    clients: fc.integer({ min: profile.clients[0], max: profile.clients[1] }),
    rate: fc.noShrink(fc.integer({ min: 20, max: 200 })),
    keys: fc.integer({ min: 1, max: 5 }),
    median: fc.noShrink(fc.integer({ min: 1, max: 10 })),
    loss: fc.integer({ min: 0, max: 5 }),
    duplicate: fc.integer({ min: 0, max: 10 }),
    syncMs: fc.constantFrom(1, 1, 5, 20, 50),
    w: weights,
    raws: fc.array(rawFault(window), { maxLength: context.maxFaults ?? 20 }),
    seed: fc.noShrink(fc.nat(2 ** 31 - 1)),
    params: paramsArbitrary(context),
    mix: mixArbitrary(profile.mix),
    // Clients that give up on a server sooner move to the new leader sooner, and leave one
    // that still believes it leads with fewer followers: each a different race.
    timeout: fc.constantFrom(500_000, 500_000, 200_000, 100_000),
    // Drawn last (see the file comment).
    membership: membershipDraw(window),
  }).map((g): RunSpec => withMembership({
    name: `${context.protocol}-fuzz-${g.seed}`,
    protocol: context.protocol,
    params: g.params,
    nodes: g.nodes,
    network: { latency: { dist: 'lognormal', median: g.median * 1_000, p99: g.median * 8_000,
      max: 200_000 }, loss: g.loss / 100, duplicate: g.duplicate / 100 },
    disk: { syncLatency: { dist: 'uniform', min: 200, max: g.syncMs * 1_000 } },
    workload: { clients: g.clients, rate: g.rate, keys: g.keys, mix: g.mix,
      timeout: g.timeout, attempts: 3 },
    faults: profile.damage
      ? damageOnMinority(schedule(g.raws, g.w, servers(g.nodes), window), g.nodes)
      : schedule(g.raws, g.w, servers(g.nodes), window).map(withoutDamage),
    duration: profile.duration,
    seed: g.seed,
    ...(context.liveness
      ? { expect: { liveness: { after: window, settle: profile.settle } } } : {}),
  }, g.membership, context)).map((spec) => {
    const model = context.synchronous;
    const drawn = spec.params as Record<string, unknown>;
    if (model === undefined || drawn[model.param] !== true) return spec;
    const params = { ...drawn, ...model.requires, ...context.params };
    const bound = model.bound(params);
    return bound === undefined ? spec : synchronousRun({ ...spec, params }, bound);
  });
}

/** The spec with the run's membership draw, for a protocol that has membership changes. */
function withMembership(spec: RunSpec, draw: MembershipDraw, context: SpecContext): RunSpec {
  const traits = context.membership;
  if (traits === undefined || traits.membersParam in context.params) return spec;
  const drawn = membershipOf(draw, spec.nodes, traits.ops);
  if (drawn === undefined) return spec;
  // No record damage: the configuration may shrink until a minority of the servers is a
  // majority of it, and Raft by design stops when a majority lost data.
  const faults = [...spec.faults.map(withoutDamage), ...drawn.faults].map((f, i) => ({ f, i }))
    .sort((x, y) => x.f.at - y.f.at || x.i - y.i).map((x) => x.f);
  return { ...spec, params: { ...spec.params as Record<string, unknown>,
    [traits.membersParam]: drawn.members }, faults };
}
