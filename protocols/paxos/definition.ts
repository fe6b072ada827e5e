/**
 * The two Paxos protocols as the registry knows them (see README.md for why two):
 * - `paxos`: Multi-Paxos replicating the key-value store, driven by the shared KV clients and
 *   judged by the shared linearizability checker;
 * - `paxos-single`: single-decree Paxos, every server proposing its own value, for the
 *   teaching scenarios about ballots, duelling proposers and the proposer's value rule.
 * Both share ballots, messages, the acceptor, persistence and the invariants.
 */
import { z } from 'zod';
import { multiPaxosFuzz, singlePaxosFuzz } from './nemesis.js';
import type { NodeProgram } from '../../sim/index.js';
import type { AnyModel } from '../../sim/check/model.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { Client, kvOperations } from '../../sim/check/workload.js';
import type { World } from '../../sim/check/property.js';
import { type AckedWrite, lostBySession } from '../../sim/check/recovery.js';
import type { ProtocolDefinition, WorkloadSpec } from '../protocol.js';
import { MULTI_PAXOS_BUGS, SINGLE_PAXOS_BUGS } from './bugs.js';
import { bugList, duration, durationRange, timer, timerRange } from '../params.js';
import { formatBallot } from './ballot.js';
import {
  allLearned, commandsDecided, leaderElected, MULTI_SAFETY, multiObserver, paxosProperties,
  SINGLE_SAFETY, singleObserver,
} from './invariants.js';
import { PaxosStats } from './metrics.js';
import { MultiPaxosNode } from './node.js';
import { SinglePaxosNode } from './singleNode.js';
import { paxosSingleView, paxosView } from './view.js';

const multiParams = z.object({
  leaderTimeout: timerRange().default([150_000, 300_000]),
  heartbeat: timer().default(50_000),
  reads: z.enum(['read-index', 'log']).default('read-index')
    .describe('read-index: the leader answers a read after a read round a majority confirmed ' +
      'and once it executed every slot proposed before; log: a read takes a slot like a write'),
  batchDelay: duration().default(0)
    .describe('how long a leader collects client commands before proposing them in one ' +
      'Accept and starting one read round for the reads among them; 0 proposes at each request'),
  bugs: bugList(['acceptor-forgets', 'non-unique-ballots', 'takeover-drops-accepted',
    'own-value']),
}).strict();
type MultiParams = z.infer<typeof multiParams>;

const singleParams = z.object({
  proposeAfter: durationRange().default([0, 20_000]),
  backoff: timerRange().default([10_000, 30_000]),
  randomizedBackoff: z.boolean().default(true),
  bugs: bugList(['acceptor-forgets', 'own-value', 'non-unique-ballots']),
}).strict();
type SingleParams = z.infer<typeof singleParams>;

/** Client-side figures shared by both protocols. */
function clientFigures(world: World): Record<string, number> {
  let invoked = 0;
  let ok = 0;
  let lastOk = 0;
  for (const event of world.history) {
    if (event.type === 'invoke') invoked++;
    else if (event.type === 'ok') {
      ok++;
      lastOk = event.time;
    }
  }
  return { 'client-ops-invoked': invoked, 'client-ops-ok': ok, 'last-ok-ms': lastOk / 1_000 };
}

function client(workload: WorkloadSpec | undefined, stopAt: number | undefined): Client {
  const mix = workload?.mix ?? {};
  const weight = (name: string): number =>
    Object.keys(mix).length === 0 ? 1 : mix[name] ?? 0;
  return new Client({
    interval: workload === undefined ? 10_000 : Math.max(1, Math.round(1e6 / workload.rate)),
    timeout: workload?.timeout ?? 200_000,
    attempts: workload?.attempts ?? 3,
    ...(stopAt === undefined ? {} : { stopAt }),
    generate: kvOperations(workload?.keys ?? 4,
      { get: weight('get'), put: weight('put'), append: weight('append'), cas: weight('cas') },
      workload?.valueBytes),
  });
}

/** Acknowledged writes the most advanced live replica's state machine does not hold. */
function lostWrites(world: World): AckedWrite[] {
  let best: MultiPaxosNode | undefined;
  for (const id of world.servers) {
    const node = world.program(id);
    if (node instanceof MultiPaxosNode &&
      node.replica.executed >= (best?.replica.executed ?? -1)) best = node;
  }
  return lostBySession(world.history,
    (client) => best?.replica.machine.sessions.get(client)?.seq ?? 0);
}

/** Multi-Paxos replicating the key-value store. */
export const paxos: ProtocolDefinition<MultiParams> = {
  name: 'paxos',
  description: 'Multi-Paxos: a leader-driven replicated log running the key-value store, ' +
    'with client sessions, persistence and leader takeover.',
  params: multiParams as unknown as z.ZodType<MultiParams>,
  bugs: MULTI_PAXOS_BUGS,
  view: paxosView,
  propertyNames: [...MULTI_SAFETY, 'value-chosen', 'leader-elected', 'commands-decided',
    'linearizable'],
  fuzz: multiPaxosFuzz,
  setup({ params, workload, clientsStopAt }) {
    const stats = new PaxosStats();
    const config = { leaderTimeout: params.leaderTimeout, heartbeat: params.heartbeat,
      batchDelay: params.batchDelay, reads: params.reads, bugs: new Set<string>(params.bugs),
      stats };
    return {
      program: (id) => (id.startsWith('n') ? new MultiPaxosNode(config)
        : client(workload, clientsStopAt)) as NodeProgram<unknown>,
      properties: paxosProperties(multiObserver(), MULTI_SAFETY),
      liveness: [leaderElected(), commandsDecided()],
      model: kvModel({ failedCasIsObservation: true }) as unknown as AnyModel,
      metrics: (world) => ({ ...stats.figures(), ...clientFigures(world) }),
      lostWrites: (world) => lostWrites(world),
      inspect: (program) => program instanceof MultiPaxosNode ? {
        role: program.role, ballot: formatBallot(program.ballot),
        promised: formatBallot(program.acceptor.promised), executed: program.replica.executed,
        decided: program.replica.decided.size, leader: program.leaderId ?? null,
      } : undefined,
    };
  },
};

/** Single-decree Paxos: each server proposes its own value. */
export const paxosSingle: ProtocolDefinition<SingleParams> = {
  name: 'paxos-single',
  description: 'Single-decree Paxos (Paxos Made Simple): every server proposes its own value; ' +
    'proposers retry with randomised backoff; learners learn from a majority of acceptors.',
  params: singleParams as unknown as z.ZodType<SingleParams>,
  bugs: SINGLE_PAXOS_BUGS,
  view: paxosSingleView,
  propertyNames: [...SINGLE_SAFETY, 'value-chosen', 'all-learned'],
  fuzz: singlePaxosFuzz,
  setup({ params }) {
    const stats = new PaxosStats();
    const config = { proposeAfter: params.proposeAfter, backoff: params.backoff,
      randomizedBackoff: params.randomizedBackoff, bugs: new Set<string>(params.bugs), stats };
    return {
      program: (id) => (id.startsWith('n') ? new SinglePaxosNode(config)
        : client(undefined, 0)) as NodeProgram<unknown>,
      properties: paxosProperties(singleObserver(), SINGLE_SAFETY),
      liveness: [allLearned()],
      metrics: (world) => ({ ...stats.figures(), ...clientFigures(world) }),
      inspect: (program) => program instanceof SinglePaxosNode ? {
        phase: program.proposer.phase, ballot: formatBallot(program.proposer.ballot),
        promised: formatBallot(program.acceptor.promised), learned: program.learned ?? null,
      } : undefined,
    };
  },
};
