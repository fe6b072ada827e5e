/**
 * The entry point of `faultline` (bundled to dist/cli/faultline.js): the registry (with
 * FAULTLINE_REGISTRY's protocols when set) and the worker beside this bundle, then the program.
 */
import { runCli } from './program.js';
import { loadRegistry } from './registry.js';

process.exitCode = await runCli(process.argv.slice(2), {
  registry: loadRegistry,
  workerUrl: new URL('./fuzzWorker.js', import.meta.url),
});
