/**
 * The engine's behaviours, one at a time, with ping/echo: recovery from disk after a crash,
 * replies held until durable, pauses, property checks and the liveness phase, the trace file.
 */
import { describe, expect, it } from 'vitest';
import {
  Engine, type EngineConfig, type Fault, hashRecords, type NodeContext, type NodeProgram,
  Trace, type TraceRecord, WATCHDOG_EVERY,
} from '../../sim/index.js';
import { PingEcho, type PingMessage } from '../support/pingEcho.js';

const config = (patch: Partial<EngineConfig<PingMessage>> = {}): EngineConfig<PingMessage> => ({
  seed: 7,
  servers: ['n1', 'n2', 'n3'],
  program: (id) => new PingEcho(id),
  network: { latency: { dist: 'constant', value: 1_000 } },
  ...patch,
});

const kinds = (engine: Engine<PingMessage>, node: string) =>
  [...engine.trace.records()].filter((r) => r.node === node).map((r) => r.kind);

describe('engine: crash and restart', () => {
  it('restarts a node as a new object that sees only what was durable', () => {
    const engine = new Engine(config({ faults: [
      { at: 100_000, fault: { kind: 'crash', node: 'n1' } },
      { at: 150_000, fault: { kind: 'restart', node: 'n1' } },
    ] }));
    engine.run(99_999);
    const before = engine.program('n1') as PingEcho;
    // The sequence number is synced only as a side effect of answering pings, so the durable
    // value lags behind the one in memory.
    before.seq += 1_000;
    const durable = engine.disk('n1').durableView().kv.seq as number;
    expect(durable).toBeGreaterThan(0);
    engine.run(120_000);
    expect(engine.program('n1')).toBeUndefined();
    engine.run(150_000);
    const after = engine.program('n1') as PingEcho;
    expect(after).not.toBe(before);
    expect(after.seq).toBe(durable);
    expect(kinds(engine, 'n1')).toContain('crash');
    expect(kinds(engine, 'n1')).toContain('restart');
  });

  it('holds a reply sent after sync until the sync completes, and drops it on crash', () => {
    const engine = new Engine(config({ disk: { syncLatency: { dist: 'constant', value: 5_000 } } }));
    engine.run(200_000);
    const records = [...engine.trace.records()];
    const echoes = records.filter((r) => r.kind === 'send' && r.tag === 'Echo');
    expect(echoes.length).toBeGreaterThan(0);
    for (const echo of echoes) {
      const synced = records.find((r) => r.kind === 'synced' && r.node === echo.node &&
        r.i < echo.i && r.t === echo.t);
      expect(synced, `echo ${echo.i} follows a completed sync`).toBeDefined();
    }
  });

  it('crashes a node whose sync fails, losing the unsynced writes', () => {
    const engine = new Engine(config({ faults: [
      { at: 0, fault: { kind: 'disk', node: 'n2', fault: 'fail-sync' } }] }));
    engine.run(100_000);
    const crash = [...engine.trace.records()].find((r) => r.kind === 'crash');
    expect(crash?.node).toBe('n2');
    expect(crash?.tag).toBe('sync-failed');
    expect(engine.isUp('n2')).toBe(false);
  });
});

describe('engine: pause', () => {
  it('runs nothing on a paused node, then delivers what arrived when it resumes', () => {
    const engine = new Engine(config({ faults: [
      { at: 50_000, fault: { kind: 'pause', node: 'n2' } },
      { at: 250_000, fault: { kind: 'resume', node: 'n2' } },
    ] }));
    engine.run(300_000);
    const n2 = [...engine.trace.records()].filter((r) => r.node === 'n2');
    const during = n2.filter((r) => r.t > 50_000 && r.t < 250_000);
    expect(during.map((r) => r.kind)).toEqual([]);
    const atResume = n2.filter((r) => r.t === 250_000 && r.kind === 'deliver');
    expect(atResume.length).toBeGreaterThan(3);
  });

  it('drops messages beyond the pause buffer with their cause', () => {
    const engine = new Engine(config({ pauseBuffer: 2, faults: [
      { at: 10_000, fault: { kind: 'pause', node: 'n1' } }] }));
    engine.run(300_000);
    const drops = [...engine.trace.records()].filter((r) => r.tag === 'pause-buffer-full');
    expect(drops.length).toBeGreaterThan(0);
  });
});

describe('engine: partitions', () => {
  it('drops messages across a partition at send, and those in flight at delivery', () => {
    const engine = new Engine(config({
      network: { latency: { dist: 'constant', value: 4_000 } },
      faults: [{ at: 60_000, fault: { kind: 'partition', groups: [['n1'], ['n2', 'n3']] } }],
    }));
    engine.run(200_000);
    const causes = new Set([...engine.trace.records()].filter((r) => r.kind === 'drop')
      .map((r) => r.tag));
    expect(causes).toEqual(new Set(['partition', 'partition-in-flight']));
  });
});

describe('engine: checking', () => {
  const echoed = (engine: Engine<PingMessage>) =>
    engine.servers.some((id) => ((engine.program(id) as PingEcho | undefined)?.echoes ?? 0) > 0);

  it('stops at the first violated always-property with its index, time and explanation', () => {
    const engine = new Engine(config({ properties: [{
      kind: 'always', name: 'no-echo',
      check: (w) => (echoed(w as Engine<PingMessage>) ? 'an echo arrived' : undefined),
    }] }));
    const result = engine.run(1_000_000);
    expect(result.outcome).toBe('violation');
    expect(result.violation?.name).toBe('no-echo');
    expect(result.violation?.explanation).toBe('an echo arrived');
    expect(result.time).toBeLessThan(100_000);
    const last = engine.trace.record(engine.trace.storedLength - 1);
    expect(last.kind).toBe('violation');
  });

  it('calls observers after every event, with or without properties', () => {
    const seen: number[] = [];
    const engine = new Engine(config({ observers: [(w) => seen.push(w.eventIndex)] }));
    const result = engine.run(20_000);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((index, i) => i === 0 || index > (seen[i - 1] as number))).toBe(true);
    expect(seen.at(-1)).toBe(result.events - 1);
  });

  it('fails a sometimes-property that never held', () => {
    const engine = new Engine(config({ properties: [{
      kind: 'sometimes', name: 'never', holds: () => false, explain: 'it never happened' }] }));
    engine.run(50_000);
    const result = engine.end();
    expect(result.outcome).toBe('violation');
    expect(result.violation?.kind).toBe('sometimes');
  });

  it('heals everything at the liveness phase and checks progress within the settle time', () => {
    const echoesOf = (w: unknown) => ((w as Engine<PingMessage>).program('n1') as PingEcho | undefined)
      ?.echoes ?? 0;
    let atHeal = 0;
    const engine = new Engine(config({
      faults: [{ at: 10_000, fault: { kind: 'partition', groups: [['n1'], ['n2', 'n3']] } },
        { at: 20_000, fault: { kind: 'crash', node: 'n2' } },
        { at: 700_000, fault: { kind: 'crash', node: 'n3' } }],
      liveness: { healAt: 500_000, settle: 200_000, checks: [{ name: 'n1-echoed',
        holds: (w) => echoesOf(w) > atHeal, explain: 'n1 received no echo' }] },
    }));
    engine.run(499_999);
    atHeal = echoesOf(engine);
    expect(engine.isUp('n2')).toBe(false);
    const result = engine.run(900_000);
    expect(result.outcome).toBe('ok');
    expect(engine.isUp('n2')).toBe(true);
    expect(engine.isUp('n3')).toBe(true); // the crash scheduled after the heal never ran
    const ignored = [...engine.trace.records()]
      .filter((r) => r.kind === 'fault' && r.tag === 'ignored');
    expect(ignored.map((r) => r.t)).toEqual([700_000]);
  });

  it('reports a liveness violation when progress does not come', () => {
    const engine = new Engine(config({
      liveness: { healAt: 100_000, settle: 50_000, checks: [{ name: 'impossible',
        holds: () => false, explain: 'nothing happened' }] },
    }));
    const result = engine.run(1_000_000);
    expect(result.violation?.kind).toBe('liveness');
    expect(result.violation?.time).toBe(150_000);
    expect(result.violation?.explanation).toMatch(/nothing happened \(not within 50 ms/);
  });

  it('turns an exception in a handler into a failed run that keeps its trace', () => {
    const broken: NodeProgram<PingMessage> = {
      start: (ctx: NodeContext<PingMessage>) => ctx.setTimer('boom', 5),
      onTimer: () => { throw new Error('handler bug'); },
      onMessage: () => {},
    };
    const engine = new Engine(config({ program: () => broken }));
    const result = engine.run(1_000);
    expect(result.outcome).toBe('error');
    expect(result.violation?.explanation).toMatch(/handler bug/);
    expect(engine.trace.length).toBeGreaterThan(0);
  });

  it('draws a timer delay as setTimer would, from the same stream', () => {
    // Two engines, one seed: one program arms with the range, the other draws the delay and
    // arms with the number. The timers fire at the same times.
    const fired = (drawFirst: boolean) => {
      const times: number[] = [];
      const program: NodeProgram<PingMessage> = {
        start: (ctx) => {
          for (let i = 0; i < 3; i++) {
            const range = [1_000, 9_000] as const;
            ctx.setTimer(`t${i}`, drawFirst ? ctx.drawDelay(range) : range);
          }
        },
        onTimer: (ctx) => { times.push(ctx.now()); },
        onMessage: () => {},
      };
      new Engine(config({ program: () => program })).run(20_000);
      return times;
    };
    expect(fired(true)).toEqual(fired(false));
    expect(new Set(fired(true)).size).toBeGreaterThan(1);
  });

  it('drops exactly the message a drop fault names, and nothing before it changes', () => {
    const plain = new Engine(config());
    plain.run(100_000);
    const records = [...plain.trace.records()];
    const send = records.find((r) => r.kind === 'send' && r.t > 20_000) as TraceRecord;
    const dropped = new Engine(config({ faults: [
      { at: send.t, fault: { kind: 'drop', message: send.id as number } }] }));
    dropped.run(100_000);
    const after = [...dropped.trace.records()];
    const lost = after.find((r) => r.kind === 'drop' && r.id === send.id);
    expect(lost).toMatchObject({ tag: 'fault', t: send.t + 1_000 });
    expect(after.some((r) => r.kind === 'deliver' && r.id === send.id)).toBe(false);
    // Up to the loss, the runs are the same but for the fault's own record.
    const strip = (rs: TraceRecord[]) => rs.filter((r) => r.kind !== 'fault' && r.t < lost!.t)
      .map(({ i: _i, ...rest }) => rest);
    expect(strip(after)).toEqual(strip(records));
    expect(() => new Engine(config({ faults: [{ at: 0, fault: { kind: 'drop', message: -1 } }] })))
      .toThrow(/faults\[0\]\.message: a message id/);
  });

  it('moves pending timers when the drift changes, but not when the clock jumps', () => {
    // A 100 ms local timer set at 0; at 50 ms the clock starts running 10 % fast, so the
    // remaining 50 ms of local time pass in 45.455 ms of true time. A jump moves nothing.
    const fireAt = (fault: Fault) => {
      let fired = -1;
      const program: NodeProgram<PingMessage> = {
        start: (ctx) => ctx.setTimer('t', 100_000),
        onTimer: () => { fired = engine.now; },
        onMessage: () => {},
      };
      const engine = new Engine(config({ servers: ['n1'], program: () => program,
        faults: [{ at: 50_000, fault }] }));
      engine.run(200_000);
      return fired;
    };
    expect(fireAt({ kind: 'clock', node: 'n1', driftPpm: 100_000 })).toBe(50_000 + 45_455);
    expect(fireAt({ kind: 'clock', node: 'n1', driftPpm: -100_000 })).toBe(50_000 + 55_556);
    expect(fireAt({ kind: 'clock', node: 'n1', jump: 30_000 })).toBe(100_000);
  });

  it('stops at the event limit instead of running forever', () => {
    const result = new Engine(config({ maxEvents: 100 })).run();
    expect(result.outcome).toBe('event-limit');
    expect(result.events).toBeGreaterThanOrEqual(100);
  });

  it('asks its watchdog every WATCHDOG_EVERY events and stops when it says so', () => {
    let asked = 0;
    const watchdog = () => (++asked === 3 ? 'memory-limit' as const : undefined);
    const result = new Engine(config({ watchdog })).run();
    expect(result.outcome).toBe('memory-limit');
    expect(asked).toBe(3);
    // Asked after every WATCHDOG_EVERY events run (each leaves one or more records).
    expect(result.events).toBeGreaterThanOrEqual(3 * WATCHDOG_EVERY);
    const quiet = new Engine(config({ watchdog: () => undefined })).run(200_000);
    expect(quiet).toEqual(new Engine(config()).run(200_000));
  });

  it('runs in slices (advance) exactly as in one go', () => {
    const whole = new Engine(config({ faults: [{ at: 30_000, fault: { kind: 'ring' } }] }));
    const sliced = new Engine(config({ faults: [{ at: 30_000, fault: { kind: 'ring' } }] }));
    let slices = 0;
    while (sliced.advance(100_000, 7)) slices++;
    expect(slices).toBeGreaterThan(10);
    expect(sliced.run(100_000)).toEqual(whole.run(100_000));
  });
});

describe('engine: trace file', () => {
  it('exports JSON Lines whose records hash to the run hash', () => {
    const engine = new Engine(config({ faults: [{ at: 30_000, fault: { kind: 'ring' } }] }));
    const result = engine.run(100_000);
    const lines = engine.trace.toJsonl({ seed: '7' }).trim().split('\n');
    const header = JSON.parse(lines[0] as string) as { format: string; version: number; nodes: string[] };
    expect(header.format).toBe('faultline-trace');
    expect(header.version).toBe(1);
    const records = lines.slice(1).map((l) => JSON.parse(l) as TraceRecord);
    expect(records).toHaveLength(result.events);
    expect(hashRecords(records, header.nodes)).toBe(result.hash);
  });

  it('streams every record to the sink at level stream, as memory keeps it, and keeps none', () => {
    const lines: string[] = [];
    const streamed = new Engine(config({ trace: 'stream', traceSink: (l) => lines.push(l) }));
    const result = streamed.run(50_000);
    expect(lines).toHaveLength(result.events);
    expect(streamed.trace.storedLength).toBe(0);
    const kept = new Engine(config({}));
    expect(kept.run(50_000).hash).toBe(result.hash);
    expect(lines).toEqual([...kept.trace.records()].map((r) => JSON.stringify(r)));
  });

  it('hashes tags as integers: distinct tags differ, and the tag cache changes nothing', () => {
    // More distinct tags than the cache keeps (timer names can hold request ids).
    const tags = Array.from({ length: 6_000 }, (_, i) => `vote:t${i}`);
    const hashOf = (list: readonly string[]) => {
      const trace = new Trace('off', ['n1']);
      list.forEach((tag, i) => trace.add(i, 'timer', 0, -1, -1, tag));
      return trace.hash();
    };
    const records = (list: readonly string[]): TraceRecord[] =>
      list.map((tag, i) => ({ i, t: i, kind: 'timer', node: 'n1', tag }));
    const first = hashOf(tags);
    expect(hashOf(tags)).toBe(first); // now with the cache full
    expect(hashRecords(records(tags), ['n1'])).toBe(first);
    const renamed = [...tags];
    renamed[5_999] = 'vote:t6000'; // beyond the cache
    expect(hashOf(renamed)).not.toBe(first);
    renamed[5_999] = 'vote:t5999';
    renamed[3] = 'vote:t3 ';
    expect(hashOf(renamed)).not.toBe(first);
  });
});
