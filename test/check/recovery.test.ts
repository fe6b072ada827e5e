/**
 * The shared availability, RTO and RPO figures (sim/check/recovery.ts, docs/metrics.md) on
 * hand-made histories, a property against the definition on random ones, and on real runs:
 * a paused master and a partition both make an outage (the crash-only RTO reported 0 there);
 * the worst client, availability in time, latency, messages per operation and running time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../sim/check/history.js';
import type { World } from '../../sim/check/property.js';
import { type Disruption, DisruptionObserver, HOURS_PER_YEAR, lostBySession, nines, outages,
  recoveryFigures } from '../../sim/check/recovery.js';
import { judge, loadScenario, prepareRun, runSpec } from '../../runner/index.js';
import { readFileSync } from 'node:fs';

/** One operation: [client, f, invoke ms, completion ms, outcome, error]. */
type Op = [string, string, number, number, 'ok' | 'fail' | 'info', string?];

function history(ops: readonly Op[]): HistoryEvent[] {
  const events = ops.flatMap(([process, f, invoked, done, outcome, error]) => [
    { type: 'invoke' as const, process, f, key: 'k', value: null, time: invoked * 1000 },
    { type: outcome, process, f, key: 'k', value: null, time: done * 1000,
      ...(error === undefined ? {} : { error }) },
  ]).sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }));
}

const at = (ms: number, what = 'crash n1'): Disruption => ({ at: ms * 1000, what });

describe('recovery figures', () => {
  it('counts as available the operations that got an answer, not refusals or unknowns', () => {
    const figures = recoveryFigures({ end: 1e6, disruptions: [], history: history([
      ['c1', 'put', 0, 5, 'ok'], ['c1', 'cas', 10, 15, 'fail', 'cas-mismatch'],
      ['c1', 'put', 20, 25, 'fail', 'not-leader'], ['c1', 'put', 30, 90, 'info', 'timeout'],
    ]) });
    expect(figures['client-availability']).toBe(0.5);
    expect(figures.outages).toBe(0);
    expect(figures['rpo-writes']).toBeUndefined(); // no protocol word on lost writes
  });

  it('ends an outage at the first write invoked after it that succeeds', () => {
    const input = { end: 2e6, disruptions: [at(100)], history: history([
      ['c1', 'put', 90, 105, 'ok'], // invoked before the crash: does not end it
      ['c2', 'get', 150, 160, 'ok'], // a read: writes exist, so reads do not end it
      ['c1', 'put', 110, 400, 'info'],
      ['c1', 'put', 410, 450, 'ok'],
    ]) };
    expect(outages(input).map((o) => [o.start, o.end])).toEqual([[100_000, 450_000]]);
    expect(recoveryFigures(input)).toMatchObject({ outages: 1, 'outages-open': 0,
      'rto-ms': 350, 'rto-max-ms': 350 });
  });

  it('joins a disruption that comes before recovery into the open outage', () => {
    const input = { end: 2e6, disruptions: [at(100), at(300, 'partition n1 | n2 n3')],
      history: history([['c1', 'put', 200, 350, 'ok'], ['c1', 'put', 360, 500, 'ok'],
        ['c1', 'put', 900, 910, 'ok']]) };
    expect(outages(input)).toEqual([{ start: 100_000, end: 500_000,
      causes: ['crash n1', 'partition n1 | n2 n3'], lost: [] }]);
  });

  it('runs an outage that never recovers to the end of the run', () => {
    const figures = recoveryFigures({ end: 1e6, disruptions: [at(400)],
      history: history([['c1', 'put', 0, 10, 'ok'], ['c1', 'put', 500, 900, 'info']]) });
    expect(figures).toMatchObject({ outages: 1, 'outages-open': 1, 'rto-max-ms': 600 });
  });

  it('lets reads end an outage when the workload has no writes', () => {
    const list = outages({ end: 1e6, disruptions: [at(100)],
      history: history([['c1', 'get', 200, 210, 'ok']]) });
    expect(list[0]?.end).toBe(210_000);
  });

  it('charges lost writes to their outage: RPO in writes and in time', () => {
    const figures = recoveryFigures({ end: 2e6, disruptions: [at(1000)],
      history: history([['c1', 'put', 1100, 1200, 'ok']]),
      lost: [{ invoked: 900_000, acked: 950_000 }, { invoked: 980_000, acked: 1_010_000 }] });
    // From the first lost write's invocation to its last acknowledgement (after the crash).
    expect(figures).toMatchObject({ 'rpo-writes': 2, 'rpo-ms': 110 });
  });

  it('finds the acknowledged writes a final state with client sessions lacks', () => {
    const h = history([['c1', 'put', 0, 5, 'ok'], ['c1', 'put', 10, 15, 'ok'],
      ['c1', 'get', 20, 25, 'ok'], ['c2', 'append', 0, 8, 'ok']]);
    // c1's session reached its first request only; c2's none.
    expect(lostBySession(h, (c) => (c === 'c1' ? 1 : 0)))
      .toEqual([{ invoked: 0, acked: 8_000 }, { invoked: 10_000, acked: 15_000 }]);
  });

  it('ends every outage exactly when the definition says (property)', () => {
    const opArb = fc.tuple(fc.constantFrom('c1', 'c2', 'c3'), fc.constantFrom('get', 'put'),
      fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 300 }),
      fc.constantFrom('ok', 'ok', 'info', 'fail') as fc.Arbitrary<'ok' | 'info' | 'fail'>);
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }),
      fc.array(fc.integer({ min: 0, max: 1200 }), { maxLength: 5 }), (raw, times) => {
        // One operation at a time per client, as the shared client runs them.
        const ops: Op[] = [];
        const free = new Map<string, number>();
        for (const [c, f, start, length, outcome] of raw) {
          const invoked = Math.max(start, free.get(c) ?? 0);
          ops.push([c, f, invoked, invoked + length, outcome]);
          free.set(c, invoked + length + 1);
        }
        const h = history(ops);
        const disruptions = times.map((t) => at(t + 0.5));
        const list = outages({ end: 2e6, history: h, disruptions });
        const writes = ops.some((o) => o.at(1) === 'put') ? ops.filter((o) => o[1] === 'put') : ops;
        for (const [i, o] of list.entries()) {
          const inside = disruptions.map((d) => d.at).filter((t) => t >= o.start &&
            (o.end === undefined || t < o.end));
          const last = Math.max(...inside);
          const fresh = writes.filter((w) => w[4] === 'ok' && w[2] * 1000 > last)
            .map((w) => w[3] * 1000).sort((a, b) => a - b);
          expect(o.end).toBe(fresh[0]);
          if (i > 0) expect(o.start).toBeGreaterThanOrEqual(list[i - 1]?.end ?? Infinity);
        }
        expect(list.flatMap((o) => o.causes)).toHaveLength(disruptions.length);
      }));
  });
});

describe('recovery figures on runs', () => {
  it.each(['master-pause', 'partition-fenced'])(
    'replication %s: the outage clients see is measured', (name) => {
      const file = `scenarios/replication/${name}.yaml`;
      const report = runSpec(loadScenario(readFileSync(file, 'utf8'), file).spec);
      expect(report.metrics.outages).toBe(1);
      expect(report.metrics['rto-ms']).toBeGreaterThan(300);
      expect(report.metrics['rpo-writes']).toBe(0);
    });

  it('counts no client figure for a protocol without client operations, only running time', () => {
    const file = 'scenarios/heartbeat/detector-fixed.yaml';
    const report = runSpec(loadScenario(readFileSync(file, 'utf8'), file).spec);
    expect(report.metrics['rto-ms']).toBeUndefined();
    expect(report.metrics['client-availability']).toBeUndefined();
    // n1 of 3 crashes at 30s of 60s: one server in three down half the run.
    expect(report.metrics['node-availability']).toBeCloseTo(1 - 0.5 / 3, 3);
    expect(report.metrics['quorum-availability']).toBe(1);
  });

  it('measures messages per operation and latency from the run itself', () => {
    const file = 'scenarios/raft/leader-failure.yaml';
    const prepared = prepareRun(loadScenario(readFileSync(file, 'utf8'), file).spec);
    prepared.engine.run(prepared.spec.duration);
    const report = judge(prepared);
    const ops = report.history.filter((e) => e.type !== 'invoke').length;
    expect(report.metrics['messages-per-op'])
      .toBeCloseTo(prepared.engine.messagesSent / ops, 2);
    expect(report.metrics['latency-p50-ms']).toBeGreaterThan(0);
    expect(report.metrics['latency-p99-ms']).toBeGreaterThanOrEqual(
      report.metrics['latency-p50-ms'] as number);
  });
});

describe('shared figures beside availability', () => {
  it('reports the worst client, and the share of the run outside outages in nines', () => {
    const figures = recoveryFigures({ end: 10e6, disruptions: [at(1000)], history: history([
      ['c1', 'put', 0, 5, 'ok'], ['c1', 'put', 10, 15, 'ok'], ['c1', 'put', 1001, 2000, 'info'],
      ['c2', 'put', 0, 5, 'ok'], ['c2', 'put', 2001, 2010, 'ok'],
    ]) });
    expect(figures['client-availability']).toBe(0.8);
    expect(figures['client-availability-min']).toBe(0.6667); // c1: two of three
    // One outage, 1000 ms to 2010 ms, of a 10 s run.
    expect(figures['service-availability']).toBe(0.899);
    expect(figures['service-nines']).toBe(nines(0.899));
    expect(figures['downtime-h-per-year']).toBeCloseTo((1 - 0.899) * HOURS_PER_YEAR, 0);
  });

  it('takes latency percentiles over answered operations by nearest rank', () => {
    const figures = recoveryFigures({ end: 1e6, disruptions: [], history: history(
      Array.from({ length: 100 }, (_, i): Op => ['c1', 'put', i * 1000, i * 1000 + i + 1, 'ok'])),
    messages: 450 });
    expect(figures['latency-p50-ms']).toBe(50);
    expect(figures['latency-p99-ms']).toBe(99);
    expect(figures['messages-per-op']).toBe(4.5);
  });

  it('counts nines capped at nine, and exactly for round shares', () => {
    expect(nines(0.999)).toBe(3);
    expect(nines(1)).toBe(9);
    expect(nines(0.5)).toBe(0.3);
  });

  it('times servers running and a majority running, from crashes and pauses', () => {
    const observer = new DisruptionObserver();
    const up = new Map([['n1', true], ['n2', true], ['n3', true]]);
    const paused = new Set<string>();
    const world = (now: number, changed: string[]) => ({
      now, changed, servers: ['n1', 'n2', 'n3'], isUp: (id: string) => up.get(id) === true,
      isPaused: (id: string) => paused.has(id) }) as unknown as World;
    observer.observe(world(0, ['n1', 'n2', 'n3']));
    up.set('n1', false);
    observer.observe(world(100, ['n1'])); // n1 down from 100
    paused.add('n2');
    observer.observe(world(300, ['n2'])); // n2 paused from 300: no majority
    paused.delete('n2');
    up.set('n1', true);
    observer.observe(world(400, ['n1', 'n2']));
    const uptime = observer.uptime(1000, 3);
    // Down: n1 300 µs, n2 100 µs, of 3000 server-µs; no majority 100 µs of 1000.
    expect(uptime).toEqual({ node: 0.8667, quorum: 0.9 });
    expect(observer.disruptions.map((d) => d.what)).toEqual(['crash n1', 'pause n2']);
  });
});
