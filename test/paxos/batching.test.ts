/**
 * Multi-Paxos's cost levers, checked on the trace of a run: phase 2 in batches (`batchDelay`),
 * reads served by read rounds one round at a time (`reads: read-index`), and no re-sending of
 * a proposal still in flight (only after a heartbeat period without an answer).
 */
import { describe, expect, it } from 'vitest';
import { prepareRun, type RunSpec } from '../../runner/index.js';
import type { TraceRecord } from '../../sim/index.js';
import type { Command } from '../../protocols/paxos/stateMachine.js';
import { MultiPaxosNode } from '../../protocols/paxos/node.js';
import { multiSpec } from './support/specs.js';

const HEARTBEAT = 50_000;

function run(params: Record<string, unknown>, patch: Partial<RunSpec> = {}) {
  const prepared = prepareRun(multiSpec({ nodes: 5, params, duration: 2_000_000,
    network: { latency: { dist: 'uniform', min: 500, max: 1_500 } }, ...patch }),
  { trace: 'memory' });
  prepared.engine.run(2_000_000);
  const records = [...prepared.engine.trace.records()];
  const leaders = new Set(records.filter((r) => r.kind === 'note' && r.tag === 'role' &&
    (r.data as { role?: string }).role === 'leader').map((r) => r.node));
  return { engine: prepared.engine, records, leaders };
}

interface Entries { readonly entries: readonly { slot: number; value: Command }[] }

/** Every Accept the servers sent: when, to whom, which slots. */
function accepts(records: readonly TraceRecord[]) {
  return records.filter((r) => r.kind === 'send' && r.tag === 'Accept')
    .map((r) => ({ t: r.t, to: r.to as string, slots: (r.data as Entries).entries.map((e) => e.slot) }));
}

describe('paxos: batching, read rounds and retransmission', () => {
  it('with batchDelay proposes the commands of a flush in one Accept per acceptor', () => {
    const { records } = run({ batchDelay: '5ms' });
    const sent = accepts(records);
    const slots = new Set(sent.flatMap((a) => a.slots));
    expect(slots.size).toBeGreaterThan(50);
    expect(Math.max(...sent.map((a) => a.slots.length))).toBeGreaterThan(1);
    // Fewer Accepts to each acceptor than slots: many slots ride in one message.
    const toN2 = sent.filter((a) => a.to === 'n2');
    expect(toN2.length).toBeLessThan(slots.size * 0.8);
    // One Accepted answers a whole batch: the acceptor echoes its entries.
    const replies = records.filter((r) => r.kind === 'send' && r.tag === 'Accepted');
    expect(Math.max(...replies.map((r) => (r.data as Entries).entries.length))).toBeGreaterThan(1);
  });

  it.each([0, '5ms'])('sends each slot to each acceptor once on a lossless network (batchDelay %s)',
    (batchDelay) => {
      const { records } = run({ batchDelay });
      const seen = new Map<string, number>();
      for (const a of accepts(records)) {
        for (const slot of a.slots) seen.set(`${a.to} ${slot}`, (seen.get(`${a.to} ${slot}`) ?? 0) + 1);
      }
      expect(seen.size).toBeGreaterThan(100);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

  it('re-sends a proposal only after a heartbeat period without an answer', () => {
    const { records } = run({}, { network: { latency: { dist: 'uniform', min: 500, max: 1_500 },
      loss: 0.2 } });
    const last = new Map<string, number>();
    let resent = 0;
    for (const a of accepts(records)) {
      for (const slot of a.slots) {
        const key = `${a.to} ${slot}`;
        const before = last.get(key);
        if (before !== undefined) {
          resent++;
          expect(a.t - before, `slot ${slot} to ${a.to}`).toBeGreaterThanOrEqual(HEARTBEAT);
        }
        last.set(key, a.t);
      }
    }
    expect(resent).toBeGreaterThan(0); // loss made some re-sends necessary
  });

  it('serves reads without slots, with one read round out at a time', () => {
    const { engine, records, leaders } = run({});
    expect(leaders.size).toBe(1);
    const leader = [...leaders][0] as string;
    const node = engine.program(leader) as MultiPaxosNode;
    const decided = [...node.replica.decided.values()];
    expect(decided.some((c) => c.kind === 'client' && c.op.f === 'put')).toBe(true);
    expect(decided.some((c) => c.kind === 'client' && c.op.f === 'get')).toBe(false);
    expect(engine.history.filter((e) => e.type === 'ok' && e.f === 'get').length).toBeGreaterThan(50);
    // A new round leaves only once a majority (the leader included) answered the one before.
    const answered = new Map<string, number>();
    let round = 0;
    let rounds = 0;
    for (const r of records) {
      const msg = r.data as { round?: number } | undefined;
      if (r.kind === 'deliver' && r.node === leader && msg?.round !== undefined &&
        (r.tag === 'HeartbeatReply' || r.tag === 'Accepted')) {
        answered.set(r.from as string, Math.max(answered.get(r.from as string) ?? 0, msg.round));
      }
      if (r.kind === 'send' && r.node === leader && r.tag === 'Heartbeat' &&
        (msg?.round ?? 0) > round) {
        const confirmed = 1 + [...answered.values()].filter((a) => a >= round).length;
        if (round > 0) expect(confirmed, `round ${msg?.round} at ${r.t}`).toBeGreaterThanOrEqual(3);
        round = msg?.round ?? 0;
        rounds++;
      }
    }
    expect(rounds).toBeGreaterThan(20);
  });

  it('gives reads slots like writes with reads: log', () => {
    const { engine, leaders } = run({ reads: 'log' });
    const node = engine.program([...leaders][0] as string) as MultiPaxosNode;
    expect([...node.replica.decided.values()]
      .some((c) => c.kind === 'client' && c.op.f === 'get')).toBe(true);
  });
});
