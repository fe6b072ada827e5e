/**
 * How fuzz campaigns strike the failure detectors (runner/fuzz). Phases: `suspicion` (some
 * monitor suspects a node) and `mistake` (some monitor suspects a node that is up and not
 * paused). There is no leader: nemeses pause, crash, slow, isolate or jump the clock of any
 * node.
 *
 * Runs may honour the synchronous model the fixed detector assumes (`synchronous`, with the
 * fixed detector): then the only faults are crashes and delays stretched up to `maxDelay`,
 * under which no live node may be suspected (`no-false-suspicion`).
 */
import type { ClusterView } from '../../sim/check/nemesis.js';
import type { FuzzTraits } from '../protocol.js';
import type { HeartbeatParams } from './definition.js';
import { nominalTimeout } from './definition.js';
import { HeartbeatNode } from './node.js';

const view: ClusterView = {
  phases(world) {
    let suspicion = false;
    let mistake = false;
    for (const m of world.servers) {
      const monitor = world.program(m);
      if (!(monitor instanceof HeartbeatNode)) continue;
      for (const t of world.servers) {
        if (t === m || !monitor.suspects(t)) continue;
        suspicion = true;
        if (world.isUp(t) && !world.isPaused(t)) mistake = true;
      }
    }
    return [...(suspicion ? ['suspicion'] : []), ...(mistake ? ['mistake'] : [])];
  },
  holders: () => [],
};

/** The heartbeat protocol's fuzz traits. */
export const heartbeatFuzz: FuzzTraits<HeartbeatParams> = {
  phases: ['suspicion', 'mistake'],
  view: () => view,
  timescale: (p) => ({ tick: p.period, timeout: nominalTimeout(p) }),
  variants: { detector: ['fixed', 'fixed', 'phi'], topology: ['all-to-all', 'all-to-all', 'star'] },
  // Accuracy under bounded delays is the fixed detector's promise; phi-accrual makes none.
  synchronous: { param: 'synchronous', bound: (p) => p.maxDelay, requires: { detector: 'fixed' } },
  profile: { nodes: [2, 6], mix: {} },
};
