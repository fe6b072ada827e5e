/**
 * Builds the visualizer once for the browser tests (into dist/viz-e2e, so a developer's
 * dist/viz is left alone) and serves it with `vite preview` on a free port. Tests read the
 * address with `inject('vizUrl')`. Chromium is Debian's, driven by playwright-core.
 */
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    vizUrl: string;
  }
}

/** Vitest global setup: build, serve, and return the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = `${process.cwd()}/dist/viz-e2e`;
  await build({ configFile: 'vite.config.ts', logLevel: 'warn',
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4_000 } });
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn',
    build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report an address');
  project.provide('vizUrl', url);
  return async () => {
    await server.close();
  };
}
