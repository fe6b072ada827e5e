/**
 * A readable diagram, in a real browser: arrows are coloured and filtered by message type
 * (unticking routine traffic hides it); no two labels overlap; each protocol speaks its own
 * words (a Paxos node in phase 1 is a proposer, not a candidate); the legend covers what is
 * drawn; a correct cas-mismatch is drawn as an answer, not a failure, and counts as
 * available; playback follows the current instant; keyboard shortcuts work after clicking a
 * button, and are listed on the page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labelBoxes, openScenario, probe, useBrowser, waitForDraw } from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

/** Arrows the frame drew after `action` (nothing: the last frame). */
async function drawnArrows(page: Page, action?: () => Promise<void>): Promise<number> {
  const frames = Number(await page.locator('#diagram canvas').getAttribute('data-frames'));
  if (action !== undefined) {
    await action();
    await waitForDraw(page, frames);
  }
  return page.evaluate(() => (window as unknown as { faultline: { view: { drawn: {
    arrows: unknown[] } } } }).faultline.view.drawn.arrows.length);
}

function overlaps(boxes: number[][]): number[][][] {
  const out: number[][][] = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if ((a[0] as number) < (b[2] as number) && (b[0] as number) < (a[2] as number) &&
      (a[1] as number) < (b[3] as number) && (b[1] as number) < (a[3] as number)) out.push([a, b]);
  }));
  return out;
}

describe('viz: a readable diagram', () => {
  it('filters arrows by message type', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    const all = await drawnArrows(page);
    const without = await drawnArrows(page, () => page.locator('#show-group-replication').uncheck());
    expect(without).toBeLessThan(all);
    expect(without).toBeGreaterThan(0);
    await page.locator('#show-group-client').uncheck();
    const elections = await drawnArrows(page, () => page.locator('#show-group-sync').uncheck());
    expect(elections).toBeLessThan(without);
    expect((await probe(page)).choices.hidden.length).toBe(3);
    expect(await drawnArrows(page, () => page.locator('#show-group-replication').check()))
      .toBeGreaterThan(elections);
    await page.locator('#show-timers').uncheck();
    expect((await probe(page)).choices.timers).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('places no label over another, whatever the zoom', async () => {
    for (const key of ['raft/bug-commit-previous-term', 'twopc/blocking-2pc',
      'paxos/single-bug-own-value']) {
      const { page } = await openScenario(browser(), base(), key);
      expect(overlaps(await labelBoxes(page))).toEqual([]);
      if (await page.locator('#goto-violation').isEnabled()) {
        await page.locator('#goto-violation').click();
        await waitForDraw(page);
        expect(overlaps(await labelBoxes(page))).toEqual([]);
      }
      await page.locator('#zoom-in').click();
      await waitForDraw(page);
      expect(overlaps(await labelBoxes(page))).toEqual([]);
      await page.close();
    }
  });

  it('uses each protocol\'s words and a legend that covers what is drawn', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'paxos/single-bug-own-value');
    const legend = (await page.locator('#legend').textContent()) ?? '';
    expect(legend).toContain('proposer in phase 1');
    expect(legend).toContain('phase 2 (Accept, Accepted)');
    expect(legend).not.toMatch(/\bcandidate\b/);
    await page.locator('#goto-violation').click();
    const cluster = (await page.locator('#cluster').textContent()) ?? '';
    expect(cluster).not.toMatch(/\bcandidate\b/);
    // Every message group the trace has is in the legend, with a way to hide it.
    const groups = await page.evaluate(() => {
      const app = (window as unknown as { faultline: { view: { scene: { groups: { name: string;
        types: string[] }[]; model: { columns: { tagTable: (string | undefined)[] } } } } } })
        .faultline;
      const tags = new Set(app.view.scene.model.columns.tagTable);
      return app.view.scene.groups.filter((g) => g.types.some((t) => tags.has(t)))
        .map((g) => g.name);
    });
    for (const g of groups) expect(await page.locator(`#show-group-${g}`).count()).toBe(1);
    for (const text of ['violation', 'evidence', 'the current instant', 'dropped message']) {
      expect(legend).toContain(text);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a correct cas-mismatch as an answer and counts it as available', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'replication/availability');
    const meanings = await page.evaluate(() => {
      const ops = (window as unknown as { faultline: { shown: { derived: { ops: {
        meaning: string; done: number }[] } } } }).faultline.shown.derived.ops;
      return ops.reduce<Record<string, number>>((m, o) => ({ ...m, [o.meaning]: (m[o.meaning] ?? 0) + 1 }), {});
    });
    expect(meanings.answered).toBeGreaterThan(100);
    expect(await page.locator('#legend').textContent())
      .toContain('answered no, correctly');
    await page.locator('#metrics svg.chart').nth(1).waitFor();
    expect(await page.locator('#metrics svg.chart .title').allTextContents())
      .toContain('Availability: completed operations answered');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows the current instant while playing', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    for (let i = 0; i < 4; i++) await page.locator('#zoom-in').click();
    const before = (await probe(page)).window as [number, number];
    await page.locator('#speed').selectOption('1000000');
    await page.locator('#play').click();
    await page.waitForFunction((end) => {
      const p = (window as unknown as { faultline: { probe(): { window: [number, number] } } })
        .faultline.probe();
      return p.window[0] > end;
    }, before[1], { timeout: 20_000 });
    await page.locator('#play').click();
    const p = await probe(page);
    const [t0, t1] = p.window as [number, number];
    const now = await page.evaluate(() => (window as unknown as { faultline: { player: {
      now: number } } }).faultline.player.now);
    expect(now).toBeGreaterThanOrEqual(t0);
    expect(now).toBeLessThanOrEqual(t1);
    expect(t1 - t0).toBeCloseTo(before[1] - before[0], -3);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps keyboard shortcuts working after a button is clicked, and lists them', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    await page.locator('#zoom-in').click(); // focus is now on a button
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect((await probe(page)).instant).toBe(1);
    await page.keyboard.press('Shift+ArrowRight');
    expect((await probe(page)).instant).toBe(11);
    await page.locator('#show-timers').click(); // and on a checkbox
    await page.keyboard.press('ArrowLeft');
    expect((await probe(page)).instant).toBe(10);
    await page.locator('#scrub').focus(); // and on the slider, where arrows would move it
    await page.keyboard.press('ArrowRight');
    expect((await probe(page)).instant).toBe(11);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
      instant: number } } }).faultline.probe().instant > 11);
    await page.keyboard.press(' ');
    await page.keyboard.press('f');
    expect((await probe(page)).choices.future).toBe(false);
    await page.keyboard.press('0');
    const listed = await page.locator('#shortcuts dt').allTextContents();
    for (const k of ['Space', '→ / ←', 'N / P', '+ / −', 'V', 'D', 'F']) expect(listed).toContain(k);
    await page.keyboard.press('?');
    expect(await page.locator('#help').isVisible()).toBe(true);
    // In the seed field, keys type: they are not shortcuts.
    await page.locator('#seed').fill('');
    await page.locator('#seed').type('0f');
    expect(await page.locator('#seed').inputValue()).toBe('0f');
    expect((await probe(page)).choices.future).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
