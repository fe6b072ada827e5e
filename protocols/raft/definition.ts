/**
 * Raft as Faultline runs it: the parameter schema (with its bug switches), the bug catalogue,
 * and `setup`, which builds the servers, the shared KV clients, the properties, the liveness
 * checks, the history model and the metrics of one run.
 */
import { z } from 'zod';
import { kvModel } from '../../sim/check/models/kv.js';
import type { AnyModel } from '../../sim/check/model.js';
import { Client, kvOperations } from '../../sim/check/workload.js';
import { ConfigError, type NodeId, type NodeProgram } from '../../sim/index.js';
import { type AckedWrite, lostBySession } from '../../sim/check/recovery.js';
import type { World } from '../../sim/check/property.js';
import type { ProtocolDefinition, WorkloadSpec } from '../protocol.js';
import { raftBugs } from './bugs.js';
import { bugList, duration, timer, timerRange } from '../params.js';
import { BUG_NAMES, type BugName, type RaftConfig, type RaftStats } from './config.js';
import { raftNode, raftProperties, RaftObserver, SAFETY_PROPERTIES } from './invariants.js';
import { raftLiveness } from './liveness.js';
import { raftMetrics } from './metrics.js';
import { raftFuzz } from './nemesis.js';
import { RaftNode } from './node.js';
import { raftView } from './view.js';

/** Raft's parameters as a scenario file writes them. */
export const raftParams = z.object({
  electionTimeout: timerRange().default([150_000, 300_000]),
  heartbeat: timer().default(50_000),
  preVote: z.boolean().default(false),
  checkQuorum: z.boolean().default(false),
  reads: z.enum(['read-index', 'log']).default('read-index'),
  maxBatch: z.number().int().min(1).max(10_000).default(64),
  batchDelay: duration().default(0)
    .describe('how long a leader collects client requests before one flush replicates them ' +
      'and starts one ReadIndex round for the reads among them; 0 sends at each request'),
  snapshotEvery: z.number().int().min(0).max(1_000_000).default(0)
    .describe('applied entries between snapshots (log compaction); 0 never snapshots'),
  snapshotChunk: z.number().int().min(1).max(1_000_000).default(64)
    .describe('most snapshot records (keys and client sessions) in one InstallSnapshot'),
  members: z.number().int().min(1).optional()
    .describe('servers n1..nK that form the first configuration (default: every server); ' +
      'the others start as spares with empty logs, until an operator adds them'),
  catchUpRounds: z.number().int().min(1).max(100).default(10)
    .describe('rounds of replication a new server gets as a non-voting learner before it is ' +
      'added (thesis §4.2.1): it is added once a round takes less than the minimum election ' +
      'timeout, and the change is refused after this many rounds'),
  bugs: bugList(BUG_NAMES as unknown as readonly [BugName, ...BugName[]]),
}).strict();

export type RaftParams = z.infer<typeof raftParams>;


/** The node configuration for parsed parameters, on a cluster of `servers`. */
export function raftConfig(params: RaftParams, servers: readonly NodeId[]): RaftConfig {
  const members = params.members ?? servers.length;
  if (members > servers.length) {
    throw new ConfigError('params.members', `at most the ${servers.length} servers of the ` +
      `cluster, got ${members}`);
  }
  return { electionTimeout: params.electionTimeout, heartbeat: params.heartbeat,
    preVote: params.preVote, checkQuorum: params.checkQuorum, reads: params.reads,
    maxBatch: params.maxBatch, batchDelay: params.batchDelay, snapshotEvery: params.snapshotEvery,
    snapshotChunk: params.snapshotChunk,
    ...(params.members === undefined ? {} : { initialVoters: servers.slice(0, members) }),
    catchUpRounds: params.catchUpRounds, bugs: new Set(params.bugs) };
}

function kvClient(workload: WorkloadSpec | undefined, stopAt: number | undefined): Client {
  const mix = workload?.mix ?? {};
  const weight = (name: string, fallback: number): number => mix[name] ?? (
    Object.keys(mix).length === 0 ? fallback : 0);
  return new Client({
    interval: Math.round(1_000_000 / (workload?.rate ?? 10)),
    timeout: workload?.timeout ?? 500_000,
    attempts: workload?.attempts ?? 3,
    ...(stopAt === undefined ? {} : { stopAt }),
    generate: kvOperations(workload?.keys ?? 4, { get: weight('get', 0.4),
      put: weight('put', 0.3), append: weight('append', 0.15), cas: weight('cas', 0.15) },
    workload?.valueBytes),
  });
}

export const raft: ProtocolDefinition<RaftParams> = {
  name: 'raft',
  description: 'Raft consensus (extended paper and thesis) replicating a key-value store with ' +
    'client sessions; PreVote, CheckQuorum, ReadIndex, log compaction with InstallSnapshot ' +
    'and request batching as options.',
  params: raftParams,
  bugs: raftBugs,
  propertyNames: [...SAFETY_PROPERTIES, 'leader-elected', 'linearizable', 'servers-caught-up'],
  view: raftView,
  fuzz: raftFuzz,
  membership: { ops: ['add', 'remove', 'transfer'], membersParam: 'members' },
  setup({ servers, params, workload, clientsStopAt }) {
    const config = raftConfig(params, servers);
    const stats: RaftStats = { messages: 0, bytes: 0, snapshotsTaken: 0, snapshotsInstalled: 0,
      snapshotRestores: 0 };
    const observer = new RaftObserver(() => stats.messages);
    return {
      program: (id) => (id.startsWith('n') ? new RaftNode(config, stats)
        : kvClient(workload, clientsStopAt)) as NodeProgram<unknown>,
      properties: raftProperties(observer),
      // After every event whichever properties a scenario selects: the observer also keeps
      // the figures the metrics report (first leader, leaders elected, commits, log sizes).
      observe: (world) => observer.observe(world),
      liveness: raftLiveness(),
      model: kvModel({ failedCasIsObservation: true }) as unknown as AnyModel,
      metrics: (world) => raftMetrics(world, observer, stats),
      lostWrites: (world) => lostWrites(world),
      inspect: (program) => inspectNode(program),
    };
  },
};

/** Acknowledged writes the most advanced live server's state machine does not hold. */
function lostWrites(world: World): AckedWrite[] {
  let best: RaftNode | undefined;
  for (const id of world.servers) {
    const node = raftNode(world.program(id));
    if (node !== undefined && node.lastApplied >= (best?.lastApplied ?? -1)) best = node;
  }
  return lostBySession(world.history, (client) => best?.kv.sessions.get(client)?.seq ?? 0);
}

function inspectNode(program: NodeProgram<unknown>): unknown {
  const node = raftNode(program);
  if (node === undefined) return undefined;
  return { role: node.role, term: node.currentTerm, votedFor: node.votedFor,
    leader: node.leaderId ?? null, commitIndex: node.commitIndex, lastApplied: node.lastApplied,
    logLength: node.log.lastIndex, logTail: node.log.entries.slice(-8),
    snapshot: node.snapshot === undefined ? null
      : { index: node.snapshot.index, term: node.snapshot.term },
    disabled: node.disabled ?? null,
    repairUpTo: node.repairUpTo, data: Object.fromEntries(node.kv.data) };
}
