import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The visualizer is a Vite app rooted in viz/; it imports sim/, protocols/ and runner/
// directly. With every protocol and scenario bundled the app is about 1.2 MB, served from
// localhost, so the default 500 kB chunk warning says nothing useful here.
export default defineConfig({
  root: 'viz',
  base: './',
  build: { outDir: '../dist/viz', emptyOutDir: true, chunkSizeWarningLimit: 2_000,
    // Two pages: the visualizer, and the comparison of designs (viz/compare.html).
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'viz/index.html'),
      compare: resolve(import.meta.dirname, 'viz/compare.html') } } },
});
