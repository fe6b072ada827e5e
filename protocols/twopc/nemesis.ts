/**
 * How fuzz campaigns strike two-phase commit where it is weak (runner/fuzz). Its phases:
 * - `prepare`: the coordinator waits for votes on a transaction;
 * - `decide`: a commit is decided and not yet acknowledged by every participant (the decision
 *   is in flight; a coordinator that lost it now, or a participant that lost its vote, must
 *   still end the same way);
 * - `blocked`: a participant is prepared and does not know the decision (classic 2PC blocks
 *   here while the coordinator is away; Paxos Commit must not);
 * - `recover`: the coordinator, back from a crash, has not finished reading its log.
 * The `leader` is the coordinator, n1, while it is up.
 *
 * Its own rule cuts the coordinator off from the participants while some are prepared, so
 * that they wait out their decision timeout (and must not decide on their own).
 */
import type { ClusterView, NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import { TwoPcServer } from './node.js';
import type { TwoPcParams } from './params.js';

const STRAND_PREPARED: NemesisRule = {
  name: 'strand-prepared',
  trigger: { on: 'enter', phases: ['blocked'] },
  steps: [{ target: { role: 'leader' }, action: 'isolate', after: [0, 0.2], length: [1.5, 4] }],
  chance: 0.5, limit: 3,
};

function server(world: World, id: string): TwoPcServer | undefined {
  const program = world.program(id);
  return program instanceof TwoPcServer ? program : undefined;
}

const view: ClusterView = {
  phases(world) {
    const phases: string[] = [];
    const coordinator = world.servers[0] === undefined ? undefined
      : server(world, world.servers[0])?.coordinator;
    if (coordinator !== undefined) {
      if (!coordinator.ready) phases.push('recover');
      if (coordinator.active.size > 0) phases.push('prepare');
      if (coordinator.unacknowledged.size > 0) phases.push('decide');
    }
    if (world.servers.some((id) => (server(world, id)?.participant?.waiting.size ?? 0) > 0)) {
      phases.push('blocked');
    }
    return phases;
  },
  holders(world, role) {
    const first = world.servers[0];
    if (role !== 'leader' || first === undefined) return [];
    return server(world, first)?.coordinator === undefined ? [] : [first];
  },
};

/** Two-phase commit's fuzz traits. */
export const twoPcFuzz: FuzzTraits<TwoPcParams> = {
  phases: ['prepare', 'decide', 'blocked', 'recover'],
  roles: ['leader'],
  view: () => view,
  timescale: (p) => ({ tick: p.resendInterval, timeout: p.voteTimeout }),
  variants: { variant: ['2pc', '2pc', 'paxos-commit'], noVoteRate: [0, 0, 0.1] },
  profile: { nodes: [2, 5], mix: {} },
  rules: [STRAND_PREPARED],
};
