/**
 * `faultline viz FILE` (cli/vizCommand.ts) end to end: a trace file written by a run in Node
 * is served, opened by the page from the printed address, drawn, and its trace hash
 * recomputed in the browser equals the run's. A bundled scenario path opens by its key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge, loadScenario, prepareRun, runSpec } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import { toyKv } from '../support/toyKv.js';
import { startViz } from '../../cli/vizCommand.js';
import { openPage, probe, waitForDraw, useBrowser } from './browser.js';

const registry = { ...protocols, toykv: toyKv };
const SCENARIO = `name: viz-served
protocol: toykv
nodes: 2
workload: { clients: 2, rate: 50/s, keys: 2, mix: { get: 1, put: 1 }, timeout: 20ms, attempts: 2 }
faults: [{ at: 200ms, partition: [[n1], [n2]] }, { at: 400ms, heal: all }]
duration: 600ms
seed: 5
`;

/** A scenario of a protocol the page runs (the toy protocol is the CLI tests' alone). */
const SERVED = `name: viz-served-heartbeat
protocol: heartbeat
nodes: 3
faults: [{ at: 200ms, crash: n2 }]
duration: 600ms
seed: 5
`;

const browser = useBrowser();
const dist = 'dist/viz-e2e'; // built by globalSetup

describe('faultline viz', () => {
  it('serves a trace file, and the page draws it with the same trace hash', async () => {
    const prepared = prepareRun(loadScenario(SCENARIO, 'viz-served.yaml', registry).spec, {},
      registry);
    prepared.engine.run(prepared.spec.duration);
    const report = judge(prepared);
    const dir = mkdtempSync(join(tmpdir(), 'faultline-viz-'));
    const file = join(dir, 'run <1>.jsonl');
    writeFileSync(file, prepared.engine.trace.toJsonl({ seed: '5' }));

    const server = await startViz(file, { distDir: dist, build: 'never', port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#open=input\/run__1_\.jsonl$/);
      const { page, errors } = await openPage(browser(), server.url);
      await waitForDraw(page);
      const p = await probe(page);
      expect(p.label).toBe('trace file run__1_.jsonl');
      expect(p.events).toBe(report.result.events);
      expect(p.hash).toBe(report.result.hash);
      expect(p.arrows).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
      const outside = await fetch(server.url.replace(/#.*$/, '%2e%2e/package.json'));
      expect(outside.status).toBe(404);
      // A malformed URL is answered, not thrown: the server goes on serving.
      expect((await fetch(server.url.replace(/#.*$/, '%E0%A4%A'))).status).toBe(400);
      expect((await fetch(server.url.replace(/#.*$/, ''))).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('serves a scenario file from outside scenarios/, and the page runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-viz-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, SERVED);
    const server = await startViz(file, { distDir: dist, build: 'never', port: 0 });
    try {
      expect(server.url).toMatch(/#open=input\/mine\.yaml$/);
      const { page, errors } = await openPage(browser(), server.url);
      await waitForDraw(page);
      const p = await probe(page);
      expect(p.label).toBe('mine.yaml');
      const spec = loadScenario(SERVED, 'mine.yaml', registry).spec;
      expect(p.hash).toBe(runSpec(spec, {}, registry).result.hash);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('rejects a target that does not exist', async () => {
    await expect(startViz('no/such/thing.yaml', { distDir: dist, build: 'never', port: 0 }))
      .rejects.toThrow('no such scenario or file');
  });
});
