/**
 * The comparison page (viz/compare.html) in Chromium, opened the way `faultline viz` opens it:
 * a bundled comparison runs in the page's worker and draws each design's run, one above the
 * other, with the table beside them, each run with the trace hash `faultline compare` gets in
 * Node; a sweep's JSON draws as a chart with a confidence band per design and the formula
 * beside the measurement; file content is shown as text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startViz } from '../../cli/vizCommand.js';
import { sweepJson } from '../../cli/scenarioSweep.js';
import { loadComparison, runComparison } from '../../runner/compare/index.js';
import { readScenarioYaml } from '../../runner/index.js';
import { runSweep, sweepCells } from '../../runner/sweep/index.js';
import { type CompareMessage, compareInto } from '../../viz/src/compare/compareRun.js';
import { openPage, screenshot, useBrowser } from './browser.js';

const browser = useBrowser();
const dist = 'dist/viz-e2e'; // built by globalSetup
const COMMIT = 'scenarios/compare/commit.yaml';

describe('viz: comparing designs', () => {
  it('draws the designs on one time axis with the table beside them', async () => {
    const server = await startViz(COMMIT, { distDir: dist, build: 'never', port: 0 });
    try {
      expect(server.url).toMatch(/\/compare\.html#compare=compare%2Fcommit$/);
      const { page, errors } = await openPage(browser(), server.url);
      const report = runComparison(loadComparison(readFileSync(COMMIT, 'utf8'), COMMIT));
      const drawn = await page.locator('#runs g.design').evaluateAll((gs) =>
        gs.map((g) => [g.getAttribute('data-design'), g.getAttribute('data-hash')]));
      expect(drawn).toEqual(report.runs.map((r) => [r.name, r.report.result.hash]));
      // The crash shows in both blocks, and so do the lanes of four servers each.
      expect(await page.locator('#runs g.design').first().locator('line.fault').count())
        .toBeGreaterThan(0);
      expect(await page.locator('#runs g.design').first().locator('text.lane-name').count())
        .toBe(5);
      expect(await page.locator('#table th').allTextContents())
        .toEqual(['figure', '2pc', 'paxos-commit']);
      const blocked = await page.locator('#table tr[data-key="blocked-time-max-ms"] td')
        .allTextContents();
      expect(blocked[0]).toBe('blocked-time-max-ms');
      expect(Number(blocked[1])).toBeGreaterThan(Number(blocked[2]));
      expect(await page.locator('ul.relations li.fails').count()).toBe(0);
      expect(await page.locator('ul.relations li.holds').count()).toBe(report.relations.length);
      expect(await page.locator('#status').getAttribute('data-passed')).toBe('true');
      await screenshot(page, 'compare-commit');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('steps through its narrative: each step at its instant, its claims marked in their designs\' runs',
    async () => {
      // The story as the page's worker resolves it, run here in Node.
      const posted: CompareMessage[] = [];
      compareInto({ text: readFileSync(COMMIT, 'utf8'), fileName: COMMIT }, (m) => posted.push(m));
      const done = posted.at(-1);
      if (done?.type !== 'done') throw new Error('the comparison did not finish');
      const { steps } = done.story;
      expect(steps.length).toBeGreaterThan(1);
      const server = await startViz(COMMIT, { distDir: dist, build: 'never', port: 0 });
      try {
        const { page, errors } = await openPage(browser(), server.url);
        await page.locator('#story-next').click();
        for (const [k, step] of steps.entries()) {
          if (k > 0) await page.keyboard.press('n');
          expect(await page.locator('#story-count').textContent())
            .toContain(`Step ${k + 1} of ${steps.length}`);
          expect(Number(await page.locator('#runs line.cursor').getAttribute('data-time')))
            .toBe(step.time);
          // Framed: the step's instant and every claim's event are in view.
          const from = Number(await page.locator('#runs').getAttribute('data-from'));
          const to = Number(await page.locator('#runs').getAttribute('data-to'));
          for (const t of [step.time, ...step.claims.map((c) => c.time ?? NaN)]) {
            expect(t).toBeGreaterThanOrEqual(from);
            expect(t).toBeLessThanOrEqual(to);
          }
          const marks = await page.locator('#runs g.mark').evaluateAll((ms) => ms.map((m) =>
            `${m.closest('g.design')?.getAttribute('data-design')} ${m.getAttribute('data-time')} ${
              m.getAttribute('data-lane')}`));
          expect(marks.sort()).toEqual(step.claims.map((c) => `${c.design} ${c.time} ${
            c.lane ?? ''}`).sort());
          expect(await page.locator('#step-text button.claim.holds').count())
            .toBe(step.claims.length);
          expect(await page.locator('#step-text button.claim.unsupported').count()).toBe(0);
        }
        expect(page.url()).toContain(`step=${steps.length}`);
        await screenshot(page, 'compare-commit-story');
        // A claim goes to where it holds, in its design's run.
        const claim = steps.at(-1)?.claims[0];
        await page.locator('#step-text button.claim').first().click();
        expect(Number(await page.locator('#runs line.cursor').getAttribute('data-time')))
          .toBe(claim?.time);
        expect(await page.locator('#runs g.mark').evaluateAll((ms) => ms.map((m) =>
          m.closest('g.design')?.getAttribute('data-design')))).toEqual([claim?.design]);
        await page.keyboard.press('p');
        expect(await page.locator('#story-count').textContent())
          .toContain(`Step ${steps.length - 1} of`);
        await page.locator('#whole').click();
        expect(await page.locator('#runs').getAttribute('data-from')).toBe('0');
        // The address opens the step it names.
        await page.goto('about:blank');
        await page.goto(`${server.url}&step=2`);
        await page.waitForFunction(() => document.body.dataset.ready === '1');
        expect(await page.locator('#story-count').textContent()).toContain(`Step 2 of`);
        expect(Number(await page.locator('#runs line.cursor').getAttribute('data-time')))
          .toBe(steps[1]?.time);
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await server.close();
      }
    });

  it('draws a sweep with a band per design and the formula beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-viz-sweep-'));
    const text = `name: drawn
protocol: raft
nodes: 3
workload: { clients: 1, rate: 10/s, keys: 2, mix: { get: 0.5, put: 0.5 } }
failures: { mtbf: 8s, mttr: 1s }
duration: 20s
seed: 1
`;
    const { raw, locator } = readScenarioYaml(text, 'drawn.yaml');
    const axes = [{ path: 'failures.mttr', values: ['500ms', '1s', '2s'] }];
    const result = runSweep('drawn.yaml', sweepCells(raw, locator, axes), { axes, seeds: [1, 2, 3] });
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(sweepJson(result)));
    const server = await startViz(file, { distDir: dist, build: 'never', port: 0 });
    try {
      expect(server.url).toMatch(/\/compare\.html#open=input\/sweep\.json$/);
      const { page, errors } = await openPage(browser(), server.url);
      await page.locator('#metric').selectOption('node-availability');
      expect(await page.locator('#chart g.series').count()).toBe(1);
      expect(await page.locator('#chart path.band').getAttribute('d')).toMatch(/^M.+Z$/);
      expect(await page.locator('#chart circle').count()).toBe(3);
      expect(await page.locator('#chart path.formula').count()).toBe(1);
      await screenshot(page, 'compare-sweep');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });

  it('shows a file\'s strings as text, and a bad file\'s problem with its place', async () => {
    const server = await startViz(undefined, { distDir: dist, build: 'never', port: 0 });
    const { page } = await openPage(browser(), `${server.url}compare.html#compare=compare/commit`);
    const hostile = readFileSync(COMMIT, 'utf8').replace(/^description: .*$/m,
      'description: <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>');
    await page.locator('#file').setInputFiles({ name: 'hostile.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(hostile) });
    await page.waitForFunction(() => document.querySelector('.description')?.textContent
      ?.includes('<script>'));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned))
      .toBeUndefined();
    await page.locator('#file').setInputFiles({ name: 'bad.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(hostile.replace('variant: 2pc', 'variant: three-phase')) });
    await page.waitForFunction(() => document.querySelector('#error')?.textContent
      ?.includes('compare.targets.2pc.params.variant'));
    expect(await page.locator('#error').textContent()).toMatch(/^bad\.yaml:\d+:\d+: /);
    await page.close();
    await server.close();
  });
});
