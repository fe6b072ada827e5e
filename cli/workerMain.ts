/**
 * The body of a fuzz worker thread: reads its configuration and the campaign's shared counter
 * from `workerData`, pulls runs with the given registry and posts each outcome with its
 * position, then `done` (or `error` with the stack).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pull, shareCampaign, type ShareConfig } from './fuzzShare.js';
import type { Registry } from './registry.js';

/** What the main thread hands a worker thread. */
export interface WorkerData {
  readonly config: ShareConfig;
  readonly counter: SharedArrayBuffer;
}

/** Runs this worker thread's part of a campaign. */
export async function workerMain(registry: Registry): Promise<void> {
  const { config, counter } = workerData as WorkerData;
  const port = parentPort;
  if (port === null) throw new Error('a fuzz worker runs as a worker thread of `faultline fuzz`');
  try {
    const campaign = shareCampaign(config, registry,
      (index, reason) => port.postMessage({ type: 'found', index, reason }));
    await pull(config, campaign, new Int32Array(counter),
      ({ position, outcome }) => port.postMessage({ type: 'run', position, outcome }));
    port.postMessage({ type: 'done' });
  } catch (error) {
    port.postMessage({ type: 'error', message: (error as Error).stack ?? String(error) });
  }
}
