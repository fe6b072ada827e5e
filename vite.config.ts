import { defineConfig } from 'vite';

// The visualizer is a Vite app rooted in viz/; it imports sim/ and protocols/ directly.
export default defineConfig({
  root: 'viz',
  base: './',
  build: { outDir: '../dist/viz', emptyOutDir: true },
});
