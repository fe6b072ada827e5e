/**
 * Browser test support: launches Debian's Chromium headless through playwright-core (never a
 * downloaded browser), opens pages that record console errors and page errors, and saves
 * screenshots under test-artifacts/screenshots/ for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The screen the visualizer is laid out for. */
export const VIEWPORT = { width: 1280, height: 720 } as const;
export const SCREENSHOTS = 'test-artifacts/screenshots';

/** Launches headless Chromium with the flags these machines need. */
export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/**
 * One browser for a test file: launched before its tests, closed after them. Returns the
 * browser for the tests to open pages in.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('the browser is not launched yet');
    return browser;
  };
}

/** A page with its console errors and uncaught exceptions collected in `errors`. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page;
  errors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
  const error = page.locator('#error');
  if (await error.isVisible()) {
    throw new Error(`the page opened with an error: ${await error.textContent()}`);
  }
  return { page, errors };
}

/** What the app reports about the run on screen. */
export interface Probe {
  label?: string;
  events?: number;
  hash?: string;
  violation?: number;
  instant: number;
  arrows?: number;
  roles?: number;
  evidence: number;
  frames?: number;
  added: number;
  ranIn?: 'worker' | 'page';
  window?: [number, number];
  divergence: number;
  story: { step: number; steps: number };
  choices: { hidden: number[]; timers: boolean; notes: boolean; future: boolean };
  comparing: boolean;
  embedded: boolean;
}

/** Reads the app's probe. */
export async function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { faultline: { probe(): unknown } })
    .faultline.probe()) as Promise<Probe>;
}

/** Waits until the diagram has drawn a frame since `after` frames. */
export async function waitForDraw(page: Page, after = 0): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector('canvas.spacetime')
    ?.getAttribute('data-frames') ?? 0) > n, after, { timeout: 30_000 });
}

/** Saves a full-page screenshot as test-artifacts/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Waits until the app shows the run labelled `label` (and has drawn it). */
export async function waitForLabel(page: Page, label: string): Promise<void> {
  await page.waitForFunction((l) => (window as unknown as { faultline: { probe(): {
    label?: string; frames?: number } } }).faultline.probe().label === l, label,
  { timeout: 60_000 });
  await waitForDraw(page);
}

/** Opens a bundled scenario by address in a fresh page. */
export async function openScenario(browser: Browser, base: string, key: string,
  extra = ''): Promise<{ page: Page; errors: string[] }> {
  const opened = await openPage(browser, `${base}#scenario=${key}${extra}`);
  await waitForDraw(opened.page);
  return opened;
}

/** The time of record `i` of the trace on screen. */
export async function timeOf(page: Page, i: number): Promise<number> {
  return page.evaluate((k) => (window as unknown as { faultline: { view: { model: {
    t: Float64Array } } } }).faultline.view.model.t[k] as number, i);
}

/** The label boxes the diagram placed in its last frame, [x0, y0, x1, y1] each. */
export async function labelBoxes(page: Page, selector = '#diagram canvas.spacetime'):
  Promise<number[][]> {
  return JSON.parse(await page.locator(selector).getAttribute('data-labels') ?? '[]') as number[][];
}

/** The trace hash the page shows for its current run. */
export async function hashOf(page: Page): Promise<string> {
  return (await page.locator('#status').getAttribute('data-hash')) ?? '';
}

/** Crashes `node` at about `fraction` of the run through the page's controls. */
export async function crashAt(page: Page, node: string, fraction: number): Promise<void> {
  await page.locator('#scrub').fill(String(Math.round(fraction * 1000)));
  await page.locator('#scrub').dispatchEvent('change');
  await page.locator('#fault-node').selectOption(node);
  const before = (await probe(page)).added;
  await page.locator('#fault-crash').click();
  await page.waitForFunction((n) => (window as unknown as {
    faultline: { probe(): { added: number } } }).faultline.probe().added > n, before);
}
