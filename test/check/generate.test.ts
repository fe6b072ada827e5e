// The seeded register history generator: the same options give the same history, a history
// is linearizable as generated, and the impossible read makes it not linearizable because of
// that read (the checker names it).
import { describe, expect, it } from 'vitest';
import { generateRegisterHistory } from '../../sim/check/generate.js';
import { checkHistory } from '../../sim/check/linearizability.js';
import { registerModel } from '../../sim/check/models/register.js';
import { pairOperations } from '../../sim/check/operations.js';

const register = registerModel();

describe('check: generated register histories', () => {
  it('are the same for the same options and differ by seed', () => {
    const options = { seed: 5, clients: 4, operations: 200, unknown: 0.1, values: 4 };
    expect(generateRegisterHistory(options)).toEqual(generateRegisterHistory(options));
    expect(generateRegisterHistory({ ...options, seed: 6 }).events)
      .not.toEqual(generateRegisterHistory(options).events);
  });

  it('pair into the operations asked for, with a client per process', () => {
    const { events } = generateRegisterHistory({ seed: 1, clients: 5, operations: 300 });
    const ops = pairOperations(events);
    expect(ops).toHaveLength(300);
    expect(new Set(ops.map((o) => o.process))).toEqual(new Set(['c1', 'c2', 'c3', 'c4', 'c5']));
    expect(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time)).toBe(true);
  });

  it.each([
    { clients: 3, operations: 400 },
    { clients: 8, operations: 400, values: 3 },
    { clients: 5, operations: 400, unknown: 0.3, values: 5 },
  ])('are linearizable as generated: %o', (shape) => {
    for (const seed of [1, 2, 3]) {
      const { events } = generateRegisterHistory({ seed, ...shape });
      expect(checkHistory(register, events, { explain: false }).verdict).toBe('linearizable');
    }
  });

  it('are not linearizable with an impossible read, and the checker names that read', () => {
    for (const seed of [1, 2, 3]) {
      const generated = generateRegisterHistory({ seed, clients: 4, operations: 300,
        impossibleRead: 0.5 });
      const read = pairOperations(generated.events)[generated.impossibleRead!]!;
      expect(read.f).toBe('read');
      const result = checkHistory(register, generated.events);
      expect(result.verdict).toBe('not-linearizable');
      expect(result.violation!.operations.map((o) => o.id)).toContain(read.id);
    }
  });

  it('say so when no read can be made impossible', () => {
    expect(() => generateRegisterHistory({ seed: 1, clients: 2, operations: 3, reads: 0,
      impossibleRead: 0 })).toThrow(/no read/);
  });
});
