/**
 * Property monitoring: after each event that recorded something, the observers read the
 * world, then each `always` property is checked (the first that fails is the violation),
 * each `sometimes` property that holds is crossed off, and so is each liveness check that
 * holds once everything has healed. It keeps `World.changed`: the nodes touched since the
 * last check.
 *
 * @internal
 */
import type { LivenessPhase, Property, Violation, World } from '../check/property.js';
import type { NodeId } from '../types.js';
import type { NodeHost } from './host.js';

/** A violation found, before the engine records it (its index and time are the engine's). */
export interface Finding {
  readonly name: string;
  readonly kind: Violation['kind'];
  readonly explanation: string;
  readonly evidence?: Violation['evidence'];
}

export class Monitor {
  /** Whether anything is checked after events (the engine skips the call otherwise). */
  readonly active: boolean;
  private readonly pendingSometimes: Set<string>;
  private readonly pendingLiveness = new Set<string>();
  /** `World.changed`: a new array after each check, so a reader may keep the one it got. */
  private changedNodes: NodeId[] = [];
  /** Numbers the checks, so `touch` lists a node once between two checks. */
  private epoch = 0;

  constructor(
    private readonly properties: readonly Property[],
    private readonly observers: readonly ((world: World) => void)[],
    private readonly liveness: LivenessPhase | undefined,
  ) {
    this.active = properties.length > 0 || liveness !== undefined || observers.length > 0;
    this.pendingSometimes = new Set(
      properties.filter((p) => p.kind === 'sometimes').map((p) => p.name),
    );
  }

  get changed(): readonly NodeId[] {
    return this.changedNodes;
  }

  /** Whether some `sometimes` property has not held yet. */
  get awaitingSometimes(): boolean {
    return this.pendingSometimes.size > 0;
  }

  /**
   * Notes that a node's state may have changed (see `World.changed`). Nothing is listed when
   * nothing is checked, so the list cannot grow without end.
   */
  touch(host: NodeHost): void {
    if (!this.active || host.touchedInEpoch === this.epoch) return;
    host.touchedInEpoch = this.epoch;
    this.changedNodes.push(host.id);
  }

  /** Runs the observers and the checks; returns the first `always` property that fails. */
  check(world: World): Finding | undefined {
    try {
      return this.runChecks(world);
    } finally {
      if (this.changedNodes.length > 0) this.changedNodes = [];
      this.epoch++;
    }
  }

  /** The liveness phase has begun: its checks must each hold before its deadline. */
  startLiveness(): void {
    for (const check of this.liveness?.checks ?? []) this.pendingLiveness.add(check.name);
  }

  /** At the liveness deadline: the first check that never held, if any. */
  missedLiveness(world: World, healedAt: Violation['evidence'] | undefined): Finding | undefined {
    const live = this.liveness;
    if (live === undefined) return undefined;
    for (const check of live.checks) {
      if (this.pendingLiveness.has(check.name)) {
        const detail = check.detail?.(world);
        return { name: check.name, kind: 'liveness', explanation:
          `${check.explain} (not within ${live.settle / 1000} ms after the heal at ` +
            `${live.healAt / 1000} ms)${detail === undefined ? '' : `: ${detail}`}`,
          ...(healedAt === undefined ? {} : { evidence: healedAt }) };
      }
    }
    return undefined;
  }

  /** At the end of a run: the first `sometimes` property that never held, if any. */
  missedSometimes(): Finding | undefined {
    for (const property of this.properties) {
      if (property.kind === 'sometimes' && this.pendingSometimes.has(property.name)) {
        return { name: property.name, kind: 'sometimes', explanation: property.explain };
      }
    }
    return undefined;
  }

  private runChecks(world: World): Finding | undefined {
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) (observers[i] as (world: World) => void)(world);
    const properties = this.properties;
    for (let i = 0; i < properties.length; i++) {
      const property = properties[i] as Property;
      if (property.kind === 'always') {
        const problem = property.check(world);
        if (problem !== undefined) {
          const evidence = property.evidence?.(world);
          return { name: property.name, kind: 'safety', explanation: problem,
            ...(evidence === undefined ? {} : { evidence }) };
        }
      } else if (this.pendingSometimes.size > 0 && this.pendingSometimes.has(property.name) &&
        property.holds(world)) {
        this.pendingSometimes.delete(property.name);
      }
    }
    if (this.pendingLiveness.size > 0) {
      for (const check of this.liveness?.checks ?? []) {
        if (this.pendingLiveness.has(check.name) && check.holds(world)) {
          this.pendingLiveness.delete(check.name);
        }
      }
    }
    return undefined;
  }
}
