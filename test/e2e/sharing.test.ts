/**
 * Sharing, in a real browser: the address reproduces every run, a scenario opened from a
 * file with faults added in the page included (its text travels compressed in the link); a
 * downloaded trace replays with `faultline replay` and the same hash, because its header
 * carries its scenario; a trace file shows the scenario and the narrative it carries; a
 * malformed link leaves a clear error naming what is wrong, and a clean page that offers the
 * default scenario.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  crashAt, hashOf, openPage, openScenario, probe, useBrowser, waitForDraw, waitForLabel,
} from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

beforeAll(() => {
  const build = spawnSync(process.execPath, ['cli/build.mjs'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

/** A scenario that is not bundled: a Raft cluster of five with a narrative. */
const MINE = readFileSync('scenarios/raft/leader-failure.yaml', 'utf8')
  .replace(/^name: .*$/m, 'name: my-five-servers').replace(/^nodes: 3$/m, 'nodes: 5')
  .replace(/^seed: 1$/m, 'seed: 4');

describe('viz: sharing', () => {
  it('a link reproduces a run from a file, with faults added in the page', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    await page.locator('#file').setInputFiles({ name: 'mine.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(MINE) });
    await waitForLabel(page, 'mine.yaml');
    await crashAt(page, 'n4', 0.3);
    await page.waitForFunction(() => location.hash.includes('faults='));
    const hash = await hashOf(page);
    const link = page.url();
    const params = new URLSearchParams(new URL(link).hash.slice(1));
    expect(params.get('src')).toMatch(/^[\w-]+$/);
    expect(params.get('name')).toBe('mine.yaml');
    expect(params.get('faults')).toContain('"node":"n4"');
    await page.close();
    const again = await openPage(browser(), link);
    await waitForDraw(again.page);
    expect((await probe(again.page)).label).toBe('mine.yaml');
    expect(await hashOf(again.page)).toBe(hash);
    expect((await probe(again.page)).added).toBe(1);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.page.close();
  });

  it('a downloaded trace replays with `faultline replay` and shows its scenario', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure',
      '&seed=11');
    await crashAt(page, 'n2', 0.5);
    const hash = await hashOf(page);
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('#download-trace').click()]);
    const dir = mkdtempSync(join(tmpdir(), 'faultline-share-'));
    const file = join(dir, 'run.trace.jsonl');
    writeFileSync(file, readFileSync(await download.path()));
    const replay = spawnSync(process.execPath, ['dist/cli/faultline.js', 'replay', file, '--json'],
      { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(replay.stdout) as { reproduced: boolean; recordedHash: string };
    expect(report.recordedHash).toBe(hash);
    expect(report.reproduced).toBe(true);
    // Opened in the page, the trace shows the scenario and the narrative it carries.
    await page.locator('#file').setInputFiles(file);
    await waitForLabel(page, 'trace file run.trace.jsonl');
    expect((await probe(page)).embedded).toBe(true);
    expect(await page.locator('#embedded pre').textContent()).toContain('crash: n2');
    expect(await page.locator('#about .description').textContent()).toContain('leader n1 crashes');
    expect(await page.locator('#story').isVisible()).toBe(true);
    expect(await hashOf(page)).toBe(hash);
    // The trace's own scenario reruns it, so each node's state is drawn, not only its role.
    await page.locator('#scrub').fill('700');
    await page.locator('#scrub').dispatchEvent('change');
    await page.locator('#inspector .node-card .cells').first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['#scenario=raft/no-such-thing', 'no built-in scenario "raft/no-such-thing"'],
    ['#scenario=raft/leader-failure&faults=[{"at":', '"faults" is not valid JSON'],
    ['#scenario=raft/leader-failure&faults=[{"at":-5,"fault":{"kind":"crash"}}]',
      'fault 1 is not {at: integer µs'],
    ['#scenario=raft/leader-failure&colour=red', 'unknown field "colour"'],
    ['#src=not-a-scenario&name=x.yaml', '"src" is damaged'],
    ['#scenario=raft/leader-failure&step=first', '"step" must be a step number'],
    ['#scenario=raft/leader-failure&faults=[{"at":5,"fault":{"kind":"crash","node":"n9"}}]',
      'n9'],
  ])('a malformed link %s gives a clear error and a clean page', async (hash, message) => {
    const page = await browser().newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base()}${hash}`);
    await page.waitForSelector('body[data-ready="1"]');
    const error = page.locator('#error');
    await error.waitFor({ state: 'visible' });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('This link cannot be opened');
    expect(text).toContain(message);
    expect(text).not.toMatch(/at \w+ \(|\.ts:\d+/); // no stack trace
    // Clean: nothing half drawn; the page offers a way on.
    expect(await page.locator('#diagram canvas').count()).toBe(0);
    await page.locator('#error-default').click();
    await waitForLabel(page, 'raft/leader-failure');
    expect(await error.isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
