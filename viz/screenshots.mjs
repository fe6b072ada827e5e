// Makes the screenshots in viz/README.md (`npm run viz:screenshots`): builds the visualizer,
// serves it, opens each shot of viz/screenshots.json in Debian's headless Chromium at
// 1280x720, writes viz/screenshots/<file>, and rewrites the README's list of them with each
// caption the page gives (App.caption: what the run shows, from the run). The captions are
// recomputed from runs by test/viz/screenshots.test.ts, which fails when they drift: then run
// this again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const { shots } = JSON.parse(readFileSync('viz/screenshots.json', 'utf8'));
const outDir = `${process.cwd()}/dist/viz-screenshots`;
await build({ configFile: 'vite.config.ts', logLevel: 'warn',
  build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
const server = await preview({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir },
  preview: { port: 0, host: '127.0.0.1' } });
const base = server.resolvedUrls.local[0];
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const lines = [];
try {
  mkdirSync('viz/screenshots', { recursive: true });
  for (const shot of shots) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${base}#scenario=${shot.open}`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 120_000 });
    if (shot.compare !== undefined) {
      await page.locator('#fork').click();
      await page.locator('#scenario').selectOption(shot.compare);
      await page.locator('#compare-table').waitFor({ timeout: 120_000 });
    }
    if (shot.violation === true) await page.locator('#goto-violation').click();
    await page.waitForTimeout(1_500); // the charts, the state panel and a settled frame
    await page.screenshot({ path: `viz/screenshots/${shot.file}` });
    const caption = await page.evaluate(() => window.faultline.caption());
    lines.push(`### ${shot.title}`, '', `![${shot.title}](screenshots/${shot.file})`, '',
      `*${caption}*`, '');
    process.stderr.write(`${shot.file}: ${caption}\n`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const readme = readFileSync('viz/README.md', 'utf8');
const start = '<!-- screenshots:start (npm run viz:screenshots) -->';
const end = '<!-- screenshots:end -->';
const before = readme.slice(0, readme.indexOf(start));
const after = readme.slice(readme.indexOf(end) + end.length);
if (!readme.includes(start) || !readme.includes(end)) throw new Error('README has no markers');
writeFileSync('viz/README.md', `${before}${start}\n\n${lines.join('\n')}\n${end}${after}`);
