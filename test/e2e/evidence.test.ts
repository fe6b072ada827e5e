/**
 * A violation shows its evidence, in a real browser, for a bug of every protocol: the events
 * that prove it are listed with the same numbers as their markers on the diagram; each goes
 * to its event; "Go to violation" frames everything from the first piece of evidence to the
 * violation (not the last tenth of the run). A linearizability violation draws only the
 * checker's minimal set of operations, each with its interval, and its key line comes first.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openScenario, probe, screenshot, timeOf, useBrowser } from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

/** One bug of each protocol, with the number of events that prove it. */
const BUGS: readonly [string, number][] = [
  ['raft/bug-commit-previous-term', 2], ['raft/bug-vote-not-persisted', 2],
  ['paxos/single-bug-own-value', 2], ['twopc/bug-commit-on-timeout', 2],
  ['replication/bug-async-ack-failover', 2], ['lock/bug-lock-without-fencing', 2],
  ['heartbeat/timeout-below-delay', 1], ['lock/redlock-clock-jump', 2],
  ['balancer/bug-unfenced-takeover', 2], ['balancer/bug-ring-ignores-health', 2],
];

interface Ev { index: number; time: number; label: string; from?: { time: number } }

async function evidence(page: Page): Promise<Ev[]> {
  return page.evaluate(() => (window as unknown as { faultline: { shown: { derived: {
    evidence: Ev[] } } } }).faultline.shown.derived.evidence);
}

describe('viz: violations with their evidence', () => {
  it.each(BUGS)('%s: lists, marks and frames its %i piece(s) of evidence', async (key, count) => {
    const { page, errors } = await openScenario(browser(), base(), key);
    const p = await probe(page);
    expect(p.evidence).toBe(count);
    const list = page.locator('#evidence-list li');
    expect(await list.count()).toBe(count);
    const ev = await evidence(page);
    expect(await list.locator('button').allTextContents()).toEqual(ev.map((e) => e.label));
    await page.locator('#goto-violation').click();
    const after = await probe(page);
    expect(after.instant).toBe(p.violation);
    const [t0, t1] = after.window as [number, number];
    const first = Math.min(...ev.map((e) => e.from?.time ?? e.time));
    const violationAt = await timeOf(page, p.violation ?? 0);
    // The window holds the first evidence and the violation, and is not the whole run.
    expect(t0).toBeLessThanOrEqual(first);
    expect(t1).toBeGreaterThanOrEqual(violationAt);
    expect(t1 - t0).toBeLessThan((violationAt - first) * 1.5 + 10_000);
    // Each evidence button goes to its event.
    for (let k = 0; k < count; k++) {
      await list.nth(k).locator('button').click();
      expect((await probe(page)).instant).toBe(ev[k]?.index);
    }
    await screenshot(page, `evidence-${key.replace('/', '-')}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws only the minimal set of a linearizability violation, with intervals', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/bug-stale-leader-read');
    const ev = await evidence(page);
    expect(ev.length).toBe(3);
    expect(ev.every((e) => e.from !== undefined && e.from.time < e.time)).toBe(true);
    // The key line (which operation cannot come next) comes first, the table folds away.
    const lines = await page.locator('#violation .key-line').allTextContents();
    expect(lines.some((l) => /cannot come next/.test(l))).toBe(true);
    expect(await page.locator('#violation details.rest').getAttribute('open')).toBeNull();
    await page.locator('#goto-violation').click();
    const focused = await page.evaluate(() => (window as unknown as { faultline: { view: {
      focusOps: Set<number> | null } } }).faultline.view.focusOps?.size ?? 0);
    expect(focused).toBe(3);
    await screenshot(page, 'evidence-linearizability');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks the leader as leader at the violation, in the diagram and the cluster', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/bug-vote-not-persisted');
    await page.locator('#goto-violation').click();
    // The second leader of term 1 became leader at the very event that violated election
    // safety; the evidence names it.
    const second = (await evidence(page)).at(-1)?.label ?? '';
    const node = /^(n\d+) leads term 1$/.exec(second)?.[1];
    expect(node).toBeDefined();
    const role = await page.locator(`#cluster g[data-node="${node}"] text.role`).textContent();
    expect(role).toMatch(/^leader term 1/);
    // The card is drawn at once and its picture when the worker has it (a moment later on a
    // loaded machine): wait for the picture, which must say leader.
    const inspector = page.locator(`#inspector .node-card[data-node="${node}"] h4`);
    await inspector.filter({ hasText: '·' }).waitFor({ timeout: 30_000 });
    expect(await inspector.textContent()).toContain('leader · term 1');
    expect(errors).toEqual([]);
    await page.close();
  });
});
