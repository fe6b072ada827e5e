/**
 * `faultline` with the toy protocol registered, bundled to dist/test/toyCli.js (one bundle,
 * so the toy protocol shares the engine and checker modules with the CLI) for the CLI tests,
 * while the real protocols land. Its fuzz workers are dist/test/toyWorker.js.
 */
import { protocols } from '../../protocols/index.js';
import { runCli } from '../../cli/program.js';
import { toyKv } from '../support/toyKv.js';

process.exitCode = await runCli(process.argv.slice(2), {
  registry: async () => ({ ...protocols, toykv: toyKv }),
  workerUrl: new URL('./toyWorker.js', import.meta.url),
});
