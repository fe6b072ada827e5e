/**
 * The `lock` protocol for the registry: a lock service with leases and fencing tokens (n1), a
 * storage service that checks tokens (n2), and clients that acquire, work, write and release.
 * Pausing a client (`pause: c1`) past its lease is the classic failure it demonstrates.
 */
import { lockFuzz } from './nemesis.js';
import { z } from 'zod';
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import type { ProtocolDefinition } from '../protocol.js';
import { bugList, duration } from '../params.js';
import { lockProperty, LockObserver } from './invariants.js';
import { LockClient } from './lockClient.js';
import { LockService } from './lockService.js';
import type { LockMessage } from './messages.js';
import { Storage } from './storage.js';

const params = z.object({
  ttl: duration().default(500_000),
  work: duration().default(100_000),
  rest: duration().default(100_000),
  /** Fraction of the ttl a client gives up to allow for clock drift. */
  margin: z.number().min(0).max(0.5).default(0.01),
  bugs: bugList(['wall-clock-lease', 'lock-without-fencing']),
}).strict();

/** Parsed parameters of `lock`. */
export type LockParams = z.infer<typeof params>;

/** A server beyond n1 and n2: present, idle. */
class Idle implements NodeProgram<LockMessage> {
  start(_ctx: NodeContext<LockMessage>): void {}
  onMessage(): void {}
  onTimer(): void {}
}

/** The lock protocol. */
export const lock: ProtocolDefinition<LockParams> = {
  name: 'lock',
  description: 'Leases with fencing tokens: a lock service, a guarded storage, pausing clients.',
  params: params as unknown as z.ZodType<LockParams>,
  bugs: [
    { name: 'wall-clock-lease', description: 'The service judges lease expiry on its wall ' +
      'clock: a forward clock step ends the lease early and the lock is granted twice.',
    caughtBy: 'one-holder', scenario: 'scenarios/lock/bug-wall-clock-lease.yaml' },
    { name: 'lock-without-fencing', description: 'The storage ignores fencing tokens: a ' +
      'holder paused past its lease writes after the next holder.',
    caughtBy: 'fenced-writes', scenario: 'scenarios/lock/bug-lock-without-fencing.yaml' },
  ],
  propertyNames: ['fenced-writes', 'one-holder'],
  fuzz: lockFuzz,
  setup({ servers, params: p }) {
    const [service = 'n1', storage = 'n2'] = servers;
    const observer = new LockObserver(storage);
    const bugs = new Set(p.bugs);
    return {
      program: (id: NodeId) => {
        if (id === service) {
          return new LockService({ ttl: p.ttl, wallClockLease: bugs.has('wall-clock-lease') });
        }
        if (id === storage) return new Storage(!bugs.has('lock-without-fencing'));
        if (id.startsWith('n')) return new Idle();
        return new LockClient({ lockService: service, storage, work: p.work, rest: p.rest,
          margin: p.margin });
      },
      properties: [lockProperty(observer, 'fenced-writes'), lockProperty(observer, 'one-holder')],
      // After every event whichever properties a scenario selects: holders at each instant and
      // writes accepted by each storage incarnation are what the metrics count.
      observe: (world) => observer.observe(world),
      liveness: [],
      metrics: (world) => {
        observer.observe(world);
        return { 'accepted-writes': observer.accepted, 'fenced-writes': observer.fenced,
          'late-writes': observer.late, 'max-holders': observer.maxHolders };
      },
      inspect: (program) => program instanceof LockService ? { holder: program.holder ?? null,
        token: program.token } : program instanceof LockClient ? { token: program.token ?? null }
        : undefined,
    };
  },
};
