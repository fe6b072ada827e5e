/**
 * Faults: what a nemesis can do to a cluster. A fault is data, scheduled at a true time in the
 * same event queue as everything else, so every schedule replays exactly and shows in the
 * trace (Stateright's Crash/Recover actions; Maelstrom's nemesis packages).
 *
 * Kinds: crash (optionally tearing the write in progress) and restart; pause and resume (a
 * long GC pause: the node runs nothing, then wakes with stale beliefs); partition into groups,
 * bridge and ring shapes, one-way cuts, heal; link changes (latency, loss, duplication,
 * bandwidth); clock offset, drift and jumps; disk faults (a failing sync, a corrupted record);
 * and the loss of one message, named by its id in the trace (`drop`): it was sent as usual,
 * random draws included, and is lost in flight, so a run that drops it differs from the run
 * that did not only from that message on (the visualizer's "drop this message").
 *
 * Beside the faults, the schedule carries what an operator asks of the cluster (`admin`):
 * add or remove a server, or move the leadership. It is not
 * done to the cluster but asked of it: the engine hands it to the run's operator process
 * (sim/check/operator.ts), which sends the request to the servers as an administrator's tool
 * would, following leader hints and retrying. Jepsen's membership nemeses are the model.
 */
import { ConfigError } from './assert.js';
import { validateClock } from './clock.js';
import { type LinkPatch, validateLinkPatch } from './network.js';
import type { Micros, NodeId } from './types.js';

/**
 * What an operator can ask of a cluster: add a server to its configuration, remove one, or
 * hand the leadership to one (leadership transfer). A protocol says which it supports
 * (`ProtocolDefinition.membership`).
 */
export const ADMIN_OPS = ['add', 'remove', 'transfer'] as const;
export type AdminOp = (typeof ADMIN_OPS)[number];

/** One fault. */
export type Fault =
  | { readonly kind: 'crash'; readonly node: NodeId; readonly tear?: boolean }
  | { readonly kind: 'restart'; readonly node: NodeId }
  | { readonly kind: 'pause'; readonly node: NodeId }
  | { readonly kind: 'resume'; readonly node: NodeId }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'bridge'; readonly nodes?: readonly NodeId[] }
  | { readonly kind: 'ring'; readonly nodes?: readonly NodeId[] }
  | { readonly kind: 'cut'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'heal'; readonly from?: NodeId; readonly to?: NodeId }
  | { readonly kind: 'link'; readonly from?: NodeId; readonly to?: NodeId; readonly set: LinkPatch }
  | {
      readonly kind: 'clock';
      readonly node: NodeId;
      readonly offset?: Micros;
      readonly driftPpm?: number;
      readonly jump?: Micros;
    }
  | { readonly kind: 'disk'; readonly node: NodeId; readonly fault: 'fail-sync' | 'corrupt' }
  | { readonly kind: 'drop'; readonly message: number }
  | { readonly kind: 'admin'; readonly op: AdminOp; readonly node: NodeId };

/** The names of fault kinds, for reports ("faults by kind"). */
export type FaultKind = Fault['kind'];

/** A fault at a true time. */
export interface ScheduledFault {
  readonly at: Micros;
  readonly fault: Fault;
}

/** A one-line description of a fault for summaries and the trace. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'crash':
      return `crash ${fault.node}${fault.tear === true ? ' (torn write)' : ''}`;
    case 'restart':
    case 'pause':
    case 'resume':
      return `${fault.kind} ${fault.node}`;
    case 'partition':
      return `partition ${fault.groups.map((g) => g.join(' ')).join(' | ')}`;
    case 'bridge':
    case 'ring':
      return `${fault.kind}${fault.nodes === undefined ? '' : ` ${fault.nodes.join(' ')}`}`;
    case 'cut':
      return `cut ${fault.from} -> ${fault.to}`;
    case 'heal':
      return fault.from === undefined ? 'heal all' : `heal ${fault.from} -> ${fault.to}`;
    case 'link':
      return `link ${fault.from ?? '*'} -> ${fault.to ?? '*'} ${JSON.stringify(fault.set)}`;
    case 'clock':
      return `clock ${fault.node} ${JSON.stringify({ ...fault, kind: undefined, node: undefined })}`;
    case 'disk':
      return `disk ${fault.node} ${fault.fault}`;
    case 'drop':
      return `drop message #${fault.message}`;
    case 'admin':
      return `${fault.op} ${fault.node} (asked by the operator)`;
  }
}

/**
 * Rejects a fault that names an unknown node or carries an impossible value. `nodes` are the
 * ids that exist (servers and clients); `path` names the fault in errors.
 */
export function validateFault(fault: Fault, nodes: ReadonlySet<NodeId>, path: string): void {
  const known = (id: unknown, field: string): void => {
    if (typeof id !== 'string' || !nodes.has(id)) {
      throw new ConfigError(
        `${path}.${field}`,
        `a node of this cluster (${[...nodes].join(', ')}), got ${JSON.stringify(id)}`,
      );
    }
  };
  switch (fault.kind) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'disk':
      return known(fault.node, 'node');
    case 'admin':
      if (!(ADMIN_OPS as readonly string[]).includes(fault.op)) {
        throw new ConfigError(`${path}.op`, `one of ${ADMIN_OPS.join(', ')}, got ${
          JSON.stringify(fault.op)}`);
      }
      return known(fault.node, 'node');
    case 'clock':
      known(fault.node, 'node');
      validateClock({ driftPpm: fault.driftPpm, offset: fault.offset ?? 0 }, path);
      if (fault.jump !== undefined && !Number.isInteger(fault.jump)) {
        throw new ConfigError(`${path}.jump`, `an integer number of µs, got ${fault.jump}`);
      }
      return;
    case 'partition':
      return validateGroups(fault.groups, known, path);
    case 'bridge':
    case 'ring':
      fault.nodes?.forEach((n, i) => known(n, `nodes[${i}]`));
      return;
    case 'cut':
      known(fault.from, 'from');
      return known(fault.to, 'to');
    case 'drop':
      if (!(Number.isSafeInteger(fault.message) && fault.message >= 0)) {
        throw new ConfigError(`${path}.message`, `a message id (an integer >= 0), got ${
          JSON.stringify(fault.message)}`);
      }
      return;
    case 'heal':
    case 'link':
      if (fault.from !== undefined) known(fault.from, 'from');
      if (fault.to !== undefined) known(fault.to, 'to');
      if (fault.kind === 'link') validateLinkPatch(fault.set, `${path}.set`);
      return;
    default:
      throw new ConfigError(`${path}.kind`, `a known fault kind, got ${JSON.stringify(fault)}`);
  }
}

function validateGroups(
  groups: readonly (readonly NodeId[])[],
  known: (id: unknown, field: string) => void,
  path: string,
): void {
  const seen = new Set<NodeId>();
  groups.forEach((group, g) =>
    group.forEach((node, i) => {
      known(node, `groups[${g}][${i}]`);
      if (seen.has(node)) {
        throw new ConfigError(`${path}.groups[${g}][${i}]`, `${node} is in two groups`);
      }
      seen.add(node);
    }),
  );
}
