/**
 * The failure-detector properties (Chandra and Toueg, "Unreliable failure detectors for
 * reliable distributed systems", JACM 1996), made checkable in a finite run:
 * - `completeness` (always): a node crashed for longer than `bound` is suspected by every
 *   monitor that was up and not paused from the crash on, the bound counted from the crash or
 *   from the arrival of the last heartbeat the node sent, whichever is later (a beat delayed
 *   past the crash keeps the node alive to any detector until it arrives; found by `faultline
 *   fuzz heartbeat --seed 1`, run 247, whose nemesis slowed the network to 400 ms). A timeout
 *   detector guarantees it with a bound of its timeout (stretched by clock drift) plus its
 *   check interval.
 * - `no-false-suspicion` (always): a monitor never suspects a node when both have been up and
 *   not paused for longer than `grace`. This is accuracy under the synchronous model the
 *   fixed detector's timeout assumes: no loss, no partition, delays at most `maxDelay`, no
 *   pause, bounded drift. Under loss or partitions it is expected to fail; check it only in
 *   runs that honour the model. It catches `timeout-below-delay`.
 * - `eventually-trusted` (liveness): once faults heal, every up monitor trusts every up node.
 */
import type { Micros, NodeId } from '../../sim/index.js';
import { type AlwaysProperty, type Evidence, evidenceNow, type LivenessCheck, type World } from
  '../../sim/check/property.js';
import type { DetectorObserver, SuspicionReader } from './observer.js';

const ms = (t: Micros): string => `${Math.round(t / 100) / 10} ms`;

/** `completeness` with a detection bound (true microseconds). */
export function completeness(observer: DetectorObserver, read: SuspicionReader, bound: Micros):
AlwaysProperty {
  /** Where each node now down crashed, seen at the event of its crash. */
  const crashes = new Map<NodeId, Evidence>();
  let evidence: Evidence[] = [];
  return {
    kind: 'always',
    name: 'completeness',
    check(world: World): string | undefined {
      observer.observe(world);
      for (const [m, t] of observer.watchedPairs) {
        const crashed = observer.crashTimeOf(t);
        if (crashed === undefined) crashes.delete(t);
        else if (!crashes.has(t)) crashes.set(t, evidenceNow(world, `${t} crashes`, t));
        const since = observer.liveSinceOf(m);
        if (crashed === undefined || since === undefined || since > crashed) continue;
        // A heartbeat sent before the crash and delayed past it keeps the node alive to the
        // monitor until it arrives: the bound runs from the later of the two.
        const from = Math.max(crashed, observer.lastHeardAt(m, t));
        if (world.now - from > bound && read(world, m, t) === false) {
          evidence = [crashes.get(t) as Evidence,
            evidenceNow(world, `${m} still trusts ${t}`, m)];
          const late = from > crashed ? `, its last heartbeat arrived at ${ms(from)},` : '';
          return `${t} crashed at ${ms(crashed)}${late} and ${m}, up all along, still trusts ` +
            `it ${ms(world.now - from)} later (bound ${ms(bound)})`;
        }
      }
      return undefined;
    },
    evidence: () => evidence,
  };
}

/** `no-false-suspicion` after `grace` of both nodes being live. */
export function noFalseSuspicion(observer: DetectorObserver, read: SuspicionReader, grace: Micros):
AlwaysProperty {
  let evidence: Evidence[] = [];
  return {
    kind: 'always',
    name: 'no-false-suspicion',
    check(world: World): string | undefined {
      observer.observe(world);
      for (const [m, t] of observer.watchedPairs) {
        const mSince = observer.liveSinceOf(m);
        const tSince = observer.liveSinceOf(t);
        if (mSince === undefined || tSince === undefined) continue;
        if (world.now - Math.max(mSince, tSince) <= grace) continue;
        if (read(world, m, t) === true) {
          evidence = [evidenceNow(world, `${m} suspects ${t}, which is up`, m)];
          return `${m} suspects ${t}, though ${t} has been up and running since ` +
            `${ms(tSince)} and ${m} since ${ms(mSince)} (grace ${ms(grace)})`;
        }
      }
      return undefined;
    },
    evidence: () => evidence,
  };
}

/** `eventually-trusted`: every up monitor trusts every up node it watches. */
export function eventuallyTrusted(pairs: readonly (readonly [NodeId, NodeId])[],
  read: SuspicionReader): LivenessCheck {
  return {
    name: 'eventually-trusted',
    explain: 'some monitor still suspected a live node',
    holds: (world) => pairs.every(([m, t]) => !world.isUp(t) || read(world, m, t) !== true),
  };
}

