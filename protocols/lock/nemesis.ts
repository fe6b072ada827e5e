/**
 * How fuzz campaigns strike the locks where they are weak (runner/fuzz). Phases, the same for
 * every variant: `held` (the lock service holds the lock for a client: the lease service's
 * holder, the key on the Redis instance or on a majority of Redlock's, the lowest node of the
 * coordination service's tree), `free`, `recovering` (a lock server waits out a restart before
 * it grants again) and `election` (the coordination service has no leader able to serve). The
 * `leader` is the node the lock is granted by (the lease service, the Redis instances, the Raft
 * leader) and the `holder` the client it is granted to.
 *
 * Its own rules are the three ways a lock's holder and its lease part company: the holder
 * pauses past its lease (a GC pause) and then writes; the lock server's clock steps forward
 * while the lock is held (a lease measured on it ends early); and the holder dies as soon as it
 * has the lock, before it could finish taking it or give it back (its lock must still expire).
 */
import type { NodeId } from '../../sim/index.js';
import type { ClusterView, NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits, ProtocolSetup } from '../protocol.js';
import type { LockParams } from './definition.js';
import { LockService } from './lockService.js';
import { RedisServer } from './redis.js';
import { holderOf } from './redisClient.js';
import { ZkServer } from './zkServer.js';
import { LOCK_PATH } from './zkTree.js';

const PAUSE_HOLDER: NemesisRule = {
  name: 'pause-holder',
  trigger: { on: 'enter', phases: ['held'] },
  steps: [{ target: { role: 'holder' }, action: 'pause', after: [0, 0.5], length: [1, 3] }],
  chance: 0.5, limit: 3,
};

const STEP_SERVICE_CLOCK: NemesisRule = {
  name: 'step-service-clock',
  trigger: { on: 'enter', phases: ['held'] },
  steps: [{ target: { role: 'leader' }, action: 'clock-jump', after: [0, 0.5], length: [1, 3] }],
  chance: 0.5, limit: 3,
};

const CRASH_HOLDER: NemesisRule = {
  name: 'crash-holder',
  trigger: { on: 'enter', phases: ['held'] },
  steps: [{ target: { role: 'holder' }, action: 'crash', after: [0, 0], length: [1, 3] }],
  chance: 0.5, limit: 3,
};

/** The servers that grant the lock: every server but the storage (the last). */
export function lockServers(servers: readonly NodeId[], variant: string): NodeId[] {
  const all = servers.slice(0, -1);
  return variant === 'lease' || variant === 'redis' ? all.slice(0, 1) : all;
}

/** Who holds the lock at the lock service, as each variant keeps it. */
function grantedTo(world: World, servers: readonly NodeId[]): NodeId | undefined {
  const counts = new Map<NodeId, number>();
  for (const id of servers) {
    const program = world.program(id);
    let holder: NodeId | undefined;
    if (program instanceof LockService) holder = program.holder;
    if (program instanceof RedisServer) {
      holder = holderOf(program.lockValue(world.localTime(id), world.monotonicTime(id)));
    }
    if (program instanceof ZkServer && program.serving) holder = program.tree.firstOwner(LOCK_PATH);
    if (holder !== undefined) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  }
  const zk = servers.some((id) => world.program(id) instanceof ZkServer);
  const needed = zk ? 1 : Math.floor(servers.length / 2) + 1;
  return [...counts].find(([, n]) => n >= needed)?.[0];
}

function viewOf(servers: readonly NodeId[]): ClusterView {
  const leaders = (world: World): NodeId[] => servers.filter((id) => {
    const program = world.program(id);
    if (program instanceof ZkServer) return program.raft.role === 'leader';
    return program !== undefined;
  });
  return {
    phases(world) {
      if (!servers.some((id) => world.isUp(id))) return []; // no lock server runs: idle
      const recovering = servers.some((id) => {
        const program = world.program(id);
        return (program instanceof LockService && program.recovering) ||
          (program instanceof RedisServer && program.loading(world.monotonicTime(id)));
      });
      if (recovering) return ['recovering'];
      const zk = servers.some((id) => world.program(id) instanceof ZkServer);
      if (zk && !servers.some((id) => {
        const program = world.program(id);
        return program instanceof ZkServer && program.serving;
      })) return ['election'];
      return [grantedTo(world, servers) === undefined ? 'free' : 'held'];
    },
    holders(world, role) {
      if (role === 'leader') return leaders(world);
      const holder = role === 'holder' ? grantedTo(world, servers) : undefined;
      return holder === undefined || !world.clients.includes(holder) ? [] : [holder];
    },
  };
}

/** The lock protocol's fuzz traits. */
export const lockFuzz: FuzzTraits<LockParams> = {
  phases: ['held', 'free', 'recovering', 'election'],
  roles: ['leader', 'holder'],
  view: (setup: ProtocolSetup<LockParams>) => viewOf(lockServers(setup.servers,
    setup.params.variant)),
  timescale: (p) => p.variant === 'zookeeper'
    ? { tick: Math.floor(p.sessionTimeout / 3), timeout: p.sessionTimeout }
    : { tick: p.work, timeout: p.ttl },
  variants: {
    variant: ['lease', 'redis', 'redlock', 'zookeeper'],
    expiryClock: ['monotonic', 'monotonic', 'wall'],
  },
  // No damaged records: the coordination service's Raft group is every server but the storage,
  // and damage on a minority of the servers can be half of that group, which Raft rightly
  // does not survive (a server in repair may not vote). Failed syncs still strike.
  profile: { nodes: [2, 6], mix: {}, damage: false },
  rules: [PAUSE_HOLDER, STEP_SERVICE_CLOCK, CRASH_HOLDER],
};
