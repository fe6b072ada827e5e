/**
 * The lock's properties, judged by an omniscient observer after every event:
 * - `fenced-writes` (mutual exclusion on the guarded resource): the storage accepts writes
 *   in non-decreasing token order, across its restarts. A write counts once it is durable
 *   (the storage acknowledges it only then); one that a crash took back before its sync never
 *   happened, and a lower token accepted after it breaks nothing (faultline fuzz lock --seed
 *   1, runs 679 and 4395: scenarios/lock/unsynced-write-lost.yaml). A holder that paused past
 *   its lease and writes after a newer holder breaks it unless the storage checks tokens.
 * - `one-holder`: at no instant do two clients hold a lease, each judged on its own local
 *   clock. It assumes what leases assume: clock drift within the margin and no clock steps
 *   on clients. It catches `wall-clock-lease`.
 * Metrics: `accepted-writes`, `fenced-writes` (refusals), `late-writes` (writes accepted from
 * a client whose lease had expired), `max-holders`.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import type { AlwaysProperty, World } from '../../sim/check/property.js';
import { LockClient } from './lockClient.js';
import { type AcceptedWrite, Storage } from './storage.js';

/**
 * A node's local time. `World` has no local clocks; the engine that implements it does (see
 * the report: World should expose `localTime`).
 */
function localTime(world: World, id: NodeId): Micros | undefined {
  const engine = world as World & { localTime?: (id: NodeId) => Micros };
  return typeof engine.localTime === 'function' ? engine.localTime(id) : undefined;
}

/** See the file comment. */
export class LockObserver {
  private lastIndex = -1;
  private storage: Storage | undefined;
  private seen = 0;
  /** Writes this storage incarnation accepted that are not durable yet, with the disk's write
   * sequence they need. */
  private undurable: { readonly write: AcceptedWrite; readonly sequence: number;
    readonly late: boolean }[] = [];
  private lastToken = 0;
  private fencedBefore = 0;
  accepted = 0;
  late = 0;
  maxHolders = 0;
  readonly problems = new Map<string, string>();

  constructor(private readonly storageId: NodeId) {}

  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    const holders = world.clients.filter((c) => {
      const program = world.program(c);
      const now = localTime(world, c);
      return program instanceof LockClient && now !== undefined && program.holds(now);
    });
    this.maxHolders = Math.max(this.maxHolders, holders.length);
    if (holders.length > 1 && !this.problems.has('one-holder')) {
      this.problems.set('one-holder', `${holders.join(' and ')} both hold the lock, each by its ` +
        `own clock`);
    }
    this.observeStorage(world);
  }

  /** Refusals so far, across storage incarnations. */
  get fenced(): number {
    return this.fencedBefore + (this.storage?.fenced ?? 0);
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
      // Late: the writer's lease had expired on its own clock when the storage accepted it.
      const writer = world.program(write.client);
      const now = localTime(world, write.client);
      const late = writer instanceof LockClient && now !== undefined && now >= writer.expiresAt;
      this.undurable.push({ write, sequence: disk.writeSequence, late });
    }
    while (this.undurable.length > 0 &&
      (this.undurable[0] as { sequence: number }).sequence <= disk.durableSequence) {
      const { write, late } = this.undurable.shift() as (typeof this.undurable)[number];
      this.accepted++;
      if (late) this.late++;
      if (write.token < this.lastToken && !this.problems.has('fenced-writes')) {
        this.problems.set('fenced-writes', `the storage accepted ${write.client}'s write with ` +
          `token ${write.token} after one with token ${this.lastToken}: two holders wrote`);
      }
      this.lastToken = Math.max(this.lastToken, write.token);
    }
  }
}

/** An `always` property answered by the observer. */
export function lockProperty(observer: LockObserver, name: string): AlwaysProperty {
  return { kind: 'always', name, check(world: World): string | undefined {
    observer.observe(world);
    return observer.problems.get(name);
  } };
}
