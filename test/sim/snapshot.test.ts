/**
 * Snapshots: deep frozen copies of plain data, shared when already made, with no visible
 * trace of their mark in JSON, keys or equality.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssertionError, snapshot } from '../../sim/index.js';

describe('snapshot', () => {
  it('copies any JSON value into an equal, deeply frozen value that shares nothing', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const copy = snapshot(value);
      expect(copy).toEqual(value);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
      const check = (a: unknown, b: unknown): void => {
        if (a === null || typeof a !== 'object') return;
        expect(a).not.toBe(b);
        expect(Object.isFrozen(a)).toBe(true);
        for (const key of Object.keys(a)) {
          check((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
        }
      };
      check(copy, value);
    }), { numRuns: 300 });
  });

  it('shares a snapshot that is snapshotted again, inside a new one too', () => {
    const entry = snapshot({ term: 1, command: 'x' });
    expect(snapshot(entry)).toBe(entry);
    const message = snapshot({ entries: [entry] });
    expect(message.entries[0]).toBe(entry);
    expect(Object.keys(entry)).toEqual(['term', 'command']);
  });

  it('shares deeply frozen plain data, and copies frozen data with anything mutable inside', () => {
    const op = Object.freeze({ f: 'put', key: 'k', value: 1 });
    const entry = Object.freeze({ term: 2, command: Object.freeze({ op }) });
    expect(snapshot(entry)).toBe(entry);
    expect(snapshot(op)).toBe(op);
    const message = snapshot({ entries: [entry, entry] });
    expect(message.entries[0]).toBe(entry);
    const inner = { n: 1 };
    const shell = Object.freeze({ inner });
    const copy = snapshot(shell);
    expect(copy).not.toBe(shell);
    expect(copy.inner).not.toBe(inner);
    expect(Object.isFrozen(copy.inner)).toBe(true);
    inner.n = 2;
    expect(copy.inner.n).toBe(1);
    expect(() => snapshot(Object.freeze({ f: Object.freeze(() => 1) }))).toThrow(AssertionError);
    expect(() => snapshot(Object.freeze({ d: new Map() }))).toThrow(/class instance/);
  });

  it('keeps an own "__proto__" key as data, never as the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = snapshot(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects functions, class instances and cycles', () => {
    expect(() => snapshot({ f: () => 1 })).toThrow(AssertionError);
    expect(() => snapshot({ d: new Map() })).toThrow(/class instance/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => snapshot(cycle)).toThrow(/deeper than/);
  });
});
