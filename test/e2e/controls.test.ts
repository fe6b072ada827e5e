/**
 * The playback and view controls in a real browser: step forward and back event by event,
 * play then pause (the instant advances), scrub, zoom in and out, pan; and a scenario file
 * whose description and narrative carry markup shows them as text.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, probe, waitForDraw, useBrowser } from './browser.js';

const browser = useBrowser();
async function fixture(): Promise<{ page: Page; errors: string[] }> {
  const opened = await openPage(browser(), `${inject('vizUrl')}#scenario=raft/basic-agree`);
  await waitForDraw(opened.page);
  return opened;
}

describe('viz: controls', () => {
  it('steps, plays, pauses and scrubs the current instant', async () => {
    const { page, errors } = await fixture();
    for (let i = 0; i < 3; i++) await page.locator('#step').click();
    expect((await probe(page)).instant).toBe(2);
    await page.locator('#step-back').click();
    expect((await probe(page)).instant).toBe(1);
    expect(await page.locator('#instant').textContent()).toContain('event 2 of');
    await page.locator('#speed').selectOption('1000000');
    await page.locator('#play').click();
    await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
      instant: number } } }).faultline.probe().instant > 20);
    await page.locator('#play').click(); // pause
    const paused = (await probe(page)).instant;
    await page.waitForTimeout(300);
    expect((await probe(page)).instant).toBe(paused);
    await page.locator('#to-start').click();
    expect((await probe(page)).instant).toBe(-1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zooms in and out and pans the visible window', async () => {
    const { page, errors } = await fixture();
    const whole = (await probe(page)).window as [number, number];
    await page.locator('#zoom-in').click();
    await page.locator('#zoom-in').click();
    const zoomed = (await probe(page)).window as [number, number];
    expect(zoomed[1] - zoomed[0]).toBeCloseTo((whole[1] - whole[0]) / 4, -2);
    await page.locator('#pan-right').click();
    const panned = (await probe(page)).window as [number, number];
    expect(panned[0]).toBeGreaterThan(zoomed[0]);
    await page.mouse.move(700, 300);
    await page.mouse.wheel(0, 400); // wheel out, as a person would
    await page.waitForTimeout(100);
    const wheeled = (await probe(page)).window as [number, number];
    expect(wheeled[1] - wheeled[0]).toBeGreaterThan(panned[1] - panned[0]);
    await page.locator('#zoom-reset').click();
    expect((await probe(page)).window).toEqual(whole);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows markup in a scenario file as text', async () => {
    const { page, errors } = await fixture();
    const yaml = `name: markup\ndescription: "<b>bold</b><script>window.__pwned=1</script>"\n` +
      `narrative: "<img src=x onerror=window.__pwned=2>"\nprotocol: heartbeat\nnodes: 2\n` +
      `duration: 100ms\nseed: 1\n`;
    await page.locator('#file').setInputFiles({ name: 'markup.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(yaml) });
    await page.waitForFunction(() => document.querySelector('#about')?.textContent
      ?.includes('<script>'));
    expect(await page.locator('#story').textContent()).toContain('<img src=x onerror');
    expect(await page.locator('#app b, #app script, #app img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned))
      .toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });
});
