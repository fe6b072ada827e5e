/**
 * The visualizer in a real headless Chromium: the start page loads without console errors
 * and draws the default scenario (run in a Web Worker); a Raft scenario runs and draws lanes,
 * arrows and role bands, and the inspector shows each node's state mid-run. Screenshots of
 * the main views go to test-artifacts/screenshots/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, openPage, probe, screenshot, waitForDraw } from './browser.js';

/** The Raft scenario the tests use: the lead's default, else the first Raft file. */
function raftScenario(): string | undefined {
  if (existsSync('scenarios/raft/leader-failure.yaml')) return 'raft/leader-failure';
  const files = existsSync('scenarios/raft') ? readdirSync('scenarios/raft').sort() : [];
  const first = files.find((f) => f.endsWith('.yaml'));
  return first === undefined ? undefined : `raft/${first.replace(/\.yaml$/, '')}`;
}

const RAFT = raftScenario();
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

/** A Raft scenario for when scenarios/raft has none yet: opened through the file input. */
const INLINE_RAFT = `name: raft-inline
description: Five Raft servers; the first leader crashes and a new one is elected.
protocol: raft
nodes: 5
workload: { clients: 2, rate: 20/s, keys: 4, mix: { get: 1, put: 1 }, timeout: 200ms, attempts: 3 }
faults:
  - { at: 1s, crash: n1 }
  - { at: 2s, restart: n1 }
duration: 3s
seed: 1
`;

describe(`viz: raft scenario ${RAFT ?? '(inline, until scenarios/raft has files)'}`, () => {
  it('runs in the page and draws lanes, arrows and role bands', async () => {
    const { page, errors } = await openPage(browser, `${base()}#scenario=${RAFT ?? ''}`);
    if (RAFT === undefined) {
      await page.locator('#file').setInputFiles({ name: 'raft-inline.yaml',
        mimeType: 'text/yaml', buffer: Buffer.from(INLINE_RAFT) });
      await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
        label?: string } } }).faultline.probe().label === 'file:raft-inline.yaml');
    }
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.label).toBe(RAFT ?? 'file:raft-inline.yaml');
    expect(p.arrows).toBeGreaterThan(10);
    expect(p.roles).toBeGreaterThanOrEqual(5);
    const height = await page.evaluate(() => (window as unknown as { faultline: {
      view: { canvas: HTMLCanvasElement } } }).faultline.view.canvas.height);
    expect(height).toBeGreaterThan(100);
    await page.locator('#inspector .node-card').first().waitFor();
    const servers = RAFT === undefined ? 5
      : Number(/^nodes:\s*(\d+)/m.exec(readFileSync(`scenarios/${RAFT}.yaml`, 'utf8'))?.[1]);
    expect(await page.locator('#inspector .node-card').count()).toBe(servers);
    // The inspector at an instant mid-run shows each live node's protocol state and disk.
    await page.locator('#scrub').fill('500');
    await page.locator('#scrub').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelector('#inspector .inspector-head')
      ?.textContent?.startsWith('After event'));
    const first = RAFT === undefined // in the inline scenario n1 is down then
      ? page.locator('#inspector .node-card[data-node="n2"]')
      : page.locator('#inspector .node-card.up').first();
    await first.locator('summary', { hasText: 'state' }).waitFor();
    expect(await first.locator('summary').allTextContents()).toEqual(expect.arrayContaining([
      'state', 'durable disk', 'volatile (what the node sees)']));
    if (RAFT === undefined) {
      // The badge follows the node's own state: n2 followed n5 into term 2 without a role note.
      expect(await first.locator('.role').textContent()).toBe('follower term 2');
    }
    await screenshot(page, 'raft-timeline');
    expect(errors).toEqual([]);
    await page.close();
  });
});
