/**
 * Browser test support: launches Debian's Chromium headless through playwright-core (never a
 * downloaded browser), opens pages that record console errors and page errors, and saves
 * screenshots under test-artifacts/screenshots/ for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
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
  frames?: number;
  added: number;
  ranIn?: 'worker' | 'page';
  window?: [number, number];
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
