import { defineConfig } from 'vite';

// The visualizer is a Vite app rooted in viz/; it imports sim/, protocols/ and runner/
// directly. With every protocol and scenario bundled the app is about 1.2 MB, served from
// localhost, so the default 500 kB chunk warning says nothing useful here.
export default defineConfig({
  root: 'viz',
  base: './',
  build: { outDir: '../dist/viz', emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
});
