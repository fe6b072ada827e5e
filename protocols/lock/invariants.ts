/**
 * The lock's properties, the same for every variant (the lease service, Redis, Redlock, the
 * coordination service), judged by an omniscient observer after every event:
 * - `fenced-writes` (mutual exclusion on the guarded resource): the storage accepts writes in
 *   non-decreasing token order, across its restarts. A write counts once it is durable (the
 *   storage acknowledges it only then); one that a crash took back before its sync never
 *   happened, and a lower token accepted after it breaks nothing (faultline fuzz lock --seed
 *   1, runs 679 and 4395: scenarios/lock/unsynced-write-lost.yaml). A holder that paused past
 *   its lease and writes after a newer holder breaks it unless the storage checks tokens.
 * - `one-holder`: at no instant do two clients hold the lock, each judged by its own clocks
 *   (`LockHolder.holdsAt`: the lease client by its wall clock, the others by their monotonic
 *   clocks). It assumes what leases assume: drift within the margin, and no steps on the clocks
 *   the lease is measured on, the service's included (so Redis and Redlock promise it only with
 *   `expiryClock: monotonic`).
 * - `no-herd` (the coordination service): no change of the lock's children wakes more than
 *   one waiter. Caught: `watch-lock-node`.
 * Liveness after the heal: `lock-progress`, some client comes to hold the lock.
 * Metrics: `accepted-writes`, `fenced-writes` (refusals), `late-writes` (accepted from a
 * client that no longer held the lock by its clocks), `max-holders`, `handoffs` and
 * `handoff-ms` (from a holder's end to the next holder's start, when the lock changed hands);
 * for the coordination service `watch-notifications`, `notifications-per-handoff`,
 * `sessions-expired` and `expired-in-pause` (sessions that expired while their client was
 * paused).
 */
import type { Micros, NodeId } from '../../sim/index.js';
import { type AlwaysProperty, type Evidence, evidenceNow, type LivenessCheck, type World } from
  '../../sim/check/property.js';
import { isLockHolder } from './holder.js';
import { type AcceptedWrite, Storage } from './storage.js';
import { ZkServer } from './zkServer.js';

/** Whether client `id` holds the lock now, by its own clocks. */
function holds(world: World, id: NodeId): boolean {
  const program = world.program(id);
  return isLockHolder(program) && program.holdsAt(world.localTime(id), world.monotonicTime(id));
}

/** See the file comment. */
export class LockObserver {
  private lastIndex = -1;
  private storage: Storage | undefined;
  private seen = 0;
  /**
   * Writes this storage incarnation accepted that are not durable yet, with the disk's write
   * sequence they need, and whether the writer's lease had run out when the storage took them.
   */
  private undurable: { readonly write: AcceptedWrite; readonly sequence: number;
    readonly late: boolean; readonly seen: Evidence }[] = [];
  private lastToken = 0;
  private fencedBefore = 0;
  accepted = 0;
  late = 0;
  maxHolders = 0;
  /** Hands-offs: a client began to hold after another stopped; and their total time. */
  handoffs = 0;
  handoffTotal = 0;
  private holding = new Set<NodeId>();
  private freeSince: Micros | undefined;
  private lastHolder: NodeId | undefined;
  /** When some client last began to hold. */
  lastHoldStart = -Infinity;
  notifications = 0;
  private readonly wakesSeen = new Map<NodeId, { program: ZkServer; wakes: number;
    notifications: number }>();
  private readonly expired = new Set<string>();
  expiredInPause = 0;
  readonly problems = new Map<string, string>();
  /** The events that prove each problem, earliest first. */
  readonly evidence = new Map<string, Evidence[]>();
  /** Where the write with the highest token so far was accepted. */
  private highestSeen: Evidence | undefined;
  /** Where each client's current hold began, as its holder saw it. */
  private readonly holdingSince = new Map<NodeId, Evidence>();

  constructor(private readonly storageId: NodeId) {}

  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    const holders = world.clients.filter((c) => holds(world, c));
    this.maxHolders = Math.max(this.maxHolders, holders.length);
    for (const c of [...this.holdingSince.keys()]) {
      if (!holders.includes(c)) this.holdingSince.delete(c);
    }
    for (const c of holders) {
      if (!this.holdingSince.has(c)) {
        this.holdingSince.set(c, evidenceNow(world, `${c} holds the lock`, c));
      }
    }
    if (holders.length > 1 && !this.problems.has('one-holder')) {
      this.problems.set('one-holder', `${holders.join(' and ')} both hold the lock, each by its ` +
        `own clock`);
      this.evidence.set('one-holder', holders.map((c) => this.holdingSince.get(c) as Evidence)
        .sort((a, b) => a.index - b.index));
    }
    this.followHolders(world, holders);
    // Holding is judged on every client after every event: a lease runs out as clocks run,
    // with no event at the holder. The storage's writes and a coordination server's wake-ups
    // and expired sessions change only at events that touch that server (World.changed).
    for (const id of world.changed) {
      if (id === this.storageId) this.observeStorage(world);
      else {
        const program = world.program(id);
        if (program instanceof ZkServer) this.observeServer(world, id, program);
      }
    }
  }

  /** Refusals so far, across storage incarnations. */
  get fenced(): number {
    return this.fencedBefore + (this.storage?.fenced ?? 0);
  }

  private followHolders(world: World, holders: readonly NodeId[]): void {
    const now = new Set(holders);
    for (const id of now) {
      if (this.holding.has(id)) continue;
      this.lastHoldStart = world.now;
      if (this.freeSince !== undefined && this.lastHolder !== undefined && this.lastHolder !== id) {
        this.handoffs++;
        this.handoffTotal += world.now - this.freeSince;
      }
      this.lastHolder = id;
    }
    if (now.size === 0 && this.holding.size > 0) this.freeSince = world.now;
    if (now.size > 0) this.freeSince = undefined;
    this.holding = now;
  }

  private observeStorage(world: World): void {
    const program = world.program(this.storageId);
    const storage = program instanceof Storage ? program : undefined;
    if (storage !== this.storage) {
      this.fencedBefore += this.storage?.fenced ?? 0;
      this.storage = storage;
      this.seen = 0;
      this.undurable = []; // a crash took them back
    }
    if (storage === undefined) return;
    const disk = world.disk(this.storageId);
    for (; this.seen < storage.accepted.length; this.seen++) {
      const write = storage.accepted[this.seen];
      if (write === undefined) continue;
      // Late: the writer's lease had run out by its own clocks when the storage accepted it.
      const writer = world.program(write.client);
      const late = isLockHolder(writer) && !writer.leaseRunsAt(world.localTime(write.client),
        world.monotonicTime(write.client));
      const seen = evidenceNow(world, `the storage accepts ${write.client}'s write with token ${
        write.token}`, this.storageId);
      this.undurable.push({ write, sequence: disk.writeSequence, late, seen });
    }
    while (this.undurable.length > 0 &&
      (this.undurable[0] as { sequence: number }).sequence <= disk.durableSequence) {
      const { write, late, seen } = this.undurable.shift() as (typeof this.undurable)[number];
      this.accepted++;
      if (late) this.late++;
      if (write.token < this.lastToken && !this.problems.has('fenced-writes')) {
        this.problems.set('fenced-writes', `the storage accepted ${write.client}'s write with ` +
          `token ${write.token} after one with token ${this.lastToken}: two holders wrote`);
        this.evidence.set('fenced-writes',
          [...(this.highestSeen === undefined ? [] : [this.highestSeen]), seen]);
      }
      if (write.token > this.lastToken) this.highestSeen = seen;
      this.lastToken = Math.max(this.lastToken, write.token);
    }
  }

  /** Wake-ups (the herd) and expired sessions of a coordination server. */
  private observeServer(world: World, id: NodeId, server: ZkServer): void {
    let seen = this.wakesSeen.get(id);
    if (seen?.program !== server) {
      seen = { program: server, wakes: 0, notifications: 0 };
      this.wakesSeen.set(id, seen);
    }
    this.notifications += server.notifications - seen.notifications;
    seen.notifications = server.notifications;
    for (; seen.wakes < server.wakes.length; seen.wakes++) {
      const wake = server.wakes[seen.wakes];
      if (wake === undefined || wake.clients.length <= 1 || this.problems.has('no-herd')) continue;
      this.problems.set('no-herd', `one change (${wake.cause}) woke ${wake.clients.length} ` +
        `waiters: ${wake.clients.join(', ')}`);
      this.evidence.set('no-herd', [evidenceNow(world, `the service wakes ${
        wake.clients.join(' and ')}`, id)]);
    }
    for (const { session, client } of server.tree.expired) {
      if (this.expired.has(session)) continue;
      this.expired.add(session);
      if (world.clients.includes(client) && world.isPaused(client)) this.expiredInPause++;
    }
  }

  /** The figures of the run. */
  metrics(zookeeper: boolean): Record<string, number> {
    const out: Record<string, number> = { 'accepted-writes': this.accepted,
      'fenced-writes': this.fenced, 'late-writes': this.late, 'max-holders': this.maxHolders,
      handoffs: this.handoffs,
      'handoff-ms': this.handoffs === 0 ? 0
        : Math.round(this.handoffTotal / this.handoffs / 100) / 10 };
    if (!zookeeper) return out;
    return { ...out, 'watch-notifications': this.notifications,
      'notifications-per-handoff': this.handoffs === 0 ? 0
        : Math.round((this.notifications / this.handoffs) * 100) / 100,
      'sessions-expired': this.expired.size, 'expired-in-pause': this.expiredInPause };
  }
}

/** An `always` property answered by the observer. */
export function lockProperty(observer: LockObserver, name: string): AlwaysProperty {
  return { kind: 'always', name, check(world: World): string | undefined {
    observer.observe(world);
    return observer.problems.get(name);
  }, evidence: () => observer.evidence.get(name) };
}

/** `lock-progress`: some client comes to hold the lock after the heal. */
export function lockLiveness(observer: LockObserver): LivenessCheck[] {
  let healAt: Micros | undefined;
  return [{ name: 'lock-progress', explain: 'no client came to hold the lock after the heal',
    holds(world) {
      healAt ??= world.now;
      observer.observe(world);
      return observer.lastHoldStart >= healAt;
    } }];
}
