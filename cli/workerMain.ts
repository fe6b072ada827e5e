/**
 * The body of a fuzz worker thread: reads its share from `workerData`, runs it with the
 * given registry, posts each run's outcome, then `done` (or `error` with the stack).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runShare, type ShareConfig } from './fuzzShare.js';
import type { Registry } from './registry.js';

/** Runs this worker thread's share of a campaign. */
export async function workerMain(registry: Registry): Promise<void> {
  const { config, stop } = workerData as { config: ShareConfig; stop: SharedArrayBuffer };
  const port = parentPort;
  if (port === null) throw new Error('a fuzz worker runs as a worker thread of `faultline fuzz`');
  try {
    runShare(config, registry, new Int32Array(stop),
      (outcome) => port.postMessage({ type: 'run', outcome }),
      (index, reason) => port.postMessage({ type: 'found', index, reason }));
    port.postMessage({ type: 'done' });
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
}
