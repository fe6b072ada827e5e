/**
 * Interaction in a real browser: a crash added at the current instant changes the run and
 * lands in the address; opening that address reproduces the same trace hash; the downloaded
 * YAML replays in Node (`runSpec`, as `faultline run` does) with the same hash; a drifting
 * clock shows in the state panel; a bug-switch scenario shows its violation marker, and
 * jumping there highlights the causal past.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import { parseTraceFile } from '../../viz/src/model/traceFile.js';
import { traceHash } from '../../viz/src/model/traceWrite.js';
import { crashAt, hashOf, openPage, probe, screenshot, useBrowser, waitForDraw } from
  './browser.js';

const registry = protocols;

/** The default Raft scenario (a leader failure), else the first Raft scenario. */
function scenario(): string {
  for (const key of ['raft/leader-failure']) {
    if (existsSync(`scenarios/${key}.yaml`)) return key;
  }
  const raft = existsSync('scenarios/raft') ? readdirSync('scenarios/raft').sort()
    .find((f) => f.endsWith('.yaml')) : undefined;
  if (raft === undefined) throw new Error('no bundled Raft scenario');
  return `raft/${raft.replace(/\.yaml$/, '')}`;
}
const SCENARIO = scenario();

/**
 * A scenario demonstrating a bug switch (`expect.violate` with `bugs: [...]` on): a Raft one
 * first, else any protocol's.
 */
function violating(): string {
  const dirs = existsSync('scenarios') ? readdirSync('scenarios').filter((d) => !d.includes('.'))
    .sort((a, b) => Number(b === 'raft') - Number(a === 'raft') || a.localeCompare(b)) : [];
  for (const dir of dirs) {
    for (const f of readdirSync(`scenarios/${dir}`).sort()) {
      const text = f.endsWith('.yaml') ? readFileSync(`scenarios/${dir}/${f}`, 'utf8') : '';
      if (/^\s*violate:\s*\S/m.test(text) && /bugs:\s*(\[\s*[\w-]|\n\s*-\s*[\w-])/.test(text)) {
        return `${dir}/${f.replace(/\.yaml$/, '')}`;
      }
    }
  }
  throw new Error('no bundled scenario demonstrates a bug switch');
}

const browser = useBrowser();
const base = () => inject('vizUrl');

describe(`viz: interactive faults on ${SCENARIO}`, () => {
  it('a crash at the current instant changes the run and the address carries it', async () => {
    const { page, errors } = await openPage(browser(), `${base()}#scenario=${SCENARIO}`);
    await waitForDraw(page);
    const before = await hashOf(page);
    await crashAt(page, 'n2', 0.3);
    const after = await hashOf(page);
    expect(after).toMatch(/^[0-9a-f]{16}$/);
    expect(after).not.toBe(before);
    const url = page.url();
    expect(decodeURIComponent(url)).toContain('"kind":"crash","node":"n2"');
    await screenshot(page, 'interactive-crash');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dropping a chosen message changes the run from its arrival on', async () => {
    const { page, errors } = await openPage(browser(), `${base()}#scenario=${SCENARIO}`);
    await waitForDraw(page);
    const before = await hashOf(page);
    await page.evaluate(() => {
      const app = (window as unknown as { faultline: { arrowEnd(k: number): number;
        chooseMessage(end: number): void } }).faultline;
      app.chooseMessage(app.arrowEnd(40));
    });
    expect(await page.locator('#chosen-message').textContent()).toMatch(/Chosen message: .* → /);
    await page.locator('#fault-drop').click();
    await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
      added: number } } }).faultline.probe().added === 1);
    expect(await hashOf(page)).not.toBe(before);
    expect(decodeURIComponent(page.url())).toContain('"kind":"drop"');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a link reproduces the trace hash; the YAML replays with it; the trace has it', async () => {
    const { page } = await openPage(browser(), `${base()}#scenario=${SCENARIO}&seed=11`);
    await waitForDraw(page);
    await crashAt(page, 'n1', 0.4);
    const hash = await hashOf(page);
    const link = page.url();
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('#download-yaml').click()]);
    const yaml = readFileSync(await download.path(), 'utf8');
    const [traceDownload] = await Promise.all([page.waitForEvent('download'),
      page.locator('#download-trace').click()]);
    const trace = parseTraceFile(readFileSync(await traceDownload.path()));
    expect(traceHash(trace)).toBe(hash);
    await page.close();

    const again = await openPage(browser(), link);
    await waitForDraw(again.page);
    expect(await hashOf(again.page)).toBe(hash);
    expect(again.errors).toEqual([]);
    await again.page.close();

    const loaded = loadScenario(yaml, 'downloaded.yaml', registry);
    expect(loaded.spec.faults.some((f) => f.fault.kind === 'crash' && 'node' in f.fault &&
      f.fault.node === 'n1')).toBe(true);
    expect(runSpec(loaded.spec, {}, registry).result.hash).toBe(hash);
  });
});

const DRIFTING = `name: drifting-clock
protocol: heartbeat
nodes: 2
clocks: { n2: { offset: 20ms, drift: 200 } }
duration: 2s
seed: 2
`;

describe('viz: clocks', () => {
  it('shows a drifting node\'s local clock against true time', async () => {
    const { page, errors } = await openPage(browser(), base());
    await waitForDraw(page);
    await page.locator('#file').setInputFiles({ name: 'drifting.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(DRIFTING) });
    await page.waitForFunction(() => (window as unknown as { faultline: { probe(): {
      label?: string } } }).faultline.probe().label === 'drifting.yaml');
    await page.locator('#scrub').fill('1000');
    await page.locator('#scrub').dispatchEvent('change');
    const clock = page.locator('#inspector .node-card[data-node="n2"] .clock');
    await clock.waitFor();
    // 20 ms ahead at 0, plus 200 ppm of about 2 s: about 20.4 ms ahead at the end.
    expect(await clock.textContent()).toMatch(/\(\+20\.[34]\d*ms from true time\)/);
    expect(await page.locator('#inspector .node-card[data-node="n1"] .clock').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe(`viz: violation marker on ${violating()}`, () => {
  it('shows the marker; jumping there highlights the causal past', async () => {
    const key = violating();
    const { page, errors } = await openPage(browser(), `${base()}#scenario=${key}`);
    await waitForDraw(page);
    const status = page.locator('#status');
    expect(await status.getAttribute('data-violation')).not.toBe('');
    expect(await status.textContent()).toContain('violation:');
    expect(await page.locator('#violation .violation-name').textContent()).toContain('Violation:');
    const p = await probe(page);
    expect(p.violation).toBeGreaterThanOrEqual(0);
    await page.locator('#goto-violation').click();
    expect((await probe(page)).instant).toBe(p.violation);
    expect(await page.locator('#note').textContent()).toContain('causal past');
    await screenshot(page, 'violation');
    expect(errors).toEqual([]);
    await page.close();
  });
});
