/**
 * Stale reads from the history alone (sim/check/staleReads.ts): a read is stale when it
 * provably missed a write acknowledged before it began. Hand-made histories for each rule, and
 * a property: a history the store produced one operation at a time (sequential, so
 * linearizable) never has one, however its operations are spread over clients and keys.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completions } from '../../sim/check/completions.js';
import type { HistoryEvent } from '../../sim/check/history.js';
import { staleReads } from '../../sim/check/staleReads.js';

/** [client, f, key, input, invoke ms, done ms, outcome, output]. */
type Op = [string, string, string, unknown, number, number, 'ok' | 'fail' | 'info', unknown?];

function history(ops: readonly Op[]): HistoryEvent[] {
  const events = ops.flatMap(([process, f, key, input, invoked, done, outcome, output]) => [
    { type: 'invoke' as const, process, f, key, value: input, time: invoked * 1000 },
    { type: outcome, process, f, key, value: outcome === 'ok' ? output ?? input : input,
      time: done * 1000 },
  ]).sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }));
}

const stale = (ops: readonly Op[]) => staleReads(completions(history(ops)));

describe('stale reads', () => {
  it('counts a read that returns a value overwritten before it began', () => {
    expect(stale([['c1', 'put', 'k', 'a', 0, 1, 'ok'], ['c1', 'put', 'k', 'b', 2, 3, 'ok'],
      ['c2', 'get', 'k', null, 4, 5, 'ok', 'a']])).toBe(1);
  });

  it('does not count a read of a write concurrent with the newer one', () => {
    // a and b overlap: either order is legal, so reading a after b is not provably stale.
    expect(stale([['c1', 'put', 'k', 'a', 0, 3, 'ok'], ['c2', 'put', 'k', 'b', 1, 2, 'ok'],
      ['c3', 'get', 'k', null, 4, 5, 'ok', 'a']])).toBe(0);
  });

  it('counts a read of the initial value after an acknowledged write, not before it', () => {
    expect(stale([['c1', 'put', 'k', 'a', 0, 1, 'ok'], ['c2', 'get', 'k', null, 2, 3, 'ok',
      null]])).toBe(1);
    expect(stale([['c1', 'put', 'k', 'a', 2, 3, 'ok'], ['c2', 'get', 'k', null, 0, 1, 'ok',
      null]])).toBe(0);
  });

  it('reads appends by their tokens: a missing acknowledged append is stale', () => {
    expect(stale([['c1', 'append', 'k', ' x', 0, 1, 'ok'], ['c1', 'append', 'k', ' y', 2, 3, 'ok'],
      ['c2', 'get', 'k', null, 4, 5, 'ok', ' x'], ['c2', 'get', 'k', null, 6, 7, 'ok', ' x y']]))
      .toBe(1);
  });

  it('counts a successful CAS as the write of its new value', () => {
    expect(stale([['c1', 'put', 'k', 'a', 0, 1, 'ok'], ['c1', 'cas', 'k', ['a', 'b'], 2, 3, 'ok'],
      ['c2', 'get', 'k', null, 4, 5, 'ok', 'a']])).toBe(1);
  });

  it('ignores writes of unknown or failed outcome, and other keys', () => {
    expect(stale([['c1', 'put', 'k', 'a', 0, 1, 'ok'], ['c1', 'put', 'k', 'b', 2, 3, 'info'],
      ['c1', 'put', 'j', 'c', 2, 3, 'ok'], ['c2', 'get', 'k', null, 4, 5, 'ok', 'a']])).toBe(0);
  });

  it('finds none in a history a store ran one operation at a time (property)', () => {
    const op = fc.record({ client: fc.constantFrom('c1', 'c2', 'c3'), key: fc.constantFrom('k', 'j'),
      f: fc.constantFrom('get', 'put', 'append', 'cas'), gap: fc.integer({ min: 0, max: 3 }) });
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (list) => {
      const store = new Map<string, string | null>();
      let t = 0;
      const ops: Op[] = list.map(({ client, key, f, gap }, i): Op => {
        const start = t + gap;
        t = start + 1;
        const value = store.get(key) ?? null;
        const token = `${client}.${i}`;
        if (f === 'get') return [client, f, key, null, start, t, 'ok', value];
        if (f === 'put') store.set(key, token);
        if (f === 'append') store.set(key, `${value ?? ''} ${token}`);
        if (f === 'append') return [client, f, key, ` ${token}`, start, t, 'ok'];
        if (f === 'cas') {
          const swapped = value !== null && i % 2 === 0;
          if (swapped) store.set(key, token);
          return [client, f, key, [swapped ? value : 'nope', token], start, t,
            swapped ? 'ok' : 'fail'];
        }
        return [client, f, key, token, start, t, 'ok'];
      });
      expect(stale(ops)).toBe(0);
    }));
  });
});
