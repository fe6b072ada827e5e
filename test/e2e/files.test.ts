/**
 * Trace files in a real browser: content is data. A trace whose node names, tags and payloads
 * carry script tags and HTML shows them as text and runs nothing; a malformed file gets a
 * clear message naming the line; a good trace file opens and draws.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openPage, probe, screenshot, waitForDraw, useBrowser } from './browser.js';

const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

function hostileTrace(): string {
  const header = { format: 'faultline-trace', version: 1, seed: HOSTILE, nodes: ['n1', 'n2'],
    clients: [] };
  const records = [
    { i: 0, t: 0, kind: 'start', node: 'n1' },
    { i: 1, t: 0, kind: 'start', node: 'n2' },
    { i: 2, t: 10, kind: 'send', node: 'n1', to: 'n2', id: 0, tag: HOSTILE,
      data: { html: HOSTILE } },
    { i: 3, t: 500, kind: 'deliver', node: 'n2', from: 'n1', id: 0, tag: HOSTILE },
    { i: 4, t: 600, kind: 'note', node: 'n1', tag: 'role', data: { role: HOSTILE, term: 1 } },
    { i: 5, t: 900, kind: 'violation', tag: HOSTILE,
      data: { name: HOSTILE, explanation: HOSTILE } },
  ];
  return [header, ...records].map((r) => JSON.stringify(r)).join('\n') + '\n';
}

const browser = useBrowser();
async function open(page: Page, name: string, text: string): Promise<void> {
  await page.locator('#file').setInputFiles({ name, mimeType: 'application/x-ndjson',
    buffer: Buffer.from(text) });
}

describe('viz: trace files', () => {
  it('shows hostile strings as text and runs none of them', async () => {
    const { page, errors } = await openPage(browser(), inject('vizUrl'));
    await waitForDraw(page);
    await open(page, 'hostile.jsonl', hostileTrace());
    await page.waitForFunction(() => document.querySelector('#status')?.textContent
      ?.includes('trace file hostile.jsonl'));
    await waitForDraw(page);
    const status = (await page.locator('#status').textContent()) ?? '';
    expect(status).toContain('<script>window.__pwned=1</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned))
      .toBeUndefined();
    expect(await page.locator('#app script, #app img').count()).toBe(0);
    // Hovering the message arrow shows its hostile body as text in the tooltip.
    await page.locator('#zoom-reset').click();
    const at = await page.evaluate(() => {
      const view = (window as unknown as { faultline: { view: { canvas: HTMLCanvasElement;
        window: [number, number] } } }).faultline.view;
      const r = view.canvas.getBoundingClientRect();
      const [t0, t1] = view.window;
      // The arrow from n1 (lane 0) to n2 (lane 1), halfway: gutter 64, top 36, lanes 44 high.
      const x = 64 + ((255 - t0) / (t1 - t0)) * (r.width - 8 - 64);
      return { x: r.left + x, y: r.top + (36 + 22 + 36 + 44 + 22) / 2 };
    });
    await page.mouse.move(at.x, at.y);
    const tip = page.locator('.tooltip');
    await tip.waitFor({ state: 'visible' });
    expect(await tip.textContent()).toContain('"html": "<script>window.__pwned=1</script>');
    expect(await tip.locator('*').count()).toBe(0);
    await page.locator('#goto-violation').click();
    expect((await probe(page)).instant).toBe(5);
    await screenshot(page, 'hostile-trace');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports a malformed file with its line and keeps the page usable', async () => {
    const { page, errors } = await openPage(browser(), inject('vizUrl'));
    await waitForDraw(page);
    const bad = `${JSON.stringify({ format: 'faultline-trace', version: 1, seed: '1',
      nodes: ['n1'], clients: [] })}\n{"i":0,"t":0,"kind":"start","node":"n1"}\n` +
      '{"i":1,"t":5,\n';
    await open(page, 'bad.jsonl', bad);
    const error = page.locator('#error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toContain('line 3: not JSON');
    await open(page, 'wrong.jsonl', '{"format":"something-else"}\n');
    await page.waitForFunction(() => document.querySelector('#error')?.textContent
      ?.includes('faultline-trace'));
    expect(errors).toEqual([]);
    await page.close();
  });
});
