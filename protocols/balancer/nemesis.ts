/**
 * How fuzz campaigns strike the load balancer where it is weak (runner/fuzz). Its phases, as
 * the active balancer sees its pool:
 * - `steady`: every backend of the pool in rotation, none of them crashed;
 * - `detecting`: a crashed backend is still in rotation (the failover window: requests sent to
 *   it fail until the health checks notice);
 * - `degraded`: some backend is out of rotation (down, ejected), its load on the others;
 * - `takeover`: a balancer pair with no active balancer.
 * Roles: the `leader` is the active balancer; the `busiest` backend is the one it has the most
 * requests open at.
 *
 * Its own rules aim at what a balancer is weak against: a backend dying or stalling under load
 * (crash or pause the busiest backend: detection, retries of what it held, and its share moved
 * to the rest), and a network that fails requests everywhere at once (loss across the cluster
 * as the pool is steady: false ejections, retries that multiply the load). The generic rules
 * isolate, pause and crash the active balancer (takeovers) and flap single nodes.
 */
import type { NodeId } from '../../sim/index.js';
import type { ClusterView, NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import { Balancer } from './balancer.js';
import type { BalancerParams } from './definition.js';
import { POLICIES } from './policies.js';

export const BALANCER_PHASES = ['steady', 'detecting', 'degraded', 'takeover'] as const;

const every = (period: number) => ({ on: 'every' as const, period });

const CRASH_BUSIEST: NemesisRule = { name: 'crash-busiest', trigger: every(2),
  steps: [{ target: { role: 'busiest' }, action: 'crash', after: [0, 0.2], length: [1, 4] }],
  chance: 1, limit: 3 };

const PAUSE_BUSIEST: NemesisRule = { name: 'pause-busiest', trigger: every(2),
  steps: [{ target: { role: 'busiest' }, action: 'pause', after: [0, 0.2], length: [0.5, 3] }],
  chance: 1, limit: 3 };

const LOSSY_WHEN_STEADY: NemesisRule = { name: 'lossy-when-steady',
  trigger: { on: 'enter', phases: ['steady'] },
  steps: [{ target: 'random', action: 'lossy', after: [0, 1], length: [2, 5] }],
  chance: 0.5, limit: 2 };

/** The active balancers (several only when the fence failed). */
function activeBalancers(world: World, balancers: readonly NodeId[]): { id: NodeId;
  program: Balancer }[] {
  const out: { id: NodeId; program: Balancer }[] = [];
  for (const id of balancers) {
    const program = world.program(id);
    if (!(program instanceof Balancer)) continue;
    if (program.pair === undefined || program.pair.active(world.monotonicTime(id))) {
      out.push({ id, program });
    }
  }
  return out;
}

function viewOf(balancers: readonly NodeId[]): ClusterView {
  return {
    phases(world) {
      const active = activeBalancers(world, balancers)[0];
      if (active === undefined) return balancers.length > 1 ? ['takeover'] : [];
      const rotation = active.program.rotation();
      const phases: string[] = [];
      if (rotation.some((id) => !world.isUp(id))) phases.push('detecting');
      if (active.program.pool.some((id) => !rotation.includes(id))) phases.push('degraded');
      return phases.length === 0 ? ['steady'] : phases;
    },
    holders(world, role) {
      const active = activeBalancers(world, balancers);
      if (role === 'leader') return active.map((a) => a.id);
      const first = active[0];
      if (role !== 'busiest' || first === undefined) return [];
      let best: NodeId | undefined;
      let most = 0;
      for (const id of first.program.rotation()) {
        const open = first.program.openAt(id);
        if (world.isUp(id) && (best === undefined || open > most)) {
          best = id;
          most = open;
        }
      }
      return best === undefined ? [] : [best];
    },
  };
}

/** The balancers of a run: n1, and n2 with a standby. */
export function balancerIds(setup: { readonly servers: readonly NodeId[];
  readonly params: Pick<BalancerParams, 'standby'> }): NodeId[] {
  return setup.servers.slice(0, setup.params.standby ? 2 : 1);
}

/** The balancer's fuzz traits. */
export const balancerFuzz: FuzzTraits<BalancerParams> = {
  phases: BALANCER_PHASES,
  roles: ['leader', 'busiest'],
  view: (setup) => viewOf(balancerIds(setup)),
  timescale: (p) => ({ tick: p.interval, timeout: p.fall * p.interval + p.checkTimeout }),
  variants: {
    policy: POLICIES,
    standby: [false, false, true],
    slowness: [{}, {}, { n3: 4 }],
    weights: [{}, {}, { n3: 3 }],
  },
  profile: { nodes: [3, 7], mix: { get: 0.7, order: 0.3 } },
  rules: [CRASH_BUSIEST, PAUSE_BUSIEST, LOSSY_WHEN_STEADY],
};
