/**
 * The protocol registry: every protocol Faultline can run, by name. A protocol joins by adding
 * its definition here.
 */
import type { ProtocolDefinition } from './protocol.js';
import { balancer } from './balancer/definition.js';
import { heartbeat } from './heartbeat/definition.js';
import { lock } from './lock/definition.js';
import { paxos, paxosSingle } from './paxos/definition.js';
import { raft } from './raft/definition.js';
import { replication } from './replication/definition.js';
import { twoPc } from './twopc/definition.js';

/** A protocol with its parameter type erased. */
export type AnyProtocol = ProtocolDefinition<any>;

export { formatDuration, parseDuration, showDuration } from './durations.js';
export type { BugSwitch, Membership, ProtocolDefinition, ProtocolInstance, ProtocolSetup,
  WorkloadSpec } from './protocol.js';

/** Protocols by name. */
export const protocols: Readonly<Record<string, AnyProtocol>> = {
  balancer,
  heartbeat,
  lock,
  paxos,
  'paxos-single': paxosSingle,
  raft,
  replication,
  twopc: twoPc,
};

/**
 * The protocol called `name` in `registry`, or undefined. By own key only: a scenario's
 * `protocol: toString` or `__proto__` names no protocol, whatever objects inherit.
 */
export function protocolNamed(
  registry: Readonly<Record<string, AnyProtocol>>,
  name: string,
): AnyProtocol | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}
