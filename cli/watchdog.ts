/**
 * The watchdog of runs started from Node (the CLI and its fuzz workers): it ends a run that
 * has used its memory or its wall time (runner/limits.ts) before the machine ends the process.
 *
 * Memory is the JavaScript heap plus the memory outside it (array buffers) of this thread. The heap counts garbage
 * not yet collected, so a run over its budget is first given a full collection: it stops only
 * if what is live still exceeds the budget. Such a collection costs up to a second on a large
 * heap, so after one that freed enough the next waits nine times as long as it took (forced
 * collections take at most a tenth of the run), unless the heap passes halfway from the
 * budget to V8's heap limit. The budget is at most three quarters of that limit, because V8
 * kills the process there and nothing can catch that.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import type { MachineLimit } from '../sim/index.js';
import type { RunLimits, Watchdog, WatchdogFactory } from '../runner/limits.js';

/** What the budget means in this process: never beyond V8's own limit. */
export function memoryBudget(limits: RunLimits): number {
  return Math.min(limits.memoryBytes, Math.floor(heapLimit() * 0.75));
}

const heapLimit = (): number => getHeapStatistics().heap_size_limit;

/**
 * This thread's heap in use plus its memory outside the heap (array buffers among it), from
 * V8's own figures: 0.4 µs, where `process.memoryUsage()` takes about 10 µs (it reads the
 * process's resident size from /proc as well), and a fuzz run asks dozens of times.
 */
function used(): number {
  const { used_heap_size: heap, external_memory: external } = getHeapStatistics();
  return heap + external;
}

let collect: (() => void) | undefined;

/** A full garbage collection, made available once (as `node --expose-gc` would). */
function collectGarbage(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/** The CLI's watchdog: memory as above, wall time from the run's start. */
export const nodeWatchdog: WatchdogFactory = (limits: RunLimits): Watchdog => {
  const budget = memoryBudget(limits);
  const ceiling = (budget + heapLimit()) / 2;
  const deadline = performance.now() + limits.timeMs;
  let quietUntil = 0;
  const overMemory = (now: number): boolean => {
    const bytes = used();
    if (bytes <= budget || (now < quietUntil && bytes <= ceiling)) return false;
    collectGarbage();
    if (used() > budget) return true;
    const done = performance.now();
    quietUntil = done + 9 * (done - now);
    return false;
  };
  // Memory first: the linearizability check asks only whether memory ran out.
  return (): MachineLimit | undefined => {
    const now = performance.now();
    if (overMemory(now)) return 'memory-limit';
    return now > deadline ? 'time-limit' : undefined;
  };
};
