/**
 * Messages of the load balancer. Clients speak the shared client protocol to the balancer
 * that holds the virtual address (sim/check/clientProtocol.ts); the balancer speaks to its
 * backends and to its standby with these:
 * - `Forward` carries one attempt of a client request to a backend, which answers `Served`
 *   or, without running it, `Refused` (its queue is full, or the attempt comes from a
 *   balancer whose epoch a newer one has replaced);
 * - `Probe` is an active health check, answered by `ProbeAnswer` with the backend's load;
 * - `LeaseRequest`, `LeaseGrant`: a balancer becomes and stays active only while a majority of
 *   backends grants it a lease for its epoch (the fenced takeover, balancer.ts);
 * - `Beat`: the active balancer's heartbeat to its peer, which watches it with the shared
 *   failure detector;
 * - `Announce`: a gratuitous ARP: the sender now holds the virtual address, for `epoch`.
 * Every answer a backend gives carries its outstanding requests (queued or in service), the
 * load report of `least-outstanding-requests`.
 */
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import type { ClientOperation, NodeId } from '../../sim/index.js';

export interface Forward {
  readonly type: 'Forward';
  /** Unique per attempt: `<balancer>.<boot>.<n>`. */
  readonly id: string;
  /** The balancer request it belongs to (attempts of one request share it). */
  readonly request: string;
  readonly epoch: number;
  readonly client: NodeId;
  readonly seq: number;
  readonly op: ClientOperation;
}

export interface Served {
  readonly type: 'Served';
  readonly id: string;
  readonly result: unknown;
  readonly outstanding: number;
}

export interface Refused {
  readonly type: 'Refused';
  readonly id: string;
  readonly reason: 'overloaded' | 'stale-epoch';
  readonly outstanding: number;
}

export interface Probe {
  readonly type: 'Probe';
  readonly round: number;
}

export interface ProbeAnswer {
  readonly type: 'ProbeAnswer';
  readonly round: number;
  /** Share of workers busy since the previous answer to this balancer, in [0, 1]. */
  readonly load: number;
  readonly outstanding: number;
}

export interface LeaseRequest {
  readonly type: 'LeaseRequest';
  readonly epoch: number;
  /** The requester's round, echoed so that a late grant is not counted twice. */
  readonly round: number;
}

export interface LeaseGrant {
  readonly type: 'LeaseGrant';
  readonly epoch: number;
  readonly round: number;
  /** Whether it is granted; when not, the epoch the backend has granted to. */
  readonly granted: boolean;
  readonly holderEpoch: number;
}

export interface Beat {
  readonly type: 'Beat';
  readonly epoch: number;
}

export interface Announce {
  readonly type: 'Announce';
  readonly epoch: number;
}

/** Messages between balancers and backends. */
export type BalancerMessage = Forward | Served | Refused | Probe | ProbeAnswer | LeaseRequest |
  LeaseGrant | Beat | Announce;

/** Every message of the protocol, client traffic included. */
export type AnyBalancerMessage = BalancerMessage | ClientMessage;
