// Bundles the CLI, its fuzz worker and the benchmarks with esbuild into dist/.
// seedrandom is CommonJS, so a bundled ESM file needs `require` defined (see TOOLCHAIN.md).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  'cli/faultline': 'cli/main.ts',
  'cli/fuzzWorker': 'cli/fuzzWorker.ts',
  'bench/main': 'bench/main.ts',
  'bench/checkWorker': 'bench/checkWorker.ts',
  'cli/docs': 'cli/docs.ts',
  'cli/readme': 'cli/readme.ts',
  'cli/hostile': 'cli/hostile.ts',
  // The CLI with the toy protocol registered, and its fuzz worker, for the CLI tests.
  'test/toyCli': 'test/cli/toyCli.ts',
  'test/toyWorker': 'test/cli/toyWorker.ts',
};
const entryPoints = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(src)));

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Commands load their modules on use: shared chunks keep `faultline --help` fast.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  banner: {
    js: "#!/usr/bin/env node\nimport{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
});
