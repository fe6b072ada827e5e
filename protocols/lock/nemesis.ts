/**
 * How fuzz campaigns strike the lock service where it is weak (runner/fuzz). Phases: `held`
 * (a client holds the lease at the service), `free`, and `recovering` (the service, back from a
 * crash, waits out a lease before it grants). The `leader` is the lock service (n1) and the
 * `holder` the client the service last granted the lease to.
 *
 * Its own rules are the two classic ways a lease fails: the holder pauses past its lease (a
 * GC pause) and then writes, and the service's clock steps forward while a lease is held.
 */
import type { ClusterView, NemesisRule } from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';
import type { FuzzTraits } from '../protocol.js';
import type { LockParams } from './definition.js';
import { LockService } from './lockService.js';

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

function service(world: World): LockService | undefined {
  const first = world.servers[0];
  const program = first === undefined ? undefined : world.program(first);
  return program instanceof LockService ? program : undefined;
}

const view: ClusterView = {
  phases(world) {
    const lock = service(world);
    if (lock === undefined) return [];
    if (lock.recovering) return ['recovering'];
    return [lock.holder === undefined ? 'free' : 'held'];
  },
  holders(world, role) {
    const lock = service(world);
    if (lock === undefined) return [];
    if (role === 'leader') return [world.servers[0] as string];
    if (role === 'holder' && lock.holder !== undefined) return [lock.holder];
    return [];
  },
};

/** The lock protocol's fuzz traits. */
export const lockFuzz: FuzzTraits<LockParams> = {
  phases: ['held', 'free', 'recovering'],
  roles: ['leader', 'holder'],
  view: () => view,
  timescale: (p) => ({ tick: p.work, timeout: p.ttl }),
  profile: { nodes: [2, 3], mix: {} },
  rules: [PAUSE_HOLDER, STEP_SERVICE_CLOCK],
};
