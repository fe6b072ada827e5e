/**
 * The visualizer in a real headless Chromium at 1280×720: the start page loads without
 * console errors and draws the default scenario (run in a Web Worker); the cluster view and
 * each node's state sit beside the diagram, above the fold; the scenario chooser groups the
 * bundled scenarios by protocol and lesson, with no test fixture among them. Screenshots go
 * to test-artifacts/screenshots/.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { openPage, probe, screenshot, useBrowser, VIEWPORT, waitForDraw } from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

describe('viz: start page', () => {
  it('loads without console errors and draws the default scenario', async () => {
    const { page, errors } = await openPage(browser(), base());
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.label).toBe('raft/leader-failure');
    expect(p.events).toBeGreaterThan(0);
    expect(p.arrows).toBeGreaterThan(0);
    expect(p.ranIn).toBe('worker');
    expect(await page.locator('#status').getAttribute('data-hash')).toMatch(/^[0-9a-f]{16}$/);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await screenshot(page, 'start-page');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the cluster and each node\'s state beside the diagram, above the fold', async () => {
    const { page, errors } = await openPage(browser(), base());
    await waitForDraw(page);
    await page.locator('#inspector .node-card').first().waitFor();
    const box = async (sel: string) => {
      const b = await page.locator(sel).first().boundingBox();
      if (b === null) throw new Error(`${sel} is not laid out`);
      return b;
    };
    const diagram = await box('#diagram');
    const cluster = await box('#cluster svg');
    const card = await box('#inspector .node-card');
    for (const b of [cluster, card]) {
      expect(b.x).toBeGreaterThanOrEqual(diagram.x + diagram.width);
      expect(b.y).toBeLessThan(VIEWPORT.height);
    }
    expect(diagram.y + diagram.height).toBeLessThan(VIEWPORT.height);
    expect(diagram.width).toBeGreaterThan(700);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('groups the scenario chooser by protocol and lesson, with no fixtures', async () => {
    const { page } = await openPage(browser(), base());
    const groups = await page.locator('#scenario optgroup').evaluateAll((gs) =>
      gs.map((g) => ({ label: g.getAttribute('label') ?? '',
        keys: [...g.querySelectorAll('option')].map((o) => o.value) })));
    const keys = groups.flatMap((g) => g.keys);
    const bundled = readdirSync('scenarios').filter((d) => !d.includes('.')).flatMap((d) =>
      readdirSync(`scenarios/${d}`).filter((f) => f.endsWith('.yaml'))
        .map((f) => `${d}/${f.replace(/\.yaml$/, '')}`));
    expect(keys.sort()).toEqual(bundled.sort());
    expect(keys.some((k) => k.includes('fixture') || k.includes('toykv'))).toBe(false);
    const labels = groups.map((g) => g.label);
    expect(labels[0]).toBe('Raft · how it works');
    expect(labels).toContain('Raft · bugs it catches');
    expect(labels).toContain('Two-phase commit · under faults');
    // Every scenario that demonstrates a bug is among its protocol's bugs.
    for (const g of groups) {
      if (g.label.endsWith('bugs it catches')) continue;
      expect(g.keys.filter((k) => /\/(single-)?bug-/.test(k))).toEqual([]);
    }
    // Comparisons of designs come last, and choosing one opens the comparison page.
    expect(labels.at(-1)).toMatch(/^Compare designs/);
    expect(groups.at(-1)?.keys.every((k) => k.startsWith('compare/'))).toBe(true);
    expect(labels).toContain('Load balancer · bugs it catches');
    await page.locator('#scenario').selectOption('compare/commit');
    await page.waitForURL(/compare\.html#compare=compare%2Fcommit$/);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 120_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    // Its narrative is a story to step through, each claim checked in its design's run.
    expect(await page.locator('.narrative #story-count').textContent()).toMatch(/^\d+ steps$/);
    await page.locator('#story-next').click();
    expect(await page.locator('#step-text button.claim.holds').count()).toBeGreaterThan(0);
    await page.close();
  });
});
