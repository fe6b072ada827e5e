/**
 * The scenario file schema (format version 1, scenarios/FORMAT.md): a zod schema for the YAML
 * a person writes, which converts human units (`1.5s`, `200/s`) into engine units as it parses.
 * It is the authority on the format: the loader (load.ts) validates with it, and it is exported
 * as JSON Schema to scenarios/schema.json so that editors complete and check scenario files.
 *
 * What zod cannot know (which node ids exist, whether a fault falls inside the run, the
 * protocol's own parameters) the loader checks afterwards, with the same error locations.
 */
import { z } from 'zod';
import { ADMIN_OPS, type Fault, type ScheduledFault } from '../sim/index.js';
import { duration, MIN_TIMER } from '../protocols/durations.js';
import { DEFAULT_LIMITS, formatBytes, MEMORY_RANGE, parseBytes } from './limits.js';

/** Servers and clients at most (the trace stores node indexes as 16-bit integers). */
export const MAX_NODES = 100;
export const MAX_CLIENTS = 1_000;

const show = (value: unknown): string => value === undefined ? 'nothing'
  : typeof value === 'number' && !Number.isFinite(value) ? String(value)
    : JSON.stringify(value) ?? String(value);

/** A duration field; `signed` allows negative values (offsets, jumps). */
const time = (signed = false) => duration({ signed });

function probability() {
  const error = (iss: { input?: unknown }) => `a probability in [0, 1], got ${show(iss.input)}`;
  return z.number({ error }).min(0, { error }).max(1, { error });
}

function integer(min: number, max: number) {
  const message = (value: unknown): string =>
    `an integer from ${min} to ${max}, got ${value === undefined ? 'nothing' : show(value)}`;
  const error = (iss: { input?: unknown }): string => message(iss.input);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const RATE_TEXT = /^\s*(\d+(?:\.\d+)?)\s*\/\s*s\s*$/;

/** `200/s` or a number of operations per second. */
function rate() {
  const message = (value: unknown): string =>
    `a rate such as "200/s" (operations per second, above 0, at most 1000000), got ${show(value)}`;
  return z.union([z.string().regex(RATE_TEXT,
    { error: (iss) => message(iss.input) }), z.number()],
    { error: (iss) => message(iss.input) })
    .meta({ title: 'rate' })
    .transform((value, ctx) => {
      const match = typeof value === 'string' ? RATE_TEXT.exec(value) : null;
      const n = typeof value === 'number' ? value : Number(match?.[1] ?? NaN);
      if (!(Number.isFinite(n) && n > 0 && n <= 1e6)) {
        ctx.addIssue({ code: 'custom', message: message(value) });
        return z.NEVER;
      }
      return n;
    });
}

const nodeId = z.string({ error: (iss) => `a node id such as n1 or c2, got ${show(iss.input)}` })
  .regex(/^[nc][1-9]\d*$/, {
    error: (iss) => `a node id such as n1 or c2, got ${show(iss.input)}` });

const DISTS = ['constant', 'uniform', 'normal', 'exponential', 'lognormal'] as const;
const latencySchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), value: time() }),
  z.strictObject({ dist: z.literal('uniform'), min: time(), max: time() }),
  z.strictObject({ dist: z.literal('normal'), mean: time(), stddev: time(),
    max: time().optional() }),
  z.strictObject({ dist: z.literal('exponential'), mean: time(), max: time().optional() }),
  z.strictObject({ dist: z.literal('lognormal'), median: time(), p99: time(),
    max: time().optional() }),
], { error: (iss) => `a latency distribution: dist is one of ${DISTS.join(', ')}, got ${
  show((iss.input as { dist?: unknown } | undefined)?.dist)}` });

const bandwidth = z.number({ error: 'a positive number of bytes per second' })
  .refine((b) => Number.isFinite(b) && b > 0, { error: 'a positive number of bytes per second' });

const linkFields = {
  latency: latencySchema.optional().describe('Latency distribution of a message.'),
  loss: probability().optional().describe('Probability that a message is lost.'),
  duplicate: probability().optional().describe('Probability that a message is delivered twice.'),
  bandwidth: bandwidth.optional().describe('Bytes per second; absent for unlimited.'),
};

const networkSchema = z.strictObject({
  ...linkFields,
  links: z.array(z.strictObject({ from: nodeId, to: nodeId, ...linkFields })).optional(),
});

const driftRange = (iss: { input?: unknown }) =>
  `a drift between -500000 and 500000 ppm, got ${show(iss.input)}`;
const drift = z.number({ error: 'a drift in ppm (parts per million), between -500000 and 500000' })
  .min(-500_000, { error: driftRange }).max(500_000, { error: driftRange });

const clockSchema = z.strictObject({
  offset: time(true).optional().describe('Local minus true time at the start.'),
  drift: drift.optional()
    .describe('Rate error in parts per million (+100: 100µs per second fast).'),
});

const weightError = (iss: { input?: unknown }) => `a weight in [0, 1], got ${show(iss.input)}`;
const weight = z.number({ error: weightError }).min(0, { error: weightError })
  .max(1, { error: weightError });

const workloadSchema = z.strictObject({
  clients: integer(0, MAX_CLIENTS).describe('Client processes c1..cK.'),
  rate: rate().default(100)
    .describe('Operations per second per client, at most, such as 200/s (default 100/s).'),
  keys: integer(1, 1_000_000).default(8).describe('Distinct keys the clients use.'),
  mix: z.record(z.string(), weight).default({})
    .describe('Operation weights, such as { get: 0.5, put: 0.5 }; empty lets the protocol choose.'),
  timeout: duration({ min: MIN_TIMER }).default(500_000)
    .describe('Per-attempt timeout (default 500ms), at least 1ms.'),
  attempts: integer(1, 1_000).default(3)
    .describe('Attempts per operation before it is recorded as unknown (info).'),
  valueBytes: integer(1, 1_000_000).optional()
    .describe('Pad every value a client writes to this many bytes (Raft lab TestRPCBytes3B ' +
      'writes 5000); default as short as its unique token.'),
});

/** Fault kinds as a scenario file names them (the key that is not `at`). */
export const FAULT_KEYS = ['crash', 'restart', 'pause', 'resume', 'partition', 'cut', 'bridge',
  'ring', 'link', 'clock', 'disk', 'drop', 'heal', ...ADMIN_OPS] as const;

const allOrNodes = z.union([z.literal('all'), z.array(nodeId).min(1)],
  { error: 'the word all or a list of node ids' });
const faultInput = z.strictObject({
  at: time().describe('When the fault happens (true time).'),
  crash: nodeId.optional().describe('Crash a node: memory is lost, synced disk kept.'),
  tear: z.boolean().optional().describe('With crash: tear the write in progress.'),
  restart: nodeId.optional().describe('Restart a crashed node; it recovers from its disk.'),
  pause: nodeId.optional()
    .describe('Pause a node (a long GC pause): it runs nothing until resumed.'),
  resume: nodeId.optional().describe('Resume a paused node.'),
  partition: z.array(z.array(nodeId).min(1, 'a non-empty group'), {
    error: 'a list of groups of node ids, such as [[n1, n2], [n3]]' }).min(1).optional()
    .describe('Partition servers into groups; unlisted servers stand alone.'),
  cut: z.strictObject({ from: nodeId, to: nodeId }).optional()
    .describe('Cut one direction of a link.'),
  bridge: allOrNodes.optional().describe('Bridge partition: two halves joined by one node.'),
  ring: allOrNodes.optional().describe('Ring partition: each node reaches only its neighbours.'),
  link: z.strictObject({ from: nodeId.optional(), to: nodeId.optional(), ...linkFields }).optional()
    .describe('Change a link (or every link): latency, loss, duplicate, bandwidth.'),
  clock: z.strictObject({ node: nodeId, offset: time(true).optional(), drift: drift.optional(),
    jump: time(true).optional() }).optional()
    .describe('Clock fault on a node: offset, drift (ppm) or a jump (NTP step).'),
  disk: z.strictObject({ node: nodeId, fault: z.enum(['corrupt', 'fail-sync'],
    { error: 'corrupt or fail-sync' }) }).optional()
    .describe('Disk fault: corrupt a stored record or make the next sync fail.'),
  drop: z.strictObject({ message: integer(0, Number.MAX_SAFE_INTEGER)
    .describe('The message id, as the trace numbers messages.') }).optional()
    .describe('Lose one message in flight (the same run up to it: its send and random draws ' +
      'happen as usual); `at` must not be after it arrives.'),
  heal: z.union([z.literal('all'), z.strictObject({ from: nodeId, to: nodeId })],
    { error: 'the word all or { from, to }' }).optional()
    .describe('Heal every partition and cut (all) or one directed link.'),
  add: nodeId.optional().describe('Membership: the operator asks the cluster to add this ' +
    'server to its configuration (Raft: it first catches up as a non-voting learner, then ' +
    'votes; replication: it copies a snapshot of the master\'s state, then the log after ' +
    'it, before it counts, and a member that reported damage is rebuilt so). The operator ' +
    'process finds the leader, follows hints and retries.'),
  remove: nodeId.optional().describe('Membership: the operator asks the cluster to remove ' +
    'this server from its configuration (Raft: a leader that removes itself steps down once ' +
    'the configuration without it has committed; replication: the master refuses to remove ' +
    'itself).'),
  transfer: nodeId.optional().describe('The operator asks the leader to hand its leadership ' +
    'to this server (Raft: leadership transfer with TimeoutNow, thesis §3.10), as before ' +
    'removing the leader gracefully.'),
});
type FaultInput = z.output<typeof faultInput>;

/** One entry of a fault schedule, as a file writes it, to a `ScheduledFault`. */
export const faultSchema = faultInput.superRefine((entry, ctx) => {
  const kinds = FAULT_KEYS.filter((k) => entry[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({ code: 'custom', message: kinds.length === 0
      ? `one fault: ${FAULT_KEYS.join(', ')}`
      : `exactly one fault per entry, got ${kinds.join(' and ')}` });
  }
  if (entry.tear !== undefined && entry.crash === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tear'], message: 'tear goes only with crash' });
  }
  const c = entry.clock;
  if (c !== undefined && c.offset === undefined && c.drift === undefined && c.jump === undefined) {
    ctx.addIssue({ code: 'custom', path: ['clock'], message: 'one of offset, drift or jump' });
  }
}).transform((entry): ScheduledFault => ({ at: entry.at, fault: toFault(entry) }));

function toFault(e: FaultInput): Fault {
  if (e.crash !== undefined) {
    return { kind: 'crash', node: e.crash, ...(e.tear === true ? { tear: true } : {}) };
  }
  if (e.restart !== undefined) return { kind: 'restart', node: e.restart };
  if (e.pause !== undefined) return { kind: 'pause', node: e.pause };
  if (e.resume !== undefined) return { kind: 'resume', node: e.resume };
  if (e.partition !== undefined) return { kind: 'partition', groups: e.partition };
  if (e.cut !== undefined) return { kind: 'cut', from: e.cut.from, to: e.cut.to };
  for (const kind of ['bridge', 'ring'] as const) {
    const nodes = e[kind];
    if (nodes !== undefined) return nodes === 'all' ? { kind } : { kind, nodes };
  }
  if (e.link !== undefined) {
    const { from, to, ...set } = e.link;
    return { kind: 'link', ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }), set };
  }
  if (e.clock !== undefined) {
    const { node, offset, drift: d, jump } = e.clock;
    return { kind: 'clock', node, ...(offset === undefined ? {} : { offset }),
      ...(d === undefined ? {} : { driftPpm: d }), ...(jump === undefined ? {} : { jump }) };
  }
  if (e.disk !== undefined) return { kind: 'disk', node: e.disk.node, fault: e.disk.fault };
  if (e.drop !== undefined) return { kind: 'drop', message: e.drop.message };
  for (const op of ADMIN_OPS) {
    const node = e[op];
    if (node !== undefined) return { kind: 'admin', op, node };
  }
  const heal = e.heal;
  return heal === undefined || heal === 'all' ? { kind: 'heal' } : { kind: 'heal', ...heal };
}

const bound = z.strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max,
    { error: 'min must be <= max' });

const expectSchema = z.strictObject({
  hold: z.array(z.string())
    .describe('Properties that must hold, each checked (at least one); default what the ' +
      'protocol guarantees under its parameters.').optional(),
  violate: z.string().describe('A teaching scenario: this property must be violated.').optional(),
  liveness: z.strictObject({
    after: time().optional().describe('When everything heals; default the time of the last fault.'),
    settle: duration({ min: MIN_TIMER })
      .describe('Time after the heal within which every check must hold.'),
    checks: z.array(z.string()).optional()
      .describe('Liveness checks; default all of the protocol\'s.'),
  })
    .describe('After `after` (default: the last fault) everything heals; the checks must ' +
      'hold within `settle`.').optional(),
  metrics: z.record(z.string(), bound)
    .describe("Bounds { min, max } on the protocol's metrics.").optional(),
}).refine((e) => e.hold === undefined || e.violate === undefined,
  { error: 'expect.hold and expect.violate exclude each other: give one' });

const positiveTime = () => time().refine((d) => d > 0, { error: 'a duration above 0' });
const FAILURE_KINDS = ['crash', 'pause', 'isolate'] as const;
const failureSchema = z.strictObject({
  kind: z.enum(FAILURE_KINDS, { error: (iss) => `one of ${FAILURE_KINDS.join(', ')}, got ${
    show(iss.input)}` }).default('crash').describe('What a failure does: crash (then restart), ' +
    'pause (then resume) or isolate (cut off from every other server, then healed).'),
  mtbf: positiveTime().describe('Mean time between failures: the mean up time of a unit.'),
  mttr: positiveTime().describe('Mean time to repair (repair times are exponential).'),
  distribution: z.enum(['exponential', 'weibull'], { error: 'exponential or weibull' })
    .default('exponential').describe('How up times are drawn (default exponential).'),
  shape: z.number({ error: 'a positive Weibull shape k' })
    .refine((k) => k > 0 && k <= 100, { error: 'a positive Weibull shape k, at most 100' })
    .optional().describe('Weibull shape k: above 1 wear-out, below 1 infant mortality.'),
  racks: z.array(z.array(nodeId).min(1, 'a non-empty rack')).min(1).optional()
    .describe('Servers that fail together, rack by rack; absent: each server alone.'),
  nodes: z.array(nodeId).min(1).optional()
    .describe('The servers that fail, each alone (default every server).'),
  after: time().optional().describe('No failure before this time.'),
  until: time().optional()
    .describe('No failure begins from this time (default the liveness heal, else the end).'),
}).superRefine((f, ctx) => {
  if (f.distribution === 'weibull' && f.shape === undefined) {
    ctx.addIssue({ code: 'custom', path: ['shape'], message: 'required with weibull: its shape k' });
  }
  if (f.distribution !== 'weibull' && f.shape !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['shape'], message: 'shape goes only with weibull' });
  }
  if (f.racks !== undefined && f.nodes !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'racks or nodes, not both' });
  }
});

const { min: MEMORY_MIN, max: MEMORY_MAX } = MEMORY_RANGE;

/** A memory size: `512MiB`, `2GiB` or a number of bytes. */
function bytes() {
  const message = (value: unknown): string => `a size from ${formatBytes(MEMORY_MIN)} to ${
    formatBytes(MEMORY_MAX)}, such as "512MiB" or "2GiB", got ${show(value)}`;
  return z.union([z.string(), z.number()], { error: (iss) => message(iss.input) })
    .meta({ title: 'size' })
    .transform((value, ctx) => {
      const size = parseBytes(value);
      if (size === undefined || size < MEMORY_MIN || size > MEMORY_MAX) {
        ctx.addIssue({ code: 'custom', message: message(value) });
        return z.NEVER;
      }
      return size;
    });
}

const limitsSchema = z.strictObject({
  events: integer(1, 1_000_000_000).describe('Engine events after which the run stops and ' +
    `fails as event-limit (a livelock); default ${DEFAULT_LIMITS.events}.`).optional(),
  memory: bytes().describe('JavaScript heap and array buffers after which the run stops and ' +
    `fails as memory-limit; default ${formatBytes(DEFAULT_LIMITS.memoryBytes)}.`).optional(),
  time: duration({ min: 1_000_000 }).describe('Wall-clock time after which the run stops and ' +
    `fails as time-limit; default ${DEFAULT_LIMITS.timeMs / 60_000}m.`).optional(),
}).transform((l) => ({ ...(l.events === undefined ? {} : { events: l.events }),
  ...(l.memory === undefined ? {} : { memoryBytes: l.memory }),
  ...(l.time === undefined ? {} : { timeMs: l.time / 1_000 }) }));

/** The longest string seed: every random stream of a run is named from it. */
export const MAX_SEED_LENGTH = 256;

const seed = z.union([z.string().min(1).max(MAX_SEED_LENGTH, { error:
  `a seed of at most ${MAX_SEED_LENGTH} characters` }), z.number()],
{ error: 'an integer or a string' })
  .refine((s) => typeof s === 'string' || Number.isSafeInteger(s),
    { error: (iss) => `an integer seed (or a string), got ${show(iss.input)}` });

/** One step of a stepped narrative: an anchor and what the reader is told there. */
const narrativeStep = z.strictObject({
  at: time().describe('Where the step is: a time in the run (the last event at or before it).')
    .optional(),
  when: z.string({ error: 'a claim, such as "n2 leads term 3"' }).min(1)
    .describe('Where the step is: the first event after the previous step at which this ' +
      'claim holds.').optional(),
  text: z.string({ error: (iss) => iss.input === undefined ? 'required: the text of the step'
    : 'the text of the step, a string' }).min(1)
    .describe('What the reader is told; each [bracketed claim] is checked against the run.'),
}).refine((step) => (step.at === undefined) !== (step.when === undefined),
  { error: 'a step is anchored by exactly one of `at` (a time) or `when` (a claim)' });

/** A narrative: prose, or steps that move through the run (the visualizer's Next). */
export const narrativeSchema = z.union([
  z.string(),
  z.strictObject({
    intro: z.string().describe('Prose shown before the first step.').optional(),
    steps: z.array(narrativeStep, { error: 'a list of steps, each { at | when, text }' })
      .min(1, { error: 'at least one step' }).max(200),
  }),
], { error: 'prose, or { intro, steps: [{ at | when, text }] }' });

/** A parsed narrative. */
export type Narrative = z.output<typeof narrativeSchema>;

/** The whole scenario file. */
export const scenarioSchema = z.strictObject({
  name: z.string({ error: 'a kebab-case name such as raft-leader-crash' })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: (iss) =>
      `a kebab-case name such as raft-leader-crash, got ${show(iss.input)}` })
        .describe('Kebab-case name, unique among the scenario files.'),
  description: z.string().default('').describe('One sentence: what the scenario shows.'),
  narrative: narrativeSchema
    .describe('Shown beside the timeline: prose, or steps anchored to times or claims whose ' +
      '[bracketed claims] are checked against the run (teaching scenarios).').optional(),
  protocol: z.string({ error: 'a protocol name from `faultline list`' })
    .describe('A protocol name from `faultline list`.'),
  params: z.record(z.string(), z.unknown(), { error: 'a mapping of the protocol\'s parameters' })
    .describe('The protocol\'s own parameters, checked by its schema (see `faultline list`); ' +
      '`bugs` switches on catalogued bugs.')
    .default({}),
  nodes: integer(1, MAX_NODES).describe('Number of servers, named n1..nN.'),
  network: networkSchema.describe('Defaults for every link, then per-link overrides.').optional(),
  clocks: z.record(nodeId, clockSchema)
    .describe('Per-node clock: offset from true time and drift in ppm.').optional(),
  disk: z.strictObject({ syncLatency: latencySchema.optional() })
    .describe('Disk model: how long a sync takes.').optional(),
  workload: workloadSchema
    .describe('Client processes c1..cK and the operations they issue.').optional(),
  faults: z.array(faultSchema, { error: 'a list of faults, each { at: TIME, KIND: ... }' })
    .describe('The fault schedule: each entry has `at` and exactly one fault.')
    .default([]),
  failures: z.union([failureSchema, z.array(failureSchema).min(1)])
    .describe('Failures drawn from MTBF and MTTR (one process, or a list), per server or ' +
      'per rack, from the run seed.').optional(),
  duration: time().refine((d) => d > 0, { error: 'a duration above 0' })
    .describe('Simulated time the run lasts.'),
  seed: seed.describe('The run seed: an integer or a string. One seed, one run.'),
  ties: z.enum(['fifo', 'shuffle'], { error: 'fifo or shuffle' })
    .describe('Equal-time events in insertion order (fifo, default) or a seeded random order.')
    .optional(),
  limits: limitsSchema.describe('Bounds on the run itself; a run that reaches one stops and ' +
    'fails, with its seed. Fuzz counterexamples that hit the campaign\'s event cap carry it, ' +
    'so that they replay the same.').optional(),
  expect: expectSchema
    .describe('What must hold, or the violation a teaching scenario demonstrates.').optional(),
});

/** A parsed scenario file, in engine units. */
export type ScenarioFile = z.output<typeof scenarioSchema>;

/** The JSON Schema of scenario files (what scenarios/schema.json holds). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://faultline.dev/scenario.schema.json',
    title: 'Faultline scenario (format version 1)',
    description: 'A Faultline scenario file; see scenarios/FORMAT.md.',
  };
}
