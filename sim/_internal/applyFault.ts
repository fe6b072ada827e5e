/**
 * Carries out one fault on a running engine, and the repair of everything that starts the
 * liveness phase. Every fault leaves a trace record: crash, restart, pause and resume as
 * their own kinds on the node's lane, the others as `fault` records tagged with their kind.
 *
 * @internal
 */
import { assertNever } from '../assert.js';
import { describeFault, type Fault } from '../faults.js';
import { bridgeCuts, ringCuts } from '../network.js';
import type { NodeHost } from './host.js';
import type { Kernel } from './kernel.js';
import { boot, crash, pause, resume } from './lifecycle.js';

/** @internal */
export function applyFault(engine: Kernel, fault: Fault): void {
  switch (fault.kind) {
    case 'crash':
      return crash(engine, engine.host(fault.node), 'fault', fault.tear === true);
    case 'restart':
      return boot(engine, engine.host(fault.node), 'restart');
    case 'pause':
      return pause(engine, engine.host(fault.node));
    case 'resume':
      return resume(engine, engine.host(fault.node));
    default:
      applyEnvironmentFault(engine, fault);
      engine.trace.add(engine.now, 'fault', -1, -1, -1, fault.kind,
        { ...fault, text: describeFault(fault) });
  }
}

function applyEnvironmentFault(engine: Kernel, fault: Fault): void {
  const network = engine.network;
  switch (fault.kind) {
    case 'partition':
      return network.partition(fault.groups);
    case 'bridge':
    case 'ring': {
      const shape = fault.kind === 'bridge' ? bridgeCuts : ringCuts;
      network.heal();
      for (const [from, to] of shape(fault.nodes ?? engine.servers)) network.cut(from, to);
      return;
    }
    case 'cut':
      return network.cut(fault.from, fault.to);
    case 'heal':
      return network.heal(fault.from, fault.to);
    case 'link':
      return network.setLink(fault.from, fault.to, fault.set);
    case 'drop':
      return engine.dropMessage(fault.message);
    case 'admin':
      return engine.command(fault);
    case 'clock': {
      engine.touch(engine.host(fault.node));
      const clock = engine.host(fault.node).clock;
      if (fault.offset !== undefined) clock.setOffset(engine.now, fault.offset);
      if (fault.driftPpm !== undefined) setDrift(engine, engine.host(fault.node), fault.driftPpm);
      if (fault.jump !== undefined) clock.jump(engine.now, fault.jump);
      return;
    }
    case 'disk':
      engine.touch(engine.host(fault.node));
      if (fault.fault === 'fail-sync') {
        engine.host(fault.node).failNextSync = true;
      } else {
        const prng = engine.prng.stream(`faults/disk/${fault.node}`);
        const where = engine.host(fault.node).disk.corrupt((count) => prng.int(0, count - 1));
        engine.trace.add(engine.now, 'corrupt', engine.host(fault.node).index, -1, -1,
          where ?? 'nothing');
      }
      return;
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return;
    default:
      assertNever(fault, 'fault');
  }
}

/**
 * @internal The start of the liveness phase: heal every cut, restore every link to the
 * configured defaults, resume paused nodes, restart crashed ones and clear pending disk faults.
 */
export function healEverything(engine: Kernel): void {
  engine.network.heal();
  engine.network.restoreLinks();
  for (const id of [...engine.servers, ...engine.clients]) {
    const host = engine.host(id);
    host.failNextSync = false;
    if (host.paused) resume(engine, host);
    if (!host.up) boot(engine, host, 'restart');
  }
}

/**
 * A drift change on `host`'s clock, which also moves its pending timers: each still has some
 * local time to run, which from now on passes at the new rate (sim/clock.ts).
 */
function setDrift(engine: Kernel, host: NodeHost, driftPpm: number): void {
  const now = engine.now;
  const pending = [...host.timers.values()].filter((timer) => timer.at > now)
    .map((timer) => ({ timer, local: host.clock.localSpan(now, timer.at) }));
  host.clock.setDrift(now, driftPpm);
  for (const { timer, local } of pending) {
    const moved = { ...timer, at: now + host.clock.trueDelay(local) };
    host.timers.set(timer.name, moved); // the old event, still queued, is now stale
    engine.push(moved.at, moved);
  }
}
