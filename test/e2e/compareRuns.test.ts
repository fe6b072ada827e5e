/**
 * Comparing two runs, in a real browser: "Keep to compare" keeps a run; after a change of
 * seed, a fault added, or another scenario (2PC against Paxos Commit), the kept run is drawn
 * under the shown one on one time axis (zooming one zooms both); the first divergence is
 * marked and the view moves there; verdicts and metrics are set side by side. The address
 * carries the kept run, so a link reopens the comparison.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, openScenario, probe, screenshot, timeOf, useBrowser, waitForDraw,
  waitForLabel } from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

async function rows(page: Page): Promise<Record<string, string[]>> {
  const cells = await page.locator('#compare-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent ?? '')));
  return Object.fromEntries(cells.map(([name = '', ...rest]) => [name, rest]));
}

async function comparedWindow(page: Page): Promise<[number, number]> {
  return page.evaluate(() => (window as unknown as { faultline: { compare: { lower: {
    window: [number, number] } } } }).faultline.compare.lower.window);
}

describe('viz: compare two runs', () => {
  it('across seeds: one axis, the divergence marked and moved to, metrics side by side', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    await page.locator('#fork').click();
    expect(await page.locator('#fork-info').textContent()).toContain('Kept this run');
    const hashBefore = await page.locator('#status').getAttribute('data-hash');
    await page.locator('#seed').fill('2');
    await page.locator('#seed').dispatchEvent('change');
    await page.waitForFunction((h) => document.querySelector('#status')?.getAttribute('data-hash')
      !== h, hashBefore);
    await page.locator('#diagram-b canvas').waitFor();
    expect(await page.locator('#fork-info').textContent()).toMatch(/first diverge at event #\d+/);
    const p = await probe(page);
    expect(p.divergence).toBeGreaterThanOrEqual(0);
    expect(p.instant).toBe(p.divergence);
    const t = await timeOf(page, p.divergence);
    const [a, b] = p.window as [number, number];
    expect(a).toBeLessThanOrEqual(t);
    expect(b).toBeGreaterThanOrEqual(t);
    // One time axis: the kept run's diagram shows the same window, and follows a zoom.
    expect(await comparedWindow(page)).toEqual(p.window);
    await page.locator('#zoom-out').click();
    await waitForDraw(page);
    expect(await comparedWindow(page)).toEqual((await probe(page)).window);
    const table = await rows(page);
    expect(Object.keys(table)).toEqual(expect.arrayContaining(['verdict', 'events',
      'trace hash', 'election-time-ms', 'leaders-elected']));
    expect(table['trace hash']?.[0]).not.toBe(table['trace hash']?.[1]);
    await screenshot(page, 'compare-seeds');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('across scenarios: two-phase commit against Paxos Commit', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'twopc/blocking-2pc');
    await page.locator('#fork').click();
    await page.locator('#scenario').selectOption('twopc/blocking-paxos-commit');
    await waitForLabel(page, 'twopc/blocking-paxos-commit');
    await page.locator('#compare-table').waitFor();
    const table = await rows(page);
    const blocked = table['blocked-time-max-ms'] ?? [];
    // Under 2PC participants wait out the coordinator's two seconds down; under Paxos Commit not.
    expect(Number(blocked[0])).toBeGreaterThan(1900);
    expect(Number(blocked[1])).toBeLessThan(1000);
    expect(await page.locator('#compare-table thead').textContent()).toContain('blocking-2pc');
    expect((await probe(page)).divergence).toBeGreaterThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('across a fault edit; and a link reopens the comparison', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    await page.locator('#fork').click();
    await page.locator('#scrub').fill('150');
    await page.locator('#scrub').dispatchEvent('change');
    await page.locator('#fault-node').selectOption('n3');
    await page.locator('#fault-crash').click();
    await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
      added: number; divergence: number } } }).faultline.probe().divergence >= 0);
    const p = await probe(page);
    const at = await page.evaluate(() => JSON.parse(new URLSearchParams(location.hash.slice(1))
      .get('faults') ?? '[]')[0].at as number);
    // Everything before the crash is shared history: the runs cannot part earlier.
    expect(await timeOf(page, p.divergence)).toBeGreaterThanOrEqual(at);
    const link = page.url();
    expect(decodeURIComponent(link)).toContain('fork=');
    await page.close();
    const again = await openPage(browser(), link);
    await waitForDraw(again.page);
    await again.page.locator('#compare-table').waitFor();
    expect((await probe(again.page)).divergence).toBe(p.divergence);
    expect(errors).toEqual([]);
    expect(again.errors).toEqual([]);
    await again.page.close();
  });
});
