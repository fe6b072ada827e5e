/**
 * The `lock` protocol for the registry: four locks guarding one storage service (the last
 * server), with the same clients' cycle and the same properties:
 * - `lease`: a lock service (n1) with leases and fencing tokens (lockService.ts);
 * - `redis`: one Redis instance (n1), SET NX PX and compare-and-delete (redis.ts,
 *   redisClient.ts);
 * - `redlock`: Redlock over every server but the storage (redlockClient.ts);
 * - `zookeeper`: a coordination service on Raft over every server but the storage, with
 *   sessions, ephemeral sequential nodes and watches (zkTree.ts, zkServer.ts, zkClient.ts).
 * Pausing a client (`pause: c1`) past its lease is the classic failure they all share.
 */
import { z } from 'zod';
import { ConfigError, type NodeContext, type NodeId, type NodeProgram } from
  '../../sim/index.js';
import type { ProtocolDefinition, ProtocolSetup } from '../protocol.js';
import { bugList, duration, timer, timerRange } from '../params.js';
import type { RaftConfig, RaftStats } from '../raft/config.js';
import { BUG_VARIANT, LOCK_BUGS, LOCK_VARIANTS, type LockBug, lockBugs, type LockVariant } from
  './bugs.js';
import { lockLiveness, LockObserver, lockProperty } from './invariants.js';
import { LockClient } from './lockClient.js';
import { LockService } from './lockService.js';
import type { LockMessage } from './messages.js';
import { lockFuzz, lockServers } from './nemesis.js';
import { RedisServer } from './redis.js';
import { RedisLockClient } from './redisClient.js';
import { RedlockClient } from './redlockClient.js';
import { Storage } from './storage.js';
import { lockView } from './view.js';
import { ZkLockClient } from './zkClient.js';
import { ZkServer } from './zkServer.js';

const raw = z.object({
  variant: z.enum(LOCK_VARIANTS).optional()
    .describe('the lock: lease (default), redis, redlock or zookeeper; a bug of one implies it'),
  ttl: timer().default(500_000),
  work: duration().default(100_000),
  rest: timer().default(100_000),
  /** Fraction of the ttl a client gives up to allow for clock drift. */
  margin: z.number().min(0).max(0.5).default(0.01),
  expiryClock: z.enum(['wall', 'monotonic']).default('monotonic')
    .describe('what Redis instances measure key expiry on: wall is Redis as it is'),
  timeout: timer().default(200_000)
    .describe('how long a Redis or Redlock client waits for answers'),
  sessionTimeout: timer().default(1_000_000),
  electionTimeout: timerRange().default([150_000, 300_000]),
  heartbeat: timer().default(50_000),
  bugs: bugList(LOCK_BUGS as unknown as readonly [LockBug, ...LockBug[]]),
}).strict();

/** The variant the parameters name, or the one their bugs imply. */
const params = raw.superRefine((p, ctx) => {
  for (const bug of p.bugs) {
    const needs = BUG_VARIANT[bug];
    if (needs !== undefined && p.variant !== undefined && p.variant !== needs) {
      ctx.addIssue({ code: 'custom', path: ['bugs'],
        message: `${bug} is a bug of the ${needs} variant, not of ${p.variant}` });
    }
  }
  const implied = new Set(p.bugs.map((b) => BUG_VARIANT[b]).filter((v) => v !== undefined));
  if (implied.size > 1) {
    ctx.addIssue({ code: 'custom', path: ['bugs'],
      message: `bugs of different variants (${[...implied].join(', ')})` });
  }
}).transform((p) => ({ ...p, variant: (p.variant ?? p.bugs.map((b) => BUG_VARIANT[b])
  .find((v) => v !== undefined) ?? 'lease') as LockVariant }));

/** Parsed parameters of `lock`. */
export type LockParams = z.output<typeof params>;

/** A server with no part in the variant: present, idle. */
class Idle implements NodeProgram<LockMessage> {
  start(_ctx: NodeContext<LockMessage>): void {}
  onMessage(): void {}
  onTimer(): void {}
}

/** Builds the lock servers' and clients' programs of a run. */
function programs(setup: ProtocolSetup<LockParams>, storage: NodeId): (id: NodeId) =>
NodeProgram<unknown> {
  const p = setup.params;
  const bugs = new Set<string>(p.bugs);
  const locks = lockServers(setup.servers, p.variant);
  const cycle = { storage, work: p.work, rest: p.rest };
  const stats: RaftStats = { messages: 0, bytes: 0, snapshotsTaken: 0, snapshotsInstalled: 0,
    snapshotRestores: 0 };
  const raft: RaftConfig = { electionTimeout: p.electionTimeout, heartbeat: p.heartbeat,
    preVote: true, checkQuorum: true, reads: 'log', maxBatch: 64, batchDelay: 0,
    snapshotEvery: 0, snapshotChunk: 64, bugs: new Set() };
  const server = (id: NodeId): NodeProgram<unknown> => {
    if (id === storage) return new Storage(!bugs.has('lock-without-fencing'));
    if (!locks.includes(id)) return new Idle();
    switch (p.variant) {
      case 'lease':
        return new LockService({ ttl: p.ttl, wallClockLease: bugs.has('wall-clock-lease') });
      case 'redis':
      case 'redlock':
        return new RedisServer({ ttl: p.ttl, expiryClock: p.expiryClock });
      case 'zookeeper':
        return new ZkServer(raft, stats, p.sessionTimeout, locks) as NodeProgram<unknown>;
    }
  };
  const client = (): NodeProgram<unknown> => {
    switch (p.variant) {
      case 'lease':
        return new LockClient({ lockService: locks[0] as NodeId, storage, work: p.work,
          rest: p.rest, margin: p.margin });
      case 'redis':
        return new RedisLockClient({ ...cycle, instance: locks[0] as NodeId, ttl: p.ttl,
          margin: p.margin, timeout: p.timeout,
          recipe: bugs.has('setnx-then-expire') ? 'setnx-then-expire'
            : bugs.has('getset-race') ? 'getset-race' : 'set-nx-px',
          releaseBy: bugs.has('delete-without-token') ? 'del' : 'compare' });
      case 'redlock':
        return new RedlockClient({ ...cycle, instances: locks, ttl: p.ttl, timeout: p.timeout });
      case 'zookeeper':
        return new ZkLockClient({ ...cycle, servers: locks, sessionTimeout: p.sessionTimeout,
          margin: p.margin, watchLockNode: bugs.has('watch-lock-node') });
    }
  };
  return (id) => (setup.servers.includes(id) ? server(id) : client());
}

/** The properties a variant guarantees; `one-holder` needs leases on clocks that do not step. */
function promised(p: LockParams): string[] {
  const wallExpiry = (p.variant === 'redis' || p.variant === 'redlock') && p.expiryClock === 'wall';
  return ['fenced-writes', ...(wallExpiry ? [] : ['one-holder']),
    ...(p.variant === 'zookeeper' ? ['no-herd'] : [])];
}

/** The lock protocol. */
export const lock: ProtocolDefinition<LockParams> = {
  name: 'lock',
  description: 'Locks guarding a storage with fencing tokens: a lease service, Redis (SET NX ' +
    'PX), Redlock over N instances, and a ZooKeeper-like service on Raft.',
  params: params as unknown as z.ZodType<LockParams>,
  bugs: lockBugs,
  propertyNames: ['fenced-writes', 'one-holder', 'no-herd', 'lock-progress'],
  view: lockView,
  fuzz: lockFuzz,
  // A client that dies holding the lock is what expiry is for (setnx-then-expire).
  clientCrashes: true,
  setup(setup) {
    const p = setup.params;
    if (setup.servers.length < 2) {
      throw new ConfigError('nodes', 'at least 2 servers: the lock service and the storage ' +
        '(the last server)');
    }
    const storage = setup.servers[setup.servers.length - 1] as NodeId;
    const observer = new LockObserver(storage);
    const zookeeper = p.variant === 'zookeeper';
    const names = ['fenced-writes', 'one-holder', ...(zookeeper ? ['no-herd'] : [])];
    return {
      program: programs(setup, storage),
      properties: names.map((name) => lockProperty(observer, name)),
      promised: promised(p),
      notApplicable: zookeeper ? {} : { 'no-herd': 'only the coordination service has ' +
        'watches (variant: zookeeper)' } as Record<string, string>,
      // After every event whichever properties a scenario selects: holders at each instant,
      // writes accepted by each storage incarnation and wake-ups are what the metrics count.
      observe: (world) => observer.observe(world),
      liveness: lockLiveness(observer),
      metrics: (world) => {
        observer.observe(world);
        return observer.metrics(zookeeper);
      },
      inspect: (program) => inspect(program),
    };
  },
};

function inspect(program: NodeProgram<unknown>): unknown {
  if (program instanceof LockService) {
    return { holder: program.holder ?? null, token: program.token };
  }
  if (program instanceof RedisServer || program instanceof ZkServer) return program.inspect();
  if (program instanceof Storage) return { highest: program.highest, fenced: program.fenced };
  const token = (program as { token?: number }).token;
  return typeof token === 'number' || token === undefined ? { token: token ?? null } : undefined;
}
