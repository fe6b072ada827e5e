/**
 * A fuzz worker thread (built to dist/cli/fuzzWorker.js; tsx cannot start a .ts worker): runs
 * its share of the campaign and posts each run's outcome to the main thread, then `done`.
 */
import { loadRegistry } from './registry.js';
import { workerMain } from './workerMain.js';

await workerMain(await loadRegistry());
