/**
 * The visualizer's entry point: builds the app in #app and opens what the address names (or
 * the default scenario). `window.faultline` exposes a read-only probe for the browser tests
 * and the benchmark.
 */
import { App } from './app.js';

const root = document.getElementById('app');
if (root === null) throw new Error('the page has no #app element');
const app = new App(root);
(window as unknown as { faultline: App }).faultline = app;
void app.start().then(() => document.body.setAttribute('data-ready', '1'));
