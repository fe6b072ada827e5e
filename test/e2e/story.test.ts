/**
 * Narratives that step, in a real browser: a scenario's steps are anchored to times or to
 * claims; Next moves the current instant to the step, frames the events it tells of and
 * hides the future; each [claim] is shown as borne out by the run and goes to where it comes
 * true; N and P step from the keyboard; the step is in the address. Every bundled scenario's
 * steps are checked against its run in test/viz/narratives.test.ts; here the page shows them.
 */
import { describe, expect, inject, it } from 'vitest';
import { openPage, probe, screenshot, timeOf, useBrowser, waitForDraw, waitForLabel } from
  './browser.js';

const browser = useBrowser();
const base = () => inject('vizUrl');

/** A heartbeat run (a protocol no other change touches) with a stepped narrative. */
const STORY = `name: paused-node-story
description: n2 pauses for a second; its monitors suspect it although it is alive.
narrative:
  intro: A pause looks like a crash from outside.
  steps:
    - at: 1s
      text: "[n2 pauses] at one second: it sends nothing and hears nothing."
    - when: n1 falsely suspects n2
      text: "Its silence outlasts the timeout: [n1 falsely suspects n2]."
    - at: 2s
      text: "[n2 resumes] and beats again; [n1 suspects n2] still, until the beat arrives."
    - when: n1 trusts n2 again
      text: "[n1 trusts n2 again]: the mistake lasted as long as the pause and a beat."
protocol: heartbeat
params: { detector: fixed }
nodes: 3
network: { latency: { dist: uniform, min: 1ms, max: 40ms } }
faults:
  - { at: 1s, pause: n2 }
  - { at: 2s, resume: n2 }
duration: 3s
seed: 1
`;

describe('viz: stepped narratives', () => {
  it('steps through the run: moves, frames, hides the future, checks each claim', async () => {
    const { page, errors } = await openPage(browser(), `${base()}#scenario=heartbeat/long-pause`);
    await waitForDraw(page);
    await page.locator('#file').setInputFiles({ name: 'story.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(STORY) });
    await waitForLabel(page, 'story.yaml');
    expect(await page.locator('#story .intro').textContent()).toContain('A pause looks like');
    expect((await probe(page)).story).toEqual({ step: -1, steps: 4 });
    await page.locator('#story-next').click();
    let p = await probe(page);
    expect(p.story.step).toBe(0);
    expect(p.choices.future).toBe(false);
    expect(await timeOf(page, p.instant)).toBeLessThanOrEqual(1_000_000);
    expect(await page.locator('#step-text button.claim.holds').allTextContents())
      .toEqual(['n2 pauses']);
    await page.locator('#story-next').click();
    p = await probe(page);
    const suspectedAt = await timeOf(page, p.instant);
    expect(suspectedAt).toBeGreaterThan(1_000_000);
    expect(suspectedAt).toBeLessThan(2_000_000);
    // Framed: the window runs from the previous step to this one, not the whole run.
    const [t0, t1] = p.window as [number, number];
    expect(t0).toBeLessThanOrEqual(1_000_000);
    expect(t1).toBeGreaterThanOrEqual(suspectedAt);
    expect(t1).toBeLessThan(2_000_000);
    // N and P step from the keyboard, wherever focus is (here: the Next button).
    await page.keyboard.press('n');
    expect((await probe(page)).story.step).toBe(2);
    expect(await page.locator('#step-text button.claim.unsupported').count()).toBe(0);
    // The address is written as the step is shown (compressing the scenario takes a moment).
    await page.waitForURL((url) => url.hash.includes('step=3'));
    await page.keyboard.press('p');
    expect((await probe(page)).story.step).toBe(1);
    // A claim goes to where it comes true.
    await page.locator('#step-text button.claim').first().click();
    expect(await timeOf(page, (await probe(page)).instant)).toBe(suspectedAt);
    await screenshot(page, 'story-step');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks a claim the run does not bear out', async () => {
    const { page, errors } = await openPage(browser(), `${base()}#scenario=heartbeat/long-pause`);
    await waitForDraw(page);
    const wrong = STORY.replace('[n2 pauses] at one second', '[n3 pauses] at one second');
    await page.locator('#file').setInputFiles({ name: 'wrong.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(wrong) });
    await waitForLabel(page, 'wrong.yaml');
    await page.locator('#story-next').click();
    expect(await page.locator('#step-text button.claim.unsupported').allTextContents())
      .toEqual(['n3 pauses']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens a link at a step of the story', async () => {
    const { page: first } = await openPage(browser(), `${base()}#scenario=heartbeat/long-pause`);
    await waitForDraw(first);
    await first.locator('#file').setInputFiles({ name: 'story.yaml', mimeType: 'text/yaml',
      buffer: Buffer.from(STORY) });
    await waitForLabel(first, 'story.yaml');
    await first.locator('#story-next').click();
    await first.locator('#story-next').click();
    await first.waitForURL((url) => url.hash.includes('step=2'));
    const link = first.url();
    const instant = (await probe(first)).instant;
    await first.close();
    const { page, errors } = await openPage(browser(), link);
    await waitForDraw(page);
    const p = await probe(page);
    expect(p.story.step).toBe(1);
    expect(p.instant).toBe(instant);
    expect(errors).toEqual([]);
    await page.close();
  });
});
