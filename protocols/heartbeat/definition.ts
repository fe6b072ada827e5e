/**
 * The `heartbeat` protocol for the registry: nodes that send heartbeats and watch each other
 * with a fixed-timeout or a phi-accrual detector, judged against the truth by the observer.
 * It has no clients; its product is its metrics (detection time, false suspicions per hour,
 * mistake duration) and its properties (invariants.ts).
 */
import { HEARTBEAT_BUG_CATALOGUE } from './bugs.js';
import { heartbeatFuzz } from './nemesis.js';
import { z } from 'zod';
import type { NodeId } from '../../sim/index.js';
import type { World } from '../../sim/check/property.js';
import type { ProtocolDefinition } from '../protocol.js';
import { bugList, duration, timer } from '../params.js';
import { type DetectorSettings, fixedTimeout } from './detector.js';
import { completeness, eventuallyTrusted, noFalseSuspicion } from './invariants.js';
import { HeartbeatNode, links } from './node.js';
import { DetectorObserver, detectorMetrics, type HeardReader, type SuspicionReader } from
  './observer.js';
import { heartbeatView } from './view.js';

/** The bug switches of the heartbeat protocol. */
export const HEARTBEAT_BUGS = ['timeout-below-delay'] as const;

/** Detector parameters, shared with the replication protocol. */
export const detectorParams = {
  detector: z.enum(['fixed', 'phi']).default('fixed'),
  period: timer().default(50_000),
  missedBeats: z.number().int().min(1).max(100).default(3),
  maxDelay: duration().default(100_000),
  threshold: z.number().positive().max(100).default(8),
  window: z.number().int().min(2).max(10_000).default(100),
  minStdDev: duration({ min: 1 }).default(5_000),
  checkInterval: timer().default(10_000),
};

const params = z.object({
  ...detectorParams,
  topology: z.enum(['all-to-all', 'star']).default('all-to-all'),
  /** Completeness bound; default: twice (timeout + check interval) plus maxDelay. */
  detectionBound: timer().optional(),
  notePhi: z.boolean().default(false),
  /**
   * The run honours the synchronous model the fixed timeout assumes (no loss, no partition,
   * delays at most maxDelay, no pause): adds the accuracy property `no-false-suspicion`.
   */
  synchronous: z.boolean().default(false),
  bugs: bugList(HEARTBEAT_BUGS),
}).strict();

/** Parsed parameters of `heartbeat`. */
export type HeartbeatParams = z.infer<typeof params>;

/** The detector settings that parameters describe. */
export function detectorSettings(p: z.infer<z.ZodObject<typeof detectorParams>>,
  timeoutBelowDelay: boolean): DetectorSettings {
  return p.detector === 'fixed'
    ? { kind: 'fixed', period: p.period, missedBeats: p.missedBeats, maxDelay: p.maxDelay,
      timeoutBelowDelay }
    : { kind: 'phi', period: p.period, threshold: p.threshold, window: p.window,
      minStdDev: p.minStdDev, timeoutBelowDelay };
}

/** The fixed detector's timeout for these parameters (the phi detector's equivalent patience). */
export function nominalTimeout(p: z.infer<z.ZodObject<typeof detectorParams>>): number {
  return fixedTimeout({ period: p.period, missedBeats: p.missedBeats, maxDelay: p.maxDelay,
    timeoutBelowDelay: false });
}

const readSuspicion: SuspicionReader = (world: World, m: NodeId, t: NodeId) => {
  const program = world.program(m);
  return program instanceof HeartbeatNode ? program.suspects(t) : undefined;
};

const readHeard: HeardReader = (world: World, m: NodeId, t: NodeId) => {
  const program = world.program(m);
  return program instanceof HeartbeatNode ? program.heard(t) : undefined;
};

/** The heartbeat protocol. */
export const heartbeat: ProtocolDefinition<HeartbeatParams> = {
  name: 'heartbeat',
  description: 'Heartbeat failure detection: fixed-timeout and phi-accrual detectors.',
  params: params as unknown as z.ZodType<HeartbeatParams>,
  bugs: HEARTBEAT_BUG_CATALOGUE,
  propertyNames: ['completeness', 'no-false-suspicion', 'eventually-trusted'],
  view: heartbeatView,
  fuzz: heartbeatFuzz,
  setup({ servers, params: p }) {
    const settings = detectorSettings(p, p.bugs.includes('timeout-below-delay'));
    const watched = servers.flatMap((m) => links(m, servers, p.topology).watch
      .map((t) => [m, t] as const));
    const observer = new DetectorObserver(watched, readSuspicion, readHeard);
    const timeout = nominalTimeout(p);
    const bound = p.detectionBound ?? 2 * (timeout + p.checkInterval) + p.maxDelay;
    const grace = timeout + p.period + p.maxDelay + p.checkInterval;
    // Phi has no fixed worst case (a long pause widens its window): completeness is checked
    // for it only against an explicit bound.
    const complete = p.detector === 'fixed' || p.detectionBound !== undefined;
    return {
      program: () => new HeartbeatNode({ detector: settings, topology: p.topology,
        checkInterval: p.checkInterval, notePhi: p.notePhi }),
      properties: [
        ...(complete ? [completeness(observer, readSuspicion, bound)] : []),
        ...(p.synchronous ? [noFalseSuspicion(observer, readSuspicion, grace)] : []),
      ],
      notApplicable: {
        ...(complete ? {} : { completeness: 'a phi detector has no fixed worst case (a long ' +
          'pause widens its window): give params.detectionBound to check it against' }),
        ...(p.synchronous ? {} : { 'no-false-suspicion': 'it assumes the synchronous model of ' +
          'the fixed timeout (no loss, no partition, no pause, delays at most maxDelay); ' +
          'declare it with params.synchronous: true' }),
      },
      // Measures the detectors after every event, whichever properties a scenario selects.
      observe: (world) => observer.observe(world),
      liveness: [eventuallyTrusted(watched, readSuspicion)],
      metrics: (world) => {
        observer.observe(world);
        return detectorMetrics(observer.figures(), world.now);
      },
      inspect: (program) => program instanceof HeartbeatNode
        ? { suspected: servers.filter((s) => program.suspects(s)) } : undefined,
    };
  },
};
