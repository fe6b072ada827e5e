/**
 * The `twopc` protocol as the registry knows it: parameters, bug catalogue, properties,
 * metrics and the programs of servers and clients. Clients are the shared `Client`
 * (sim/check/workload.ts) issuing bank transfers and whole-bank reads to the coordinator.
 */
import { TWOPC_BUGS } from './bugs.js';
import { twoPcFuzz } from './nemesis.js';
import { Client } from '../../sim/check/workload.js';
import type { NodeProgram } from '../../sim/index.js';
import type { ProtocolDefinition } from '../protocol.js';
import { bankOperations } from './accounts.js';
import { allDecided, PROPERTY_NAMES, twoPcProperties } from './invariants.js';
import { twoPcMetrics } from './metrics.js';
import { TwoPcServer } from './node.js';
import { Observer } from './observer.js';
import { rolesOf, twoPcParams, type TwoPcParams } from './params.js';
import { twoPcView } from './view.js';


/** Share of `read-all` operations when the workload mix does not say. */
const DEFAULT_READ_SHARE = 0.1;

export const twoPc: ProtocolDefinition<TwoPcParams> = {
  name: 'twopc',
  description: 'Two-phase commit with presumed abort and cooperative termination, or Paxos ' +
    'Commit (variant: paxos-commit), over a bank of accounts spread across participants.',
  params: twoPcParams,
  bugs: TWOPC_BUGS,
  propertyNames: [...PROPERTY_NAMES, 'ac5-all-decided'],
  view: twoPcView,
  fuzz: twoPcFuzz,
  setup({ servers, params, workload }) {
    const roles = rolesOf(servers, params);
    const observer = new Observer(roles, params);
    const mix = workload?.mix ?? {};
    const transfer = mix.transfer ?? 0;
    const read = mix['read-all'] ?? mix.read ?? 0;
    const readShare = transfer + read > 0 ? read / (transfer + read) : DEFAULT_READ_SHARE;
    const generate = bankOperations(params.accounts, params.maxTransfer, readShare);
    return {
      program: (id): NodeProgram<unknown> => (servers.includes(id)
        ? new TwoPcServer(id, roles, params)
        : new Client({ interval: workload === undefined ? 20_000 : Math.round(1e6 / workload.rate),
          timeout: workload?.timeout ?? 500_000, attempts: workload?.attempts ?? 3, generate })
      ) as NodeProgram<unknown>,
      properties: twoPcProperties(observer),
      // After every event whichever properties a scenario selects, so blocked time and the
      // other metrics are measured even when a scenario checks none of the invariants.
      observe: (world) => observer.observe(world),
      liveness: [allDecided(roles)],
      metrics: (world) => twoPcMetrics(observer, world),
      inspect: (program) => inspectServer(program),
    };
  },
};

function inspectServer(program: NodeProgram<unknown>): unknown {
  if (!(program instanceof TwoPcServer)) return undefined;
  const { coordinator, participant, acceptor } = program;
  return {
    ...(coordinator === undefined ? {} : { coordinator: { epoch: coordinator.epoch,
      ready: coordinator.ready, active: [...coordinator.active.keys()],
      unacknowledged: [...coordinator.unacknowledged.keys()] } }),
    ...(participant === undefined ? {} : { participant: {
      balances: Object.fromEntries(participant.state.balances),
      locks: Object.fromEntries(participant.state.locks),
      prepared: [...participant.state.prepared] } }),
    ...(acceptor === undefined ? {} : { acceptor: { transactions: acceptor.txs.size } }),
  };
}
