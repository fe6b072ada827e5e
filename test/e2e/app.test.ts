/**
 * The visualizer in a real headless Chromium: the start page loads without console errors
 * and draws the default scenario (run in a Web Worker); a Raft scenario runs and draws lanes,
 * arrows and role bands, and the inspector shows each node's state mid-run. Screenshots of
 * the main views go to test-artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { openPage, probe, screenshot, waitForDraw, useBrowser } from './browser.js';

/** The Raft scenario the tests use: the default one, which must exist. */
const RAFT = 'raft/leader-failure';
const browser = useBrowser();
const base = () => inject('vizUrl');

describe('viz: start page', () => {
  it('loads without console errors and draws the default scenario', async () => {
    const { page, errors } = await openPage(browser(), base());
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

describe(`viz: raft scenario ${RAFT}`, () => {
  it('runs in the page and draws lanes, arrows and role bands', async () => {
    const { page, errors } = await openPage(browser(), `${base()}#scenario=${RAFT}`);
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.label).toBe(RAFT);
    expect(p.arrows).toBeGreaterThan(10);
    expect(p.roles).toBeGreaterThanOrEqual(5);
    const height = await page.evaluate(() => (window as unknown as { faultline: {
      view: { canvas: HTMLCanvasElement } } }).faultline.view.canvas.height);
    expect(height).toBeGreaterThan(100);
    await page.locator('#inspector .node-card').first().waitFor();
    const servers = Number(/^nodes:\s*(\d+)/m.exec(readFileSync(`scenarios/${RAFT}.yaml`,
      'utf8'))?.[1]);
    expect(await page.locator('#inspector .node-card').count()).toBe(servers);
    // The inspector at an instant mid-run shows each live node's protocol state and disk.
    await page.locator('#scrub').fill('500');
    await page.locator('#scrub').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelector('#inspector .inspector-head')
      ?.textContent?.startsWith('After event'));
    const first = page.locator('#inspector .node-card.up').first();
    await first.locator('summary', { hasText: 'state' }).waitFor();
    expect(await first.locator('summary').allTextContents()).toEqual(expect.arrayContaining([
      'state', 'durable disk', 'volatile (what the node sees)']));
    await screenshot(page, 'raft-timeline');
    expect(errors).toEqual([]);
    await page.close();
  });
});
