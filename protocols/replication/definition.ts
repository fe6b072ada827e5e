/**
 * The `replication` protocol for the registry: one master and N − 1 slaves holding a
 * key-value store, replicating asynchronously, semi-synchronously (k slave acks) or
 * synchronously (all), with read/write splitting, failover by an epoch election when the
 * slaves' failure detectors suspect the master, and epochs as fencing tokens.
 */
import { replicationFuzz } from './nemesis.js';
import { z } from 'zod';
import { ConfigError, type NodeId } from '../../sim/index.js';
import type { AnyModel } from '../../sim/check/model.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { kvOperations } from '../../sim/check/workload.js';
import type { ProtocolDefinition, WorkloadSpec } from '../protocol.js';
import { bugList, timer } from '../params.js';
import { detectorParams, detectorSettings, nominalTimeout } from '../heartbeat/definition.js';
import { observed, replicasAgree } from './invariants.js';
import { lostWrites, replicationMetrics } from './metrics.js';
import { ReplicaNode } from './node.js';
import { ReplicationObserver } from './observer.js';
import { ackedWritesSurvive, requiredAcks } from './options.js';
import { READ_POLICIES, RoutingClient } from './routingClient.js';
import { REPLICATION_BUGS, replicationBugs } from './bugs.js';
import { replicationView } from './view.js';

const params = z.object({
  mode: z.enum(['async', 'semi-sync', 'sync']).default('semi-sync'),
  /** Slave acknowledgements per write in semi-sync mode. */
  acks: z.number().int().min(0).max(100).default(1),
  /** Where reads go: the master, or a load-balancing policy over the slaves (routingClient.ts). */
  reads: z.enum(READ_POLICIES).default('master'),
  /**
   * How the master answers a read: `read-index` once a majority confirmed it is still master
   * (linearizable), or `local` from its own state at once, as MySQL, PostgreSQL and Redis
   * primaries do (a master cut off from the others keeps answering, possibly stale).
   */
  masterReads: z.enum(['read-index', 'local']).default('read-index'),
  /** Relative read weights of servers for the weighted policies (1 when not named). */
  weights: z.record(z.string(), z.number().positive()).default({}),
  ...detectorParams,
  /** Base election delay; default: the detector's nominal timeout. */
  electionTimeout: timer().optional(),
  batch: z.number().int().min(1).max(10_000).default(64),
  /**
   * The run honours the synchronous model the detector's timeout assumes (no loss, no
   * partition, delays at most maxDelay, no pause): adds the property `no-false-failover`.
   */
  synchronous: z.boolean().default(false),
  members: z.number().int().min(1).optional()
    .describe('servers n1..nK that form the first configuration (default: every server); ' +
      'the others start as spares, until an operator adds them'),
  catchUpRounds: z.number().int().min(1).max(100).default(10)
    .describe('rounds of log a joining replica gets after its snapshot before it counts ' +
      '(thesis §4.2.1): it is added once a round takes less than the election timeout, and ' +
      'the change is given up after this many rounds'),
  snapshotChunk: z.number().int().min(1).max(1_000_000).default(64)
    .describe('most snapshot records (keys, client sessions, applied writes) in one ' +
      'InstallSnapshot'),
  bugs: bugList(REPLICATION_BUGS),
}).strict();

/** Parsed parameters of `replication`. */
export type ReplicationParams = z.infer<typeof params>;

const PROPERTIES = ['one-master-per-epoch', 'epochs-monotonic', 'no-lost-acked-write',
  'no-false-failover'] as const;

function clientOptions(workload: WorkloadSpec) {
  const mix = { get: workload.mix.get ?? 0, put: workload.mix.put ?? 0,
    append: workload.mix.append ?? 0, cas: workload.mix.cas ?? 0 };
  const empty = mix.get + mix.put + mix.append + mix.cas === 0;
  return { interval: Math.round(1e6 / workload.rate), timeout: workload.timeout,
    attempts: workload.attempts,
    generate: kvOperations(workload.keys, empty ? { get: 2, put: 1, append: 1, cas: 1 } : mix,
      workload.valueBytes) };
}

/** The replication protocol. */
export const replication: ProtocolDefinition<ReplicationParams> = {
  name: 'replication',
  description: 'Master-slave replication (async, semi-sync, sync) with failover and fencing.',
  params: params as unknown as z.ZodType<ReplicationParams>,
  bugs: replicationBugs,
  propertyNames: [...PROPERTIES, 'linearizable', 'replicas-agree'],
  view: replicationView,
  fuzz: replicationFuzz,
  membership: { ops: ['add', 'remove'], membersParam: 'members' },
  setup({ servers, params: p, workload }) {
    for (const id of Object.keys(p.weights)) {
      if (!servers.includes(id)) {
        throw new ConfigError('params.weights', `a server (${servers.join(', ')}), got ${id}`);
      }
    }
    const members = p.members ?? servers.length;
    if (members > servers.length) {
      throw new ConfigError('params.members', `at most the ${servers.length} servers of the ` +
        `cluster, got ${members}`);
    }
    const bugs = new Set(p.bugs);
    // Promised only if it holds at every size the configuration may take: the largest, every
    // server, is the weakest (a majority grows faster than semi-sync's fixed acks).
    const survive = ackedWritesSurvive(requiredAcks(p.mode, p.acks, servers.length),
      servers.length);
    const timeout = nominalTimeout(p);
    const options = {
      mode: p.mode, acks: p.acks, initialMembers: servers.slice(0, members),
      catchUpRounds: p.catchUpRounds, snapshotChunk: p.snapshotChunk,
      detector: detectorSettings(p, bugs.has('timeout-below-delay')),
      checkInterval: p.checkInterval, electionTimeout: p.electionTimeout ?? timeout,
      slaveReads: p.reads !== 'master', localReads: p.masterReads === 'local', batch: p.batch,
      fencing: !bugs.has('no-fencing'),
      ackBeforeReplication: bugs.has('async-ack-failover'),
      countBeforeCaughtUp: bugs.has('count-before-caught-up'),
      snapshotWithoutTail: bugs.has('snapshot-without-tail'),
    };
    const grace = timeout + p.period + p.maxDelay + p.checkInterval;
    const observer = new ReplicationObserver(grace);
    const properties = PROPERTIES.filter((name) => p.synchronous || name !== 'no-false-failover');
    return {
      program: (id: NodeId) => id.startsWith('n') ? new ReplicaNode(options)
        : new RoutingClient(clientOptions(workload as WorkloadSpec), p.reads, p.weights),
      properties: properties.map((name) => observed(observer, name)),
      // Where acknowledged writes do not survive a failover (async, small semi-sync) or reads
      // go to slaves or skip the master's confirmation, the protocol does not promise them or
      // linearizability; both are still checked when a scenario names them, and then show
      // what the mode costs.
      promised: [...properties.filter((name) => survive || name !== 'no-lost-acked-write'),
        ...(survive && p.reads === 'master' && p.masterReads === 'read-index'
          ? ['linearizable'] : [])],
      ...(p.synchronous ? {} : { notApplicable: { 'no-false-failover': 'it assumes the ' +
        'synchronous model of the detector\'s timeout (no loss, no partition, no pause, delays ' +
        'at most maxDelay); declare it with params.synchronous: true' } }),
      // Runs after every event whichever properties a scenario selects, so the metrics see
      // the whole run even when a scenario checks only `linearizable`.
      observe: (world) => observer.observe(world),
      liveness: [replicasAgree(observer)],
      model: kvModel({ failedCasIsObservation: true }) as unknown as AnyModel,
      metrics: (world) => replicationMetrics(world, observer),
      lostWrites: () => lostWrites(observer),
      inspect: (program) => program instanceof ReplicaNode ? {
        role: program.role, epoch: program.epoch, master: program.master ?? null,
        commit: program.commit, lastIndex: program.log.lastIndex,
        members: [...program.configuration().list],
        store: Object.fromEntries([...program.store].sort()),
      } : undefined,
    };
  },
};
