/**
 * twopc: whole runs. Determinism, the failure-free path of both variants (AC4: no abort is
 * caused by a timeout), presumed abort and coordinator recovery, cooperative termination, the
 * blocking comparison between 2PC and Paxos Commit, and configuration errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../sim/index.js';
import { judge, loadScenario, type PreparedRun, prepareRun, runSpec, type RunSpec } from
  '../../runner/index.js';
import type { TwoPcServer } from '../../protocols/twopc/node.js';
import { registry, twoPcSpec } from './support.js';

const records = (run: PreparedRun) =>
  [...Array(run.engine.trace.length).keys()].map((i) => run.engine.trace.record(i));

const scenario = (name: string): RunSpec =>
  loadScenario(readFileSync(`scenarios/twopc/${name}.yaml`, 'utf8'), name).spec;

describe('twopc: runs', () => {
  for (const variant of ['2pc', 'paxos-commit'] as const) {
    it(`${variant}: one seed gives one trace hash, another seed another`, () => {
      const hash = (seed: number) => runSpec(twoPcSpec({ seed, faults: [
        { at: 500_000, fault: { kind: 'crash', node: 'n1' } },
        { at: 700_000, fault: { kind: 'restart', node: 'n1' } }] }, { variant }), {}, registry)
        .result.hash;
      expect(hash(5)).toBe(hash(5));
      expect(hash(5)).not.toBe(hash(6));
    });

    it(`${variant}: with no failures all properties hold and no abort is from a timeout`, () => {
      const report = runSpec(twoPcSpec({}, { variant }), {}, registry);
      expect(report.failures).toEqual([]);
      expect(report.checked).toContain('serializable');
      expect(report.metrics.committed).toBeGreaterThan(100);
      expect(report.metrics['aborts-vote-timeout']).toBe(0);
      expect(report.metrics['client-info']).toBe(0);
    });
  }

  it('presumed abort: transactions stranded by a coordinator crash abort everywhere', () => {
    const prepared = prepareRun(scenario('coordinator-crash-before-decision'));
    prepared.engine.run(prepared.spec.duration);
    expect(judge(prepared).failures).toEqual([]);
    const presumed = records(prepared).filter((r) => r.kind === 'note' && r.tag === 'decide' &&
      (r.data as { presumed?: boolean }).presumed);
    expect(presumed.length).toBeGreaterThan(0);
    for (const id of ['n2', 'n3', 'n4']) {
      const state = (prepared.engine.program(id) as TwoPcServer).participant?.state;
      expect(state?.prepared.size).toBe(0);
      for (const r of presumed) {
        const tx = (r.data as { tx: string }).tx;
        if (state?.txs.has(tx)) expect(state.txs.get(tx)?.state).toBe('aborted');
      }
    }
  });

  it('coordinator recovery: a restarted coordinator resends logged commits until acked', () => {
    const prepared = prepareRun(scenario('coordinator-crash-after-decision'));
    prepared.engine.run(prepared.spec.duration);
    expect(judge(prepared).failures).toEqual([]);
    const coordinator = (prepared.engine.program('n1') as TwoPcServer).coordinator;
    expect(coordinator?.epoch).toBe(2);
    const resent = records(prepared).filter((r) => r.kind === 'send' && r.node === 'n1' &&
      r.tag === 'Decision' && r.t >= 1_200_000 && (r.data as { tx: string }).tx.startsWith('t1.'));
    expect(resent.length).toBeGreaterThan(0);
    for (const r of resent) {
      expect(coordinator?.unacknowledged.has((r.data as { tx: string }).tx)).toBe(false);
    }
  });

  it('cooperative termination: a participant cut off from n1 learns from a peer', () => {
    const base = prepareRun(twoPcSpec(), {}, registry);
    base.engine.run(1_500_000);
    const shared = new Set(records(base).filter((r) => r.tag === 'begin' &&
      (r.data as { participants: string[] }).participants.length > 1)
      .map((r) => (r.data as { tx: string }).tx));
    const commit = records(base).find((r) => r.kind === 'send' && r.node === 'n1' &&
      r.to === 'n3' &&
      r.tag === 'Decision' && r.t > 1_000_000 && shared.has((r.data as { tx: string }).tx) &&
      (r.data as { decision: string }).decision === 'commit');
    const at = commit?.t ?? 0;
    const spec = twoPcSpec({ duration: 2_500_000, faults: [
      { at, fault: { kind: 'cut', from: 'n1', to: 'n3' } },
      { at: at + 1_000_000, fault: { kind: 'heal' } }] });
    const prepared = prepareRun(spec, {}, registry);
    prepared.engine.run(spec.duration);
    expect(judge(prepared).failures).toEqual([]);
    const fromPeers = records(prepared).filter((r) => r.kind === 'deliver' && r.node === 'n3' &&
      r.tag === 'Decision' && r.from !== 'n1' && r.t < at + 1_000_000);
    const tx = (commit?.data as { tx: string }).tx;
    expect(fromPeers.map((r) => (r.data as { tx: string }).tx)).toContain(tx);
  });

  it('blocking: 2PC blocks until the coordinator returns; Paxos Commit does not', () => {
    const blocking = runSpec(scenario('blocking-2pc'));
    const nonBlocking = runSpec(scenario('blocking-paxos-commit'));
    expect(blocking.failures).toEqual([]);
    expect(nonBlocking.failures).toEqual([]);
    const max = (r: typeof blocking) => r.metrics['blocked-time-max-ms'] as number;
    expect(max(blocking)).toBeGreaterThan(1_900);
    expect(max(nonBlocking)).toBeLessThan(500);
    console.log(`twopc blocking: blocked-time-max-ms 2pc ${max(blocking)}, ` +
      `paxos-commit ${max(nonBlocking)}`);
  });

  it('Paxos Commit: a participant whose peer never voted finishes by its own recovery ballot', () => {
    // Prepares to n3 are lost from 1 s, and n1 dies at 1.05 s: transactions with n3 hang on an
    // instance nobody voted in, and only a participant can propose "aborted" for it.
    const spec = twoPcSpec({ duration: 4_000_000, faults: [
      { at: 1_000_000, fault: { kind: 'cut', from: 'n1', to: 'n3' } },
      { at: 1_050_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 3_000_000, fault: { kind: 'restart', node: 'n1' } },
      { at: 3_000_000, fault: { kind: 'heal' } }],
    expect: { liveness: { settle: 500_000 } } }, { variant: 'paxos-commit' });
    const prepared = prepareRun(spec, {}, registry);
    prepared.engine.run(spec.duration);
    const report = judge(prepared);
    expect(report.failures).toEqual([]);
    const ballots = records(prepared).filter((r) => r.tag === 'ballot' && r.node !== 'n1' &&
      r.t > 1_050_000 && r.t < 3_000_000);
    expect(ballots.length).toBeGreaterThan(0);
    expect(report.metrics['blocked-time-max-ms']).toBeLessThan(1_000);
  });

  it('Paxos Commit with F=2 runs on five acceptors', () => {
    const report = runSpec(twoPcSpec({ nodes: 5, faults: [
      { at: 500_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 500_000, fault: { kind: 'crash', node: 'n2' } }],
    expect: { liveness: { after: 1_500_000, settle: 500_000 } } },
    { variant: 'paxos-commit', acceptors: 2 }), {}, registry);
    expect(report.failures).toEqual([]);
  });

  it('rejects a cluster too small for its variant', () => {
    expect(() => runSpec(twoPcSpec({ nodes: 1 }), {}, registry)).toThrow(ConfigError);
    expect(() => runSpec(twoPcSpec({ nodes: 4 }, { variant: 'paxos-commit', acceptors: 2 }), {},
      registry)).toThrow(/at least 5 servers/);
    expect(() => runSpec(twoPcSpec({}, { variant: '3pc' }), {}, registry))
      .toThrow(/params.variant/);
  });
});
