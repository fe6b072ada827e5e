/**
 * The omniscient observer of failure detectors. After every event it compares what each
 * monitor suspects with the truth the engine knows (which nodes are up, which are paused),
 * and measures:
 * - detection time: true time from a crash to the first suspicion of the crashed node by a
 *   monitor that was up at the crash (0 if it already suspected it);
 * - false suspicions: a monitor starts suspecting a node that is up (paused counts as up: a
 *   paused process has not crashed, however silent it is);
 * - mistake duration: from a false suspicion until the monitor trusts the node again (or the
 *   node really crashes, or the monitor does).
 * It also answers the two detector properties (invariants.ts): completeness within a bound
 * and accuracy after a grace period. Properties call `observe` first, so the figures are
 * collected whenever any detector property is checked.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import type { World } from '../../sim/check/property.js';

/** Reads whether `monitor` suspects `target`; undefined while the monitor is down. */
export type SuspicionReader =
  (world: World, monitor: NodeId, target: NodeId) => boolean | undefined;

/** Reads how many heartbeats `monitor` has received from `target`; undefined while down. */
export type HeardReader = (world: World, monitor: NodeId, target: NodeId) => number | undefined;

interface PairState {
  suspected: boolean;
  mistakeStart: Micros | undefined;
  /** Crash time of the target awaiting this monitor's detection. */
  pendingCrash: Micros | undefined;
  /** Heartbeats the monitor had received from the target at the last look, and when the
   * last one arrived (true time). */
  heard: number;
  heardAt: Micros;
}

/** Detector figures of one run. */
export interface DetectorFigures {
  readonly detections: readonly Micros[];
  readonly falseSuspicions: number;
  readonly mistakes: readonly Micros[];
  /** Open mistakes at the end of the run are not in `mistakes`. */
  readonly pairs: number;
}

/** Watches detectors against the truth; see the file comment. */
export class DetectorObserver {
  private readonly pairs = new Map<string, PairState>();
  private readonly up = new Map<NodeId, boolean>();
  private readonly liveSince = new Map<NodeId, Micros>();
  private readonly crashAt = new Map<NodeId, Micros>();
  private lastIndex = -1;
  private servers: ReadonlySet<NodeId> | undefined;
  readonly detections: Micros[] = [];
  readonly mistakes: Micros[] = [];
  falseSuspicions = 0;

  constructor(
    private readonly watched: readonly (readonly [monitor: NodeId, target: NodeId])[],
    private readonly read: SuspicionReader,
    private readonly heard?: HeardReader,
  ) {
    for (const [m, t] of watched) {
      this.pairs.set(`${m}>${t}`, { suspected: false, mistakeStart: undefined,
        pendingCrash: undefined, heard: 0, heardAt: 0 });
    }
  }

  /** Brings the observer up to date with the world; cheap to call twice for one event. */
  observe(world: World): void {
    if (world.eventIndex === this.lastIndex) return;
    this.lastIndex = world.eventIndex;
    // Only what the event may have changed (World.changed): a node's up and paused state
    // changes at its own crash, restart, pause or resume, and a pair's suspicion and heartbeat
    // count are the monitor's state, changed only at the monitor's events. (The properties
    // themselves still look at every pair after every event: their bounds run with time.)
    // The first look sees every server.
    const first = this.servers === undefined;
    const servers = (this.servers ??= new Set(world.servers));
    const changed = world.changed;
    if (first) for (const id of servers) this.observeNode(world, id);
    else for (const id of changed) if (servers.has(id)) this.observeNode(world, id);
    for (const [m, t] of this.watched) {
      if (first || changed.includes(m)) this.observePair(world, m, t);
    }
  }

  /** True time since which `id` has been up and not paused; undefined if it is not. */
  liveSinceOf(id: NodeId): Micros | undefined {
    return this.liveSince.get(id);
  }

  /** True time of the crash of `id`, while it is down. */
  crashTimeOf(id: NodeId): Micros | undefined {
    return this.crashAt.get(id);
  }

  /** True time the last heartbeat from `target` reached `monitor` (0 before any). */
  lastHeardAt(monitor: NodeId, target: NodeId): Micros {
    return this.pair(monitor, target).heardAt;
  }

  /** The pairs watched, as given. */
  get watchedPairs(): readonly (readonly [NodeId, NodeId])[] {
    return this.watched;
  }

  /** What the observer measured so far. */
  figures(): DetectorFigures {
    return { detections: this.detections, falseSuspicions: this.falseSuspicions,
      mistakes: this.mistakes, pairs: this.watched.length };
  }

  private observeNode(world: World, id: NodeId): void {
    const up = world.isUp(id);
    const live = up && !world.isPaused(id);
    if (!live) this.liveSince.delete(id);
    else if (!this.liveSince.has(id)) this.liveSince.set(id, world.now);
    const wasUp = this.up.get(id) ?? true;
    this.up.set(id, up);
    if (wasUp && !up) this.onCrash(world, id);
    if (!wasUp && up) {
      this.crashAt.delete(id);
      for (const [m, t] of this.watched) if (t === id) this.pair(m, t).pendingCrash = undefined;
    }
  }

  private onCrash(world: World, id: NodeId): void {
    this.crashAt.set(id, world.now);
    for (const [m, t] of this.watched) {
      if (t !== id || !world.isUp(m)) continue;
      const pair = this.pair(m, t);
      if (pair.mistakeStart !== undefined) this.closeMistake(pair, world.now);
      if (pair.suspected) this.detections.push(0);
      else pair.pendingCrash = world.now;
    }
  }

  private observePair(world: World, m: NodeId, t: NodeId): void {
    const pair = this.pair(m, t);
    const heard = this.heard?.(world, m, t);
    if (heard !== undefined && heard !== pair.heard) {
      pair.heard = heard;
      if (heard > 0) pair.heardAt = world.now;
    }
    const suspects = this.read(world, m, t);
    if (suspects === undefined) { // the monitor is down: it forgets everything
      if (pair.mistakeStart !== undefined) this.closeMistake(pair, world.now);
      pair.suspected = false;
      pair.pendingCrash = undefined;
      return;
    }
    if (suspects && !pair.suspected) {
      if (pair.pendingCrash !== undefined) {
        this.detections.push(world.now - pair.pendingCrash);
        pair.pendingCrash = undefined;
      } else if (world.isUp(t)) {
        this.falseSuspicions++;
        pair.mistakeStart = world.now;
      }
    } else if (!suspects && pair.suspected && pair.mistakeStart !== undefined) {
      this.closeMistake(pair, world.now);
    }
    pair.suspected = suspects;
  }

  private closeMistake(pair: PairState, now: Micros): void {
    this.mistakes.push(now - (pair.mistakeStart as Micros));
    pair.mistakeStart = undefined;
  }

  private pair(m: NodeId, t: NodeId): PairState {
    return this.pairs.get(`${m}>${t}`) as PairState;
  }
}

/** Mean of a list, or 0 when empty (a metric must be a number). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The detector metrics of a run, in milliseconds and per pair-hour. */
export function detectorMetrics(figures: DetectorFigures, now: Micros): Record<string, number> {
  const hours = now / 3_600_000_000;
  const perHour = hours > 0 && figures.pairs > 0
    ? figures.falseSuspicions / hours / figures.pairs : 0;
  return {
    'detections': figures.detections.length,
    'detection-time-ms': round(mean(figures.detections) / 1_000),
    'detection-time-max-ms': round(Math.max(0, ...figures.detections) / 1_000),
    'false-suspicions': figures.falseSuspicions,
    'false-suspicions-per-hour': round(perHour),
    'mistake-duration-ms': round(mean(figures.mistakes) / 1_000),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
