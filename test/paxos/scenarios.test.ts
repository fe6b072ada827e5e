/**
 * The Paxos scenario files (scenarios/paxos/) pass on their own: the DSLabs-equivalent runs
 * hold every property, liveness and metric bound; the teaching scenarios show the violation
 * they name. (test/scenarios.test.ts runs every scenario of every protocol; this file keeps
 * `vitest run test/paxos` complete and checks a few figures the files only bound.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';

const files = readdirSync('scenarios/paxos').filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => `scenarios/paxos/${f}`);
const load = (file: string) => loadScenario(readFileSync(file, 'utf8'), file).spec;

describe('paxos: scenarios', () => {
  it.each(files)('%s passes', (file) => {
    const report = runSpec(load(file), { trace: 'off' });
    expect(report.failures, `${file} (seed ${report.seed})`).toEqual([]);
  });

  it('decides nothing in a cluster split into minorities', () => {
    const spec = load('scenarios/paxos/no-progress-in-minority.yaml');
    const split = spec.faults[0]?.at ?? 0;
    const report = runSpec(spec, { trace: 'off' });
    expect(report.metrics['last-ok-ms']).toBeLessThan(split / 1_000 + 100);
    expect(report.metrics['client-ops-ok']).toBeGreaterThan(20);
  });

  it('shows the livelock with a fixed retry period and ends it with randomised backoff', () => {
    const livelock = runSpec(load('scenarios/paxos/duelling-proposers-livelock.yaml'));
    expect(livelock.metrics['decided-values']).toBe(0);
    expect(livelock.metrics['ballots-lost']).toBeGreaterThan(100);
    const backoff = runSpec(load('scenarios/paxos/duelling-proposers-backoff.yaml'));
    expect(backoff.metrics['decided-values']).toBe(1);
    expect(backoff.metrics['ballots-lost']).toBeGreaterThan(0);
  });

  it('spends a bounded number of messages per agreement with a stable leader', () => {
    const report = runSpec(load('scenarios/paxos/message-bound.yaml'), { trace: 'off' });
    // 3 servers: Accept ×3, Accepted ×3, Decide ×2 per slot, plus heartbeats and replies.
    expect(report.metrics['messages-per-decision']).toBeGreaterThanOrEqual(8);
    expect(report.metrics['messages-per-decision']).toBeLessThanOrEqual(10);
  });
});
