/**
 * balancer: the protocol in runs. One seed gives one trace hash. The crash set (crash-*.yaml)
 * runs one crash under every policy: each takes the dead backend out within the detection
 * bound, and the policies that count open requests send it fewer requests than round robin.
 * The slow-node, resize, failover and feedback scenarios show what their narratives claim. A
 * campaign of the correct protocol (as `faultline fuzz balancer` runs it) finds nothing, and
 * parameters that cannot work are refused with the field that is wrong.
 */
import { describe, expect, it } from 'vitest';
import { balancer } from '../../protocols/balancer/definition.js';
import { POLICIES } from '../../protocols/balancer/policies.js';
import { runSpec, type RunSpec } from '../../runner/index.js';
import { scenarioRuns } from '../support/scenarioRuns.js';
import { campaignFailures } from '../support/campaignFailures.js';

const { scenario, run, metric } = scenarioRuns('balancer');

describe('balancer: runs', () => {
  it('gives one trace hash for one seed, and another for another seed', () => {
    const spec = scenario('failover-crash');
    const a = runSpec(spec, { trace: 'off' }).result.hash;
    expect(runSpec(spec, { trace: 'off' }).result.hash).toBe(a);
    expect(runSpec({ ...spec, seed: 2 }, { trace: 'off' }).result.hash).not.toBe(a);
  });

  it('takes a crashed backend out within the detection bound under every policy', () => {
    for (const policy of POLICIES) {
      const report = run(`crash-${policy}`);
      expect(report.failures, policy).toEqual([]);
      // 3 probe rounds of 100ms and a 50ms probe timeout.
      expect(report.metrics['eject-ms'], policy).toBeLessThanOrEqual(350);
      expect(report.metrics['eject-ms'], policy).toBeGreaterThan(0);
      expect(report.metrics['readmit-ms'], policy).toBeLessThanOrEqual(250);
    }
  });

  it('sends a dead backend fewer requests when the policy counts open requests', () => {
    const rr = metric('crash-round-robin', 'requests-to-dead');
    for (const policy of ['least-connections', 'least-outstanding-requests', 'power-of-two']) {
      expect(metric(`crash-${policy}`, 'requests-to-dead'), policy).toBeLessThan(rr);
    }
  });

  it('least connections keeps the tail off a slow node; round robin does not', () => {
    expect(metric('slow-node-least-connections', 'latency-p99-ms'))
      .toBeLessThan(metric('slow-node-round-robin', 'latency-p99-ms') / 2);
    expect(metric('slow-node-least-connections', 'load-n2'))
      .toBeGreaterThan(1.5 * metric('slow-node-round-robin', 'load-n2'));
  });

  it('a resize moves about 1/n of the keys on the ring and Maglev, and most under mod n', () => {
    const ideal = metric('resize-ring', 'keys-moved-ideal');
    expect(ideal).toBeCloseTo(0.2);
    expect(Math.abs(metric('resize-ring', 'keys-moved') - ideal)).toBeLessThan(0.05);
    expect(metric('resize-maglev', 'keys-moved')).toBeGreaterThan(ideal);
    expect(metric('resize-maglev', 'keys-moved')).toBeLessThan(ideal + 0.05);
    const modulo = runSpec({ ...scenario('bug-hash-mod-n'),
      expect: { hold: ['no-request-to-down'] } }, { trace: 'off' });
    expect(modulo.metrics['keys-moved']).toBeGreaterThan(0.7);
  });

  it('the standby takes over after a crash or a partition, never with two active', () => {
    for (const name of ['failover-crash', 'failover-partition']) {
      const report = run(name);
      expect(report.failures, name).toEqual([]);
      expect(report.checked).toContain('one-active');
      expect(report.metrics.takeovers, name).toBeGreaterThanOrEqual(1);
      // Detection (about 200ms) plus what was left of the old 400ms lease, plus retries.
      expect(report.metrics['rto-max-ms'], name).toBeLessThan(1_000);
    }
  });

  it('feedback weights follow speed and even out the load that round robin does not', () => {
    const w = (id: string) => metric('feedback-orders', `weight-${id}`);
    expect(w('n2')).toBeGreaterThan(w('n3'));
    expect(w('n3')).toBeGreaterThan(w('n4'));
    expect(w('n4')).toBeGreaterThan(w('n5'));
    expect(w('n2') / w('n5')).toBeGreaterThan(5);
    expect(metric('feedback-orders', 'util-imbalance')).toBeLessThan(1.2);
    expect(metric('feedback-orders-round-robin', 'util-imbalance')).toBeGreaterThan(1.8);
    expect(metric('feedback-orders', 'latency-p99-ms'))
      .toBeLessThan(metric('feedback-orders-round-robin', 'latency-p99-ms'));
  });

  it('a campaign of the correct protocol finds nothing (faultline fuzz balancer --seed 11)', () => {
    expect(campaignFailures(balancer, 11, 60)).toEqual([]);
  }, 120_000);
});

describe('balancer: parameters', () => {
  const base: RunSpec = { name: 'p', protocol: 'balancer', params: {}, nodes: 4, faults: [],
    duration: 1_000_000, seed: 1 };
  const error = (patch: Partial<RunSpec>) => {
    try {
      runSpec({ ...base, ...patch }, { trace: 'off' });
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('infers the policy and the standby a bug needs, and refuses one that contradicts it', () => {
    expect(error({ params: { bugs: ['hash-mod-n'] } })).toBeUndefined();
    expect(error({ params: { bugs: ['unfenced-takeover'] } })).toBeUndefined();
    expect(error({ params: { policy: 'random', bugs: ['hash-mod-n'] } }))
      .toMatch(/params\.bugs.*hashing policy/);
    expect(error({ params: { standby: false, bugs: ['unfenced-takeover'] } }))
      .toMatch(/params\.bugs.*standby/);
  });

  it('refuses what cannot run, naming the field', () => {
    expect(error({ nodes: 1 })).toMatch(/nodes.*at least 2 servers/);
    expect(error({ params: { standby: true }, nodes: 2 })).toMatch(/nodes.*at least 3/);
    expect(error({ params: { weights: { n1: 2 } } })).toMatch(/params\.weights.*a backend/);
    expect(error({ params: { resize: [{ at: '1s', add: 'n9' }] } }))
      .toMatch(/params\.resize\[0\].*a backend/);
    expect(error({ params: { maglevSize: 4096 } })).toMatch(/params\.maglevSize.*prime/);
    expect(error({ params: { checkTimeout: '200ms' } })).toMatch(/checkTimeout.*interval/);
  });
});
