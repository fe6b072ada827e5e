/**
 * Protocol state as pictures, in a real browser: at an instant mid-run each protocol's view
 * draws its state, with no JSON unless asked. Raft's logs are boxes coloured by term with the
 * commit index and an election timer; Paxos shows its three roles, ballots and slots; 2PC its
 * prepared, blocked and lock-held bands and the coordinator's log; the detectors their level
 * curves against the threshold; replication the writes a failover lost; the lock its leases
 * and the storage's tokens (the last server, in every variant: Redlock's instances show its
 * key); the balancer its pool by health and its backends' workers and queues.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { openScenario, screenshot, useBrowser } from './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

/** Moves the instant to `fraction` of the run and waits for the pictures of that instant. */
async function at(page: Page, fraction: number): Promise<void> {
  await page.locator('#scrub').fill(String(Math.round(fraction * 1000)));
  await page.locator('#scrub').dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('#inspector .inspector-head')
    ?.textContent?.startsWith('After event'));
}

/** The visible text of the state panel, with no raw JSON opened. */
async function noJson(page: Page): Promise<void> {
  expect(await page.locator('#inspector details.raw').getAttribute('open')).toBeNull();
  const visible = await page.locator('#inspector pre:visible').count();
  expect(visible).toBe(0);
}

describe('viz: protocol state as pictures', () => {
  it('raft: each log as boxes coloured by term, the commit index, the election timer', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'raft/leader-failure');
    await at(page, 0.6);
    const n2 = page.locator('#inspector .node-card[data-node="n2"]');
    await n2.locator('.cells .cell').first().waitFor();
    expect(await n2.locator('h4').textContent()).toMatch(/leader · term \d+/);
    const cells = n2.locator('.cells .cell');
    expect(await cells.count()).toBeGreaterThan(5);
    // Colours are by term: two boxes of one term share a colour, and every box says its term.
    const terms = await cells.allTextContents();
    const colours = await cells.evaluateAll((cs) => cs.map((c) => getComputedStyle(c).borderColor));
    const byTerm = new Map<string, Set<string>>();
    terms.forEach((t, k) => byTerm.set(t, (byTerm.get(t) ?? new Set()).add(colours[k] ?? '')));
    for (const set of byTerm.values()) expect(set.size).toBe(1);
    expect(await n2.locator('.caption').first().textContent()).toMatch(/commit index \d+/);
    const follower = page.locator('#inspector .node-card', { hasText: 'follower · term' }).first();
    expect(await follower.locator('.meter .part-label').allTextContents())
      .toContain('election timer');
    await noJson(page);
    await page.locator('#inspector details.raw summary').click();
    await page.locator('#inspector details.raw pre').waitFor();
    await screenshot(page, 'pictures-raft');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('paxos: proposer, acceptor and learner, ballots, and the slots with what is chosen', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'paxos/no-partition');
    await at(page, 0.5);
    const card = page.locator('#inspector .node-card').first();
    await card.locator('dl.fields').waitFor();
    expect(await card.locator('dt').allTextContents()).toEqual(
      expect.arrayContaining(['proposer', 'acceptor', 'learner']));
    expect(await card.locator('dd').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/promised \(\d+,n\d\)/)]));
    expect(await page.locator('#inspector .cell.chosen').count()).toBeGreaterThan(0);
    await noJson(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('2pc: prepared, blocked and lock bands on the lanes, the coordinator\'s log', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'twopc/blocking-2pc');
    const legend = await page.locator('#legend').textContent();
    for (const kind of ['locks', 'prepared', 'blocked']) expect(legend).toContain(kind);
    await at(page, 0.4); // the coordinator is down from 1 s to 3 s of 5 s
    const n2 = page.locator('#inspector .node-card[data-node="n2"]');
    await n2.waitFor();
    expect(await page.locator('#inspector .node-card[data-node="n1"]').textContent())
      .toContain('down');
    expect(await page.locator('#inspector dl.fields', { hasText: 'blocked' }).first()
      .textContent()).toMatch(/blocked\s*t\d/);
    await at(page, 0.9);
    const log = page.locator('#inspector .node-card[data-node="n1"] .cells',
      { hasText: 'coordinator log' });
    await log.waitFor();
    expect(await log.locator('.cell').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(commit|abort|end) t/)]));
    await noJson(page);
    await screenshot(page, 'pictures-2pc');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('heartbeat: the level curve against its threshold, suspicions marked', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'heartbeat/long-pause');
    await page.locator('#levels svg.levels').waitFor();
    expect(await page.locator('#levels svg.levels text').allTextContents())
      .toEqual(expect.arrayContaining(['threshold 1', 'of n2']));
    expect(await page.locator('#levels svg.levels path').count()).toBeGreaterThanOrEqual(2);
    // The pause makes n1 suspect n2 falsely: marked red on the curve and on the lane.
    expect(await page.locator('#levels svg.levels circle').count()).toBeGreaterThan(0);
    expect(await page.locator('#legend').textContent()).toContain('falsely suspects');
    await at(page, 0.3);
    const meter = page.locator('#inspector .node-card[data-node="n1"] .meter').first();
    expect(await meter.textContent()).toMatch(/suspects at 1/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replication: each replica\'s log by epoch, the acknowledged writes it lost', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'replication/master-crash-async');
    await at(page, 0.8);
    const lost = page.locator('#inspector .node-card.shared', { hasText: 'lost writes' });
    await lost.waitFor();
    expect(await lost.locator('.cell.lost').count()).toBeGreaterThan(0);
    expect(await page.locator('#inspector h4', { hasText: 'master · epoch' }).count())
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lock: holder and lease bands, and fencing tokens on the storage', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'lock/holder-paused-past-lease');
    const legend = await page.locator('#legend').textContent();
    expect(legend).toContain('holds');
    expect(legend).toContain('lease');
    expect(legend).toContain('refuses');
    await at(page, 0.9);
    const storage = page.locator('#inspector .node-card[data-node="n2"]');
    expect(await storage.locator('h4').textContent()).toMatch(/storage · highest token \d+/);
    expect(await storage.locator('.caption').textContent()).toMatch(/[1-9]\d* refused/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lock variants: Redlock\'s instances hold the key; the storage is the last server', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'lock/redlock-gc-pause');
    expect(await page.locator('#legend').textContent()).toContain('key set for');
    await at(page, 0.02);
    for (const id of ['n1', 'n5']) {
      expect(await page.locator(`#inspector .node-card[data-node="${id}"] h4`).textContent())
        .toMatch(/redis · lock held by c1$/);
    }
    expect(await page.locator('#inspector .node-card[data-node="n6"] h4').textContent())
      .toMatch(/storage · highest token \d+/);
    await noJson(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('balancer: the pool by health, each backend\'s workers and queue', async () => {
    const { page, errors } = await openScenario(browser(), base(), 'balancer/crash-round-robin');
    expect(await page.locator('#legend').textContent()).toContain('down at');
    await at(page, 0.45);
    const n1 = page.locator('#inspector .node-card[data-node="n1"]');
    expect(await n1.locator('h4').textContent()).toMatch(/balancer · round-robin$/);
    expect(await n1.locator('.cells .cell').count()).toBe(4);
    const backend = page.locator('#inspector .node-card[data-node="n2"]');
    expect(await backend.locator('.meter .part-label').allTextContents())
      .toEqual(['workers busy', 'queue']);
    await noJson(page);
    expect(errors).toEqual([]);
    await page.close();
  });
});
