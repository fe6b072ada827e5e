/**
 * The `balancer` protocol for the registry: a load balancer (n1, and n2 as its standby with
 * `standby: true`) in front of a pool of stateless backends (the other servers), and clients
 * that send it gets and orders at the virtual address. See README.md.
 */
import { z } from 'zod';
import { ConfigError, type NodeId, type NodeProgram } from '../../sim/index.js';
import type { ProtocolDefinition, ProtocolSetup } from '../protocol.js';
import { bugList, duration, timer } from '../params.js';
import { Backend } from './backend.js';
import { addedLater, Balancer, type BalancerOptions } from './balancer.js';
import { BALANCER_BUGS, type BalancerBug, balancerBugs } from './bugs.js';
import { BalancerClient } from './client.js';
import { DEFAULT_HASH_SETTINGS, isPrime } from './hashing.js';
import { BALANCER_PROPERTIES, balancerLiveness, BalancerObserver, balancerProperty } from
  './invariants.js';
import { balancerMetrics } from './metrics.js';
import { balancerFuzz, balancerIds } from './nemesis.js';
import { HASH_POLICIES, POLICIES, type PolicyName } from './policies.js';
import { balancerView } from './view.js';

const nodeMap = (value: z.ZodNumber) => z.record(z.string().regex(/^n\d+$/), value).default({});

const resize = z.object({
  at: duration(),
  add: z.string().regex(/^n\d+$/).optional(),
  remove: z.string().regex(/^n\d+$/).optional(),
}).strict().refine((r) => (r.add === undefined) !== (r.remove === undefined),
  { message: 'one of add or remove' });

const raw = z.object({
  policy: z.enum(POLICIES).optional()
    .describe('default round-robin, or ring when a hashing bug is switched on'),
  standby: z.boolean().optional()
    .describe('a second balancer, n2, takes over through leases; default false (true with ' +
      'unfenced-takeover)'),
  weights: nodeMap(z.number().positive()),
  vnodes: z.number().int().min(1).max(1_000).default(DEFAULT_HASH_SETTINGS.vnodes),
  maglevSize: z.number().int().min(3).max(1_000_003).default(DEFAULT_HASH_SETTINGS.maglevSize)
    .refine(isPrime, { message: 'a prime (Maglev lookup table size)' }),
  targetLoad: z.number().min(0).max(1).default(0.6),
  targets: nodeMap(z.number().min(0).max(1)),
  gain: z.number().min(0).max(2).default(0.5),
  interval: timer().default(100_000),
  checkTimeout: timer().default(50_000),
  fall: z.number().int().min(1).max(100).default(3),
  rise: z.number().int().min(1).max(100).default(2),
  consecutiveErrors: z.number().int().min(1).max(1_000).default(5),
  baseEjection: timer().default(500_000),
  maxEjection: timer().default(2_000_000),
  maxEjectionPercent: z.number().min(0).max(100).default(20),
  requestTimeout: timer().default(200_000),
  retries: z.number().int().min(0).max(10).default(2),
  retryBudget: z.number().min(0).max(10).default(0.2),
  retryReserve: z.number().int().min(0).max(100_000).default(10),
  workers: z.number().int().min(1).max(1_000).default(4),
  queueLimit: z.number().int().min(0).max(100_000).default(32),
  serviceTime: duration().default(5_000),
  slowness: nodeMap(z.number().positive().max(1_000)),
  orders: z.number().min(0).max(1).default(0.3)
    .describe('share of client operations that are orders (not idempotent)'),
  lease: timer().default(400_000),
  leaseMargin: z.number().min(0).max(0.5).default(0.05),
  heartbeat: timer().default(50_000),
  resize: z.array(resize).max(100).default([]),
  bugs: bugList(BALANCER_BUGS as unknown as readonly [BalancerBug, ...BalancerBug[]]),
}).strict();

const HASH_BUGS: readonly BalancerBug[] = ['hash-mod-n', 'ring-ignores-health'];

/** The parameters with the defaults the bugs imply (a hashing bug needs a hash policy). */
const params = raw.superRefine((p, ctx) => {
  if (p.checkTimeout > p.interval) {
    ctx.addIssue({ code: 'custom', path: ['checkTimeout'],
      message: 'at most the probe interval' });
  }
  const hashBug = p.bugs.find((b) => HASH_BUGS.includes(b));
  if (hashBug !== undefined && p.policy !== undefined && !HASH_POLICIES.has(p.policy)) {
    ctx.addIssue({ code: 'custom', path: ['bugs'],
      message: `${hashBug} needs a hashing policy (ring or maglev), not ${p.policy}` });
  }
  if (p.bugs.includes('unfenced-takeover') && p.standby === false) {
    ctx.addIssue({ code: 'custom', path: ['bugs'],
      message: 'unfenced-takeover needs standby: true' });
  }
}).transform((p) => ({
  ...p,
  policy: p.policy ?? (p.bugs.some((b) => HASH_BUGS.includes(b)) ? 'ring' : 'round-robin') as
    PolicyName,
  standby: p.standby ?? p.bugs.includes('unfenced-takeover'),
}));

/** Parsed parameters of `balancer`. */
export type BalancerParams = z.output<typeof params>;

/** The pool of a run: every server but the balancers; those a resize adds start outside. */
function layout(setup: ProtocolSetup<BalancerParams>): { balancers: NodeId[];
  backends: NodeId[]; initial: NodeId[] } {
  const { params: p } = setup;
  const balancers = balancerIds(setup);
  const backends = setup.servers.filter((id) => !balancers.includes(id));
  if (backends.length === 0) {
    throw new ConfigError('nodes', `at least ${balancers.length + 1} servers: ${
      balancers.join(' and ')} balance, the rest are backends`);
  }
  const named = [...Object.keys(p.weights).map((id) => ['weights', id] as const),
    ...Object.keys(p.slowness).map((id) => ['slowness', id] as const),
    ...Object.keys(p.targets).map((id) => ['targets', id] as const),
    ...p.resize.flatMap((r, i) => [r.add, r.remove].filter((x) => x !== undefined)
      .map((id) => [`resize[${i}]`, id as string] as const))];
  for (const [field, id] of named) {
    if (!backends.includes(id)) {
      throw new ConfigError(`params.${field}`, `a backend (${backends.join(', ')}), got ${id}`);
    }
  }
  const firstAdded = addedLater(p.resize);
  return { balancers, backends, initial: backends.filter((id) => !firstAdded.has(id)) };
}

function balancerOptions(setup: ProtocolSetup<BalancerParams>, id: NodeId,
  ids: ReturnType<typeof layout>): BalancerOptions {
  const p = setup.params;
  const bugs = new Set<string>(p.bugs);
  const peer = ids.balancers.find((b) => b !== id);
  return {
    backends: ids.initial, clients: setup.clients, resize: p.resize, policy: p.policy,
    hash: { vnodes: p.vnodes, maglevSize: p.maglevSize }, weights: p.weights,
    feedback: { targetLoad: p.targetLoad, targets: p.targets, gain: p.gain },
    health: { interval: p.interval, checkTimeout: p.checkTimeout, fall: p.fall, rise: p.rise,
      consecutiveErrors: p.consecutiveErrors, baseEjection: p.baseEjection,
      maxEjection: p.maxEjection, maxEjectionPercent: p.maxEjectionPercent,
      disabled: bugs.has('no-health-check'), firstError: bugs.has('eject-on-first-error') },
    requestTimeout: p.requestTimeout, retries: p.retries, retryBudget: p.retryBudget,
    retryReserve: p.retryReserve, bugs,
    ...(peer === undefined ? {} : { pair: { peer, primary: id === ids.balancers[0],
      parity: id === ids.balancers[0] ? 1 : 0, leaseLength: p.lease, margin: p.leaseMargin,
      heartbeat: p.heartbeat, unfenced: bugs.has('unfenced-takeover'),
      detector: { kind: 'fixed', period: p.heartbeat, missedBeats: 3, maxDelay: p.heartbeat,
        timeoutBelowDelay: false } } }),
  };
}

/** Share of orders: the workload's mix when it names get or order, else `orders`. */
function orderShare(setup: ProtocolSetup<BalancerParams>): number {
  const mix = setup.workload?.mix ?? {};
  const get = mix.get ?? 0;
  const order = mix.order ?? 0;
  return get + order > 0 ? order / (get + order) : setup.params.orders;
}

export const balancer: ProtocolDefinition<BalancerParams> = {
  name: 'balancer',
  description: 'A load balancer over a pool of backends: ten policies (round robin to ' +
    'Maglev and load feedback), active health checks, outlier ejection, retries within a ' +
    'budget, and an optional standby that takes over the virtual address through leases.',
  params: params as unknown as z.ZodType<BalancerParams>,
  bugs: balancerBugs,
  propertyNames: [...BALANCER_PROPERTIES],
  view: balancerView,
  fuzz: balancerFuzz,
  setup(setup) {
    const p = setup.params;
    const ids = layout(setup);
    const hashed = HASH_POLICIES.has(p.policy);
    const observer = new BalancerObserver({ balancers: ids.balancers, backends: ids.backends,
      detectionBound: Math.ceil((p.fall * p.interval + p.checkTimeout) * 1.02),
      retryBudget: p.retryBudget, retryReserve: p.retryReserve,
      maxEjectionPercent: p.maxEjectionPercent, hashed });
    const workload = setup.workload;
    const notApplicable: Record<string, string> = {};
    if (!hashed) notApplicable['stable-keys'] = `policy ${p.policy} does not map keys to backends`;
    if (!p.standby) notApplicable['one-active'] = 'one balancer (standby: false)';
    const properties = BALANCER_PROPERTIES.filter((name) => notApplicable[name] === undefined);
    return {
      program: (id: NodeId): NodeProgram<unknown> => {
        if (ids.balancers.includes(id)) return new Balancer(balancerOptions(setup, id, ids));
        if (id.startsWith('n')) {
          return new Backend({ workers: p.workers, queueLimit: p.queueLimit,
            serviceTime: p.serviceTime, slowness: p.slowness[id] ?? 1, leaseLength: p.lease });
        }
        return new BalancerClient({ balancers: ids.balancers,
          interval: Math.round(1_000_000 / (workload?.rate ?? 10)),
          timeout: workload?.timeout ?? 500_000, attempts: workload?.attempts ?? 3,
          ...(setup.clientsStopAt === undefined ? {} : { stopAt: setup.clientsStopAt }),
          keys: workload?.keys ?? 8, orders: orderShare(setup) }) as NodeProgram<unknown>;
      },
      properties: properties.map((name) => balancerProperty(observer, name)),
      // Maglev moves a few keys between backends that stay (its disruption is near minimal,
      // not minimal): checked when a scenario names it, not promised.
      promised: properties.filter((name) => name !== 'stable-keys' || p.policy === 'ring'),
      notApplicable,
      observe: (world) => observer.observe(world),
      liveness: balancerLiveness(ids.balancers),
      metrics: (world) => balancerMetrics(world, observer, ids.backends, hashed
        ? { kind: p.bugs.includes('hash-mod-n') ? 'modulo' : p.policy as 'ring' | 'maglev',
          settings: { vnodes: p.vnodes, maglevSize: p.maglevSize } } : undefined),
      inspect: (program) => program instanceof Balancer ? program.inspect()
        : program instanceof Backend ? { outstanding: program.outstanding,
          booked: program.applied.length } : undefined,
    };
  },
};
