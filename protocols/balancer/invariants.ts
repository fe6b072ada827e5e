/**
 * The balancer's properties, judged after every event by an omniscient observer that reads the
 * balancers' forwards and health, the backends' bookings, and the truth of which nodes are up:
 * 1. `no-request-to-down`: every attempt goes to a backend the balancer has in rotation (in its
 *    pool, up by the active checks, not ejected). Caught: `ring-ignores-health`.
 * 2. `crash-detected`: no attempt goes to a backend that has been crashed for longer than the
 *    detection bound, `fall` probe intervals plus the probe timeout (with 2% for clock drift),
 *    counted only while the balancer runs (a balancer paused or restarting cannot detect
 *    anything, and a restarted one starts with every backend in rotation). Caught:
 *    `no-health-check`.
 * 3. `at-most-once`: no two attempts of one balancer request both book an `order` (the service
 *    is not idempotent; a backend drops copies of one attempt, as TCP would). Caught:
 *    `retry-non-idempotent`.
 * 4. `stable-keys` (hash policies): a key moves to another backend only when its owner left the
 *    rotation or the new backend joined it since the key's last request: consistent hashing's
 *    promise. The ring keeps it exactly; Maglev nearly, so it is checked there only when a
 *    scenario names it. Caught: `hash-mod-n`.
 * 5. `retry-budget`: over every stretch of time, the retries a balancer sends exceed
 *    `retryBudget` × the requests it admits by at most `retryReserve` (a running maximum, per
 *    balancer incarnation). Caught: `retry-storm`.
 * 6. `ejection-limit`: outlier ejection never holds out more than `maxEjectionPercent` of the
 *    pool (at least one backend): a fault that fails requests everywhere must not empty the
 *    pool. Caught: `eject-on-first-error`.
 * 7. `one-active` (a pair): at no instant do both balancers serve, each judged on its own
 *    monotonic clock. Caught: `unfenced-takeover`.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import { type AlwaysProperty, type Evidence, evidenceNow, type LivenessCheck, type World } from
  '../../sim/check/property.js';
import { Backend } from './backend.js';
import { Balancer, type ForwardRecord } from './balancer.js';
import { RetryExcess } from './retryBudget.js';

/** What the observer needs to know of a run. */
export interface ObserverSetup {
  readonly balancers: readonly NodeId[];
  readonly backends: readonly NodeId[];
  /** Detection bound of `crash-detected`, µs of the balancer's running time. */
  readonly detectionBound: Micros;
  readonly retryBudget: number;
  readonly retryReserve: number;
  readonly maxEjectionPercent: number;
  /** Whether the policy maps keys (then `stable-keys` applies). */
  readonly hashed: boolean;
}

/** One balancer incarnation as the observer follows it. */
interface Followed {
  readonly program: Balancer;
  seen: number;
  admitted: number;
  retried: number;
  readonly excess: RetryExcess;
  ejected: number;
  /** The rotation at the last look, and per backend the version it last left and joined. */
  rotation: ReadonlySet<NodeId>;
  version: number;
  readonly left: Map<NodeId, number>;
  readonly joined: Map<NodeId, number>;
  readonly owners: Map<string, { backend: NodeId; version: number; seen: Evidence }>;
  /** Where each backend last left the rotation, and where each was last ejected. */
  readonly leftAt: Map<NodeId, Evidence>;
  readonly ejectedAt: Map<NodeId, Evidence>;
}

/** A forward as the metrics read it: when, where, and whether the backend was down. */
export interface ForwardSeen {
  readonly at: Micros;
  readonly record: ForwardRecord;
  readonly dead: boolean;
}

/** See the file comment. */
export class BalancerObserver {
  private lastIndex = -1;
  private lastNow = 0;
  private readonly followed = new Map<NodeId, Followed>();
  /** Per balancer: true µs it has run (up and not paused), and whether it ran at the last look. */
  private readonly running = new Map<NodeId, Micros>();
  private readonly wasRunning = new Set<NodeId>();
  /** Per backend: true time it crashed, while it is down. */
  private readonly crashedAt = new Map<NodeId, Micros>();
  /** Per balancer and crashed backend: the balancer's running time when exposure began. */
  private readonly exposure = new Map<string, Micros>();
  private readonly started = new Set<NodeId>();
  private readonly backendSeen = new Map<NodeId, { program: Backend; applied: number }>();
  private readonly bookings = new Map<string, Set<string>>();
  readonly problems = new Map<string, string>();
  /** The events that prove each problem, earliest first. */
  readonly evidence = new Map<string, Evidence[]>();
  /** Where each backend crashed (while it is down), each balancer became active, and each
   * attempt of an order was booked. */
  private readonly crashEvidence = new Map<NodeId, Evidence>();
  private readonly activeSince = new Map<NodeId, Evidence>();
  private readonly bookedAt = new Map<string, Evidence>();
  /** Figures for the metrics. */
  readonly forwards: ForwardSeen[] = [];
  admitted = 0;
  retried = 0;
  ejections = 0;
  takeovers = 0;
  readonly crashes: { backend: NodeId; at: Micros; out?: Micros }[] = [];
  readonly restarts: { backend: NodeId; at: Micros; back?: Micros }[] = [];
  readonly rotationChanges: { at: Micros; before: NodeId[]; after: NodeId[] }[] = [];
  /** The balancer that last became active, and those active at the last look. */
  private lastActive: NodeId | undefined;
  private activeBefore: ReadonlySet<NodeId> = new Set();

  constructor(readonly setup: ObserverSetup) {}

  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    this.advanceRunning(world);
    this.trackBackends(world);
    const active: NodeId[] = [];
    const changed = world.changed;
    for (const id of this.setup.balancers) {
      const program = world.program(id);
      if (!(program instanceof Balancer)) continue;
      // A balancer's rotation, forwards, retry counts and ejections change only at events that
      // touch it (World.changed); whether it is active depends on its clock, so on every event.
      if (changed.includes(id)) {
        const f = this.follow(id, program);
        this.checkRotation(world, id, f);
        this.checkForwards(world, id, f);
        this.checkBudget(world, f);
        this.checkEjections(world, id, f);
      }
      if (program.pair === undefined || program.pair.active(world.monotonicTime(id))) {
        active.push(id);
      }
    }
    this.checkActive(world, active);
    this.checkRecovery(world);
  }

  /** Adds the time since the last look to each balancer that was running at the last look. */
  private advanceRunning(world: World): void {
    const span = world.now - this.lastNow;
    this.lastNow = world.now;
    for (const id of this.setup.balancers) {
      if (this.wasRunning.has(id)) this.running.set(id, (this.running.get(id) ?? 0) + span);
      if (world.isUp(id) && !world.isPaused(id)) this.wasRunning.add(id);
      else this.wasRunning.delete(id);
    }
  }

  private follow(id: NodeId, program: Balancer): Followed {
    const known = this.followed.get(id);
    if (known?.program === program) return known;
    const f: Followed = { program, seen: 0, admitted: 0, retried: 0,
      excess: new RetryExcess(this.setup.retryBudget), ejected: 0, rotation: new Set(),
      version: 0, left: new Map(), joined: new Map(), owners: new Map(), leftAt: new Map(),
      ejectedAt: new Map() };
    this.followed.set(id, f);
    // A new incarnation starts with every backend in rotation: exposure to a crashed backend
    // runs from its start.
    for (const backend of this.crashedAt.keys()) {
      this.exposure.set(`${id}/${backend}`, this.running.get(id) ?? 0);
    }
    return f;
  }

  private trackBackends(world: World): void {
    for (const id of this.setup.backends) {
      const up = world.isUp(id);
      // A backend not yet started at the run's first events has not crashed.
      if (up) this.started.add(id);
      if (!up && this.started.has(id) && !this.crashedAt.has(id)) {
        this.crashedAt.set(id, world.now);
        this.crashEvidence.set(id, evidenceNow(world, `${id} crashes`, id));
        this.crashes.push({ backend: id, at: world.now });
        for (const b of this.setup.balancers) {
          this.exposure.set(`${b}/${id}`, this.running.get(b) ?? 0);
        }
      } else if (up && this.crashedAt.has(id)) {
        this.crashedAt.delete(id);
        this.restarts.push({ backend: id, at: world.now });
      }
      const program = world.program(id);
      if (program instanceof Backend) this.readBookings(world, id, program);
    }
  }

  private readBookings(world: World, id: NodeId, program: Backend): void {
    let seen = this.backendSeen.get(id);
    if (seen?.program !== program) {
      seen = { program, applied: 0 };
      this.backendSeen.set(id, seen);
    }
    for (; seen.applied < program.applied.length; seen.applied++) {
      const order = program.applied[seen.applied];
      if (order === undefined) continue;
      const attempts = this.bookings.get(order.request) ?? new Set<string>();
      attempts.add(order.attempt);
      this.bookings.set(order.request, attempts);
      this.bookedAt.set(order.attempt, evidenceNow(world, `${id} books ${order.client}'s order ${
        order.seq}`, id));
      if (attempts.size > 1) {
        this.fail('at-most-once', `order ${order.client}.${order.seq} (request ${
          order.request}) was booked by ${attempts.size} attempts: the balancer retried it ` +
          `after an attempt that had run`, [...attempts].flatMap((a) => {
          const e = this.bookedAt.get(a);
          return e === undefined ? [] : [e];
        }));
      }
    }
  }

  /** Notes rotation changes (before this event's forwards: handlers change health first). */
  private checkRotation(world: World, balancer: NodeId, f: Followed): void {
    const now = new Set(f.program.rotation());
    const same = now.size === f.rotation.size && [...now].every((id) => f.rotation.has(id));
    if (same) return;
    f.version++;
    for (const id of f.rotation) {
      if (now.has(id)) continue;
      f.left.set(id, f.version);
      f.leftAt.set(id, evidenceNow(world, `${balancer} takes ${id} out of rotation`, balancer));
    }
    for (const id of now) if (!f.rotation.has(id)) f.joined.set(id, f.version);
    if (f.seen > 0 || f.rotation.size > 0) {
      this.rotationChanges.push({ at: world.now, before: [...f.rotation].sort(),
        after: [...now].sort() });
    }
    f.rotation = now;
  }

  private checkForwards(world: World, id: NodeId, f: Followed): void {
    const forwards = f.program.forwards;
    for (; f.seen < forwards.length; f.seen++) {
      const record = forwards[f.seen] as ForwardRecord;
      const dead = !world.isUp(record.backend);
      this.forwards.push({ at: world.now, record, dead });
      const sent = () => evidenceNow(world, `${id} sends ${record.f} ${record.key ?? ''} to ${
        record.backend}`.replace('  ', ' '), id);
      if (!f.rotation.has(record.backend)) {
        const left = f.leftAt.get(record.backend);
        this.fail('no-request-to-down', `${id} sent ${record.attempt} (${record.f} ${
          record.key ?? ''}) to ${record.backend}, which it has out of rotation`,
        [...(left === undefined ? [] : [left]), sent()]);
      }
      if (dead) this.checkDetection(id, record, sent);
      if (this.setup.hashed && record.retry === 0 && record.key !== undefined) {
        this.checkKey(id, f, record, sent);
      }
    }
  }

  private checkDetection(id: NodeId, record: ForwardRecord, sent: () => Evidence): void {
    const since = this.exposure.get(`${id}/${record.backend}`);
    if (since === undefined) return;
    const exposed = (this.running.get(id) ?? 0) - since;
    if (exposed > this.setup.detectionBound) {
      this.fail('crash-detected', `${id} sent ${record.attempt} to ${record.backend}, crashed ` +
        `for ${Math.round(exposed / 1000)} ms of ${id}'s running time (bound ${
          Math.round(this.setup.detectionBound / 1000)} ms): it never noticed the crash`,
      [...[this.crashEvidence.get(record.backend)].filter((e) => e !== undefined), sent()]);
    }
  }

  private checkKey(id: NodeId, f: Followed, record: ForwardRecord, sent: () => Evidence): void {
    const key = record.key as string;
    const before = f.owners.get(key);
    if (before !== undefined && before.backend === record.backend) {
      f.owners.set(key, { ...before, version: f.version });
      return;
    }
    const seen = sent();
    f.owners.set(key, { backend: record.backend, version: f.version, seen });
    if (before === undefined) return;
    const ownerLeft = (f.left.get(before.backend) ?? 0) > before.version;
    const newcomer = (f.joined.get(record.backend) ?? 0) > before.version;
    if (ownerLeft || newcomer) return;
    this.fail('stable-keys', `${id} moved key ${key} from ${before.backend} to ${
      record.backend}, though ${before.backend} stayed in rotation and ${record.backend} ` +
      'did not just join it', [before.seen, seen]);
  }

  private checkBudget(world: World, f: Followed): void {
    const p = f.program;
    const admitted = p.admitted - f.admitted;
    const retried = p.retried - f.retried;
    f.admitted = p.admitted;
    f.retried = p.retried;
    this.admitted += admitted;
    this.retried += retried;
    if (admitted > 0) f.excess.admitted(admitted);
    if (retried > 0) f.excess.retried(retried);
    if (f.excess.exceeds(this.setup.retryReserve)) {
      this.fail('retry-budget', `${p.options.pair === undefined ? 'the balancer' : 'a balancer'} ` +
        `sent ${f.excess.current} more retries than ${this.setup.retryBudget} per ` +
        `request admitted allow over a stretch of time (reserve ${this.setup.retryReserve})`,
      [evidenceNow(world, `${f.excess.current} retries beyond the budget`)]);
    }
  }

  private checkEjections(world: World, balancer: NodeId, f: Followed): void {
    const pool = f.program.pool;
    for (const b of pool) {
      const out = f.program.health.view(b).ejected;
      if (out && !f.ejectedAt.has(b)) {
        f.ejectedAt.set(b, evidenceNow(world, `${balancer} ejects ${b}`, balancer));
      } else if (!out) f.ejectedAt.delete(b);
    }
    const ejected = f.program.health.ejectedCount(pool);
    if (ejected > f.ejected) {
      this.ejections += ejected - f.ejected;
      const most = Math.max(1, Math.floor((pool.length * this.setup.maxEjectionPercent) / 100));
      if (ejected > most) {
        this.fail('ejection-limit', `outlier detection holds out ${ejected} of ${pool.length} ` +
          `backends (${pool.filter((b) => f.program.health.view(b).ejected).join(', ')}), more ` +
          `than ${this.setup.maxEjectionPercent}% (${most})`,
        [...f.ejectedAt.values()].sort((a, b) => a.index - b.index));
      }
    }
    f.ejected = ejected;
  }

  /** Counts takeovers: a balancer becomes active after another one was. */
  private checkActive(world: World, active: readonly NodeId[]): void {
    for (const id of [...this.activeSince.keys()]) {
      if (!active.includes(id)) this.activeSince.delete(id);
    }
    for (const id of active) {
      if (!this.activeSince.has(id)) {
        this.activeSince.set(id, evidenceNow(world, `${id} is active`, id));
      }
      if (this.activeBefore.has(id)) continue;
      if (this.lastActive !== undefined && id !== this.lastActive) this.takeovers++;
      this.lastActive = id;
    }
    this.activeBefore = new Set(active);
    if (active.length > 1) {
      this.fail('one-active', `${active.join(' and ')} both serve the virtual address, each ` +
        'holding the lease by its own clock', active.map((id) => this.activeSince.get(id))
        .filter((e) => e !== undefined).sort((a, b) => a.index - b.index));
    }
  }

  /** Times to take a crashed backend out and to bring a restarted one back. */
  private checkRecovery(world: World): void {
    const inAll = (backend: NodeId): boolean => this.setup.balancers.every((id) => {
      const program = world.program(id);
      return !(program instanceof Balancer) || program.rotation().includes(backend);
    });
    const outOfAll = (backend: NodeId): boolean => this.setup.balancers.every((id) => {
      const program = world.program(id);
      return !(program instanceof Balancer) || !program.rotation().includes(backend);
    });
    for (const crash of this.crashes) {
      if (crash.out === undefined && this.crashedAt.get(crash.backend) === crash.at &&
        outOfAll(crash.backend)) crash.out = world.now;
    }
    for (const restart of this.restarts) {
      if (restart.back === undefined && !this.crashedAt.has(restart.backend) &&
        inAll(restart.backend)) restart.back = world.now;
    }
  }

  private fail(name: string, explanation: string, evidence: readonly Evidence[]): void {
    if (this.problems.has(name)) return;
    this.problems.set(name, explanation);
    this.evidence.set(name, [...evidence].sort((a, b) => a.index - b.index));
  }
}

/** Property names, in the order the README lists them. */
export const BALANCER_PROPERTIES = ['no-request-to-down', 'crash-detected', 'at-most-once',
  'stable-keys', 'retry-budget', 'ejection-limit', 'one-active'] as const;

/** An `always` property answered by the observer. */
export function balancerProperty(observer: BalancerObserver, name: string): AlwaysProperty {
  return { kind: 'always', name, check(world: World): string | undefined {
    observer.observe(world);
    return observer.problems.get(name);
  }, evidence: () => observer.evidence.get(name) };
}

/**
 * Liveness after the heal: `serving` (every client completes an operation invoked after the
 * heal with `ok`) and `pool-restored` (a balancer is active and has every backend of its pool
 * in rotation).
 */
export function balancerLiveness(balancers: readonly NodeId[]): LivenessCheck[] {
  let healIndex: number | undefined;
  const invokedAfter = new Set<NodeId>();
  const okAfter = new Set<NodeId>();
  return [
    { name: 'serving', explain: 'a client completed no operation with ok after the heal',
      holds(world) {
        healIndex ??= world.history.length;
        for (; healIndex < world.history.length; healIndex++) {
          const event = world.history[healIndex];
          if (event === undefined) continue;
          if (event.type === 'invoke') invokedAfter.add(event.process);
          else if (event.type === 'ok' && invokedAfter.has(event.process)) {
            okAfter.add(event.process);
          }
        }
        return world.clients.every((c) => okAfter.has(c));
      } },
    { name: 'pool-restored',
      explain: 'no balancer was active with every backend of its pool in rotation',
      holds: (world) => balancers.some((id) => {
        const program = world.program(id);
        if (!(program instanceof Balancer) || world.isPaused(id)) return false;
        const active = program.pair === undefined ||
          program.pair.active(world.monotonicTime(id));
        return active && program.pool.every((b) => program.health.inRotation(b));
      }) },
  ];
}
