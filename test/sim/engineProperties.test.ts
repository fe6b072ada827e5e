/**
 * Property tests on the engine over generated configurations and fault schedules, with the
 * ping/echo program: determinism, no delivery across a cut, bounded duplication, latency
 * bounds, no handler on a crashed or paused node, copying of messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Engine, type EngineConfig, latencyBounds, type NodeId, type ScheduledFault, MAX_COPIES,
} from '../../sim/index.js';
import { PingEcho, type PingHooks, type PingMessage } from '../support/pingEcho.js';
import { latencyArb, nodeIds, probabilityArb, scheduleArb } from '../support/engineArbitraries.js';

const UNTIL = 300_000;

interface Generated {
  seed: number;
  n: number;
  loss: number;
  duplicate: number;
  latency: EngineConfig<PingMessage>['network'] extends infer N ? N extends { latency?: infer L } ? L : never : never;
  faults: ScheduledFault[];
  ties: 'fifo' | 'shuffle';
}

const generatedArb = (kinds?: Parameters<typeof scheduleArb>[2]): fc.Arbitrary<Generated> =>
  fc.integer({ min: 2, max: 5 }).chain((n) =>
    fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      n: fc.constant(n),
      loss: probabilityArb,
      duplicate: probabilityArb,
      latency: latencyArb,
      faults: scheduleArb(nodeIds(n), UNTIL, kinds),
      ties: fc.constantFrom('fifo' as const, 'shuffle' as const),
    }),
  );

function build(g: Generated, hooks: (engine: () => Engine<PingMessage>) => PingHooks) {
  let engine: Engine<PingMessage> | undefined;
  const h = hooks(() => engine as Engine<PingMessage>);
  engine = new Engine<PingMessage>({
    seed: g.seed,
    servers: nodeIds(g.n),
    program: (id) => new PingEcho(id, h),
    network: { latency: g.latency, loss: g.loss, duplicate: g.duplicate },
    faults: g.faults,
    ties: g.ties,
  });
  return engine;
}

describe('engine properties', () => {
  it('gives one trace hash for one seed, at every trace level', () => {
    fc.assert(fc.property(generatedArb(), (g) => {
      const a = build(g, () => ({})).run(UNTIL);
      const b = build(g, () => ({})).run(UNTIL);
      const off = new Engine<PingMessage>({
        seed: g.seed, servers: nodeIds(g.n), program: (id) => new PingEcho(id),
        network: { latency: g.latency, loss: g.loss, duplicate: g.duplicate },
        faults: g.faults, ties: g.ties, trace: 'off',
      }).run(UNTIL);
      expect(a.outcome).not.toBe('error');
      expect(b.hash).toBe(a.hash);
      expect(off.hash).toBe(a.hash);
      expect(a.events).toBeGreaterThan(0);
    }), { numRuns: 40 });
  });

  it('delivers nothing across a cut link and runs no handler on a crashed or paused node', () => {
    fc.assert(fc.property(generatedArb(), (g) => {
      const problems: string[] = [];
      const lastResume = new Map<NodeId, number>();
      const engine = build(g, (e) => ({
        onHandler(id, program) {
          if (e().program(id) !== program) problems.push(`${id}: handler of a dead incarnation`);
          if (!e().isUp(id) || e().isPaused(id)) problems.push(`${id}: handler while down/paused`);
        },
        onDeliver(id, from) {
          const replayed = lastResume.get(id) === e().now;
          if (from !== id && e().network.isCut(from, id) && !replayed) {
            problems.push(`${from}->${id} delivered across a cut at ${e().now}`);
          }
        },
      }));
      let seen = 0;
      while (engine.step() && engine.now <= UNTIL) {
        for (; seen < engine.trace.storedLength; seen++) {
          const r = engine.trace.record(seen);
          if (r.kind === 'resume' && r.node !== undefined) lastResume.set(r.node, r.t);
        }
      }
      expect(engine.finish().outcome).not.toBe('error');
      expect(problems).toEqual([]);
    }), { numRuns: 40 });
  });

  it('keeps local clocks monotone except at a backward clock fault', () => {
    fc.assert(fc.property(generatedArb(['clock', 'crash', 'restart', 'pause', 'resume']), (g) => {
      const engine = build(g, () => ({}));
      const last = new Map<NodeId, number>();
      let seen = 0;
      while (engine.step() && engine.now <= UNTIL) {
        for (; seen < engine.trace.storedLength; seen++) {
          const r = engine.trace.record(seen);
          const fault = r.data as { kind?: string; node?: NodeId } | undefined;
          if (r.kind === 'fault' && fault?.kind === 'clock') last.delete(fault.node as NodeId);
        }
        for (const id of engine.servers) {
          const local = engine.localTime(id);
          expect(local).toBeGreaterThanOrEqual(last.get(id) ?? -Infinity);
          last.set(id, local);
        }
      }
    }), { numRuns: 30 });
  });

  it('never delivers a message more often than the duplication bound', () => {
    fc.assert(fc.property(generatedArb(), (g) => {
      const engine = build(g, () => ({}));
      engine.run(UNTIL);
      const deliveries = new Map<number, number>();
      const sends = new Set<number>();
      for (const r of engine.trace.records()) {
        if (r.kind === 'send') sends.add(r.id as number);
        if (r.kind === 'deliver') deliveries.set(r.id as number, (deliveries.get(r.id as number) ?? 0) + 1);
      }
      for (const [id, count] of deliveries) {
        expect(sends.has(id)).toBe(true);
        expect(count).toBeLessThanOrEqual(MAX_COPIES);
      }
    }), { numRuns: 40 });
  });

  it('keeps every latency inside its distribution bounds', () => {
    const kinds = ['crash', 'restart', 'partition', 'heal', 'cut'] as const;
    fc.assert(fc.property(generatedArb(kinds), (g) => {
      const engine = build(g, () => ({}));
      engine.run(UNTIL);
      const sentAt = new Map<number, number>();
      const [min, max] = latencyBounds(g.latency);
      for (const r of engine.trace.records()) {
        if (r.kind === 'send' && r.to !== r.node) sentAt.set(r.id as number, r.t);
        if (r.kind === 'deliver' && sentAt.has(r.id as number)) {
          const latency = r.t - (sentAt.get(r.id as number) as number);
          expect(latency).toBeGreaterThanOrEqual(min);
          expect(latency).toBeLessThanOrEqual(max);
        }
      }
    }), { numRuns: 40 });
  });

  it('delivers what was sent even when the sender mutates its object afterwards', () => {
    fc.assert(fc.property(generatedArb([]), (g) => {
      const seen: number[] = [];
      const engine = build({ ...g, loss: 0 }, () => ({
        mutateAfterSend: true,
        onDeliver(_id, _from, msg) {
          if (msg.type === 'Ping') seen.push(msg.payload.n - msg.seq);
        },
      }));
      engine.run(UNTIL);
      expect(engine.finish().outcome).toBe('ok');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((d) => d === 0)).toBe(true);
    }), { numRuns: 20 });
  });
  it('lists in World.changed every node whose state changed since the last check', () => {
    fc.assert(fc.property(generatedArb(), (g) => {
      const problems: string[] = [];
      let engine: Engine<PingMessage> | undefined;
      const fingerprint = (id: NodeId): string => {
        const e = engine as Engine<PingMessage>;
        const program = e.program(id) as PingEcho | undefined;
        const disk = e.disk(id);
        return JSON.stringify([program?.seq, program?.echoes, e.isUp(id), e.isPaused(id),
          disk.writeSequence, disk.durableSequence, disk.keys(), e.clock(id).driftPpm]);
      };
      const last = new Map<NodeId, { program: unknown; print: string }>();
      engine = new Engine<PingMessage>({
        seed: g.seed, servers: nodeIds(g.n), program: (id) => new PingEcho(id),
        network: { latency: g.latency, loss: g.loss, duplicate: g.duplicate },
        faults: g.faults, ties: g.ties, trace: 'off',
        observers: [(world) => {
          if (new Set(world.changed).size !== world.changed.length) {
            problems.push(`${world.eventIndex}: ${world.changed.join(',')} lists a node twice`);
          }
          for (const id of world.servers) {
            const now = { program: world.program(id), print: fingerprint(id) };
            const before = last.get(id);
            if (before !== undefined && !world.changed.includes(id) &&
              (before.program !== now.program || before.print !== now.print)) {
              problems.push(`${world.eventIndex}: ${id} changed but is not listed`);
            }
            last.set(id, now);
          }
        }],
      });
      engine.run(UNTIL);
      expect(problems).toEqual([]);
    }), { numRuns: 40 });
  });
});
