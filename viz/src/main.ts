/**
 * The visualizer's entry point: starts reading the trace the address names, if it names one
 * (early.ts), while the app loads; then builds the app in #app and opens what the address
 * names (or the default scenario). `window.faultline` exposes a read-only probe for the
 * browser tests and the benchmark.
 */
import { openEarly } from './run/early.js';

openEarly(location.hash, location.href);
void import('./app.js').then(({ App }) => {
  const root = document.getElementById('app');
  if (root === null) throw new Error('the page has no #app element');
  const app = new App(root);
  (window as unknown as { faultline: typeof app }).faultline = app;
  return app.start().then(() => document.body.setAttribute('data-ready', '1'));
});
