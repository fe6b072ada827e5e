/**
 * The cluster-wide properties of both Paxos variants, judged after every event from the
 * omniscient `PaxosObserver` (observer.ts):
 * - `validity`: only proposed values are chosen or decided (a client's invoked command or a
 *   no-op in Multi-Paxos; some server's own value in single-decree Paxos);
 * - `agreement`: per slot at most one value is chosen, and every decision is that value;
 * - `integrity`: a node decides a slot at most once, with one value, restarts included;
 * - `promise-monotonic`: an acceptor's promise never decreases, across restarts too;
 * - `execution-order` (Multi-Paxos): slots run in order, without gaps;
 * - `votes-durable`: a promise or accept counted towards a quorum is already on the voter's
 *   disk (the acceptor's durability duty, §2.3);
 * - `value-chosen` (sometimes): some value is chosen, so an idle run cannot pass.
 * Liveness after the heal: `leader-elected` and `commands-decided` (Multi-Paxos: every client
 * operation invoked before the heal completes and a new one is served: sim/check/history.ts
 * `served`), `all-learned`
 * (single-decree: every server learns the decision).
 */
import type { ClientOperation, NodeId } from '../../sim/index.js';
import { served } from '../../sim/check/history.js';
import type { LivenessCheck, Property, World } from '../../sim/check/property.js';
import { MultiPaxosNode } from './node.js';
import { type ObservableServer, PaxosObserver, type ProblemKind } from './observer.js';
import { ownValue, SinglePaxosNode } from './singleNode.js';
import type { Command } from './stateMachine.js';

/** Safety property names of Multi-Paxos. */
export const MULTI_SAFETY: readonly ProblemKind[] = ['validity', 'agreement', 'integrity',
  'promise-monotonic', 'execution-order', 'votes-durable'];
/** Safety property names of single-decree Paxos. */
export const SINGLE_SAFETY: readonly ProblemKind[] = ['validity', 'agreement', 'integrity',
  'promise-monotonic', 'votes-durable'];

/** The `always` properties over one observer, plus `value-chosen`. */
export function paxosProperties<V>(observer: PaxosObserver<V>,
  names: readonly ProblemKind[]): Property[] {
  const always: Property[] = names.map((name) => ({
    kind: 'always' as const,
    name,
    check(world: World) {
      observer.update(world);
      return observer.problems.get(name);
    },
    evidence: () => observer.evidence.get(name),
  }));
  return [...always, {
    kind: 'sometimes', name: 'value-chosen', explain: 'no value was ever chosen',
    holds(world: World) {
      observer.update(world);
      return observer.chosen.size > 0;
    },
  }];
}

/** The Multi-Paxos observer: validity means "some client invoked exactly this command". */
export function multiObserver(): PaxosObserver<Command> {
  const invoked = new Map<NodeId, ClientOperation[]>();
  let scanned = 0;
  const validate = (command: Command, world: World): string | undefined => {
    if (command.kind === 'noop') return undefined;
    for (; scanned < world.history.length; scanned++) {
      const event = world.history[scanned];
      if (event?.type !== 'invoke') continue;
      let list = invoked.get(event.process);
      if (list === undefined) invoked.set(event.process, (list = []));
      const key = event.key === undefined ? {} : { key: event.key };
      list.push({ f: event.f, value: event.value, ...key });
    }
    const op = invoked.get(command.client)?.[command.seq - 1];
    if (op !== undefined && op.f === command.op.f && op.key === command.op.key &&
      JSON.stringify(op.value) === JSON.stringify(command.op.value)) return undefined;
    return `${describeCommand(command)} was never invoked by ${command.client}`;
  };
  const asServer = (p: unknown): ObservableServer<Command> | undefined =>
    p instanceof MultiPaxosNode ? p : undefined;
  return new PaxosObserver<Command>(asServer, describeCommand, validate);
}

/** The single-decree observer: validity means "some server's own value". */
export function singleObserver(): PaxosObserver<string> {
  const asServer = (p: unknown): ObservableServer<string> | undefined =>
    p instanceof SinglePaxosNode ? p : undefined;
  const validate = (value: string, world: World): string | undefined =>
    world.servers.some((id) => ownValue(id) === value) ? undefined
      : `${JSON.stringify(value)} is no server's proposal`;
  return new PaxosObserver<string>(asServer, (v) => JSON.stringify(v), validate);
}

/** A command as a person reads it: `c2#5 put k1="c2.5"` or `no-op`. */
export function describeCommand(command: Command): string {
  if (command.kind === 'noop') return 'no-op';
  const { f, key, value } = command.op;
  return `${command.client}#${command.seq} ${f} ${key ?? ''}=${JSON.stringify(value)}`;
}

/** Multi-Paxos liveness: a leader that a majority follows. */
export function leaderElected(): LivenessCheck {
  return {
    name: 'leader-elected',
    explain: 'no leader was followed by a majority',
    holds(world) {
      for (const id of world.servers) {
        const node = world.program(id);
        if (!(node instanceof MultiPaxosNode) || node.role !== 'leader') continue;
        const followers = world.servers.filter((peer) => {
          const other = world.program(peer);
          return other instanceof MultiPaxosNode && other.leaderId === id;
        });
        if (followers.length >= Math.floor(world.servers.length / 2) + 1) return true;
      }
      return false;
    },
  };
}

/**
 * Multi-Paxos liveness: every operation invoked before the heal has completed, and one
 * invoked after it succeeded. The heal time is when the check is first asked.
 */
export function commandsDecided(): LivenessCheck {
  let healAt: number | undefined;
  let scanned = 0;
  const open = new Map<NodeId, number>();
  let okAfterHeal = false;
  return {
    name: 'commands-decided',
    explain: 'client operations pending at the heal did not all complete, or none succeeded after',
    holds(world) {
      healAt ??= world.now;
      for (; scanned < world.history.length; scanned++) {
        const event = world.history[scanned];
        if (event === undefined) continue;
        if (event.type === 'invoke') open.set(event.process, event.time);
        else {
          const since = open.get(event.process);
          open.delete(event.process);
          if (served(event) && since !== undefined && since >= healAt) okAfterHeal = true;
        }
      }
      const start = healAt;
      return okAfterHeal && [...open.values()].every((time) => time >= start);
    },
  };
}

/** Single-decree liveness: every server has learned the decision. */
export function allLearned(): LivenessCheck {
  return {
    name: 'all-learned',
    explain: 'some server never learned the chosen value',
    holds: (world) => world.servers.every((id) => {
      const node = world.program(id);
      return node instanceof SinglePaxosNode && node.learned !== undefined;
    }),
  };
}
