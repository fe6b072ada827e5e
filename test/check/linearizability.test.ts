// Hand-written histories with known verdicts (classic examples from the linearizability
// literature and Jepsen), violation explanations, and budgets that must give 'unknown'
// rather than a wrong answer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateRegisterHistory } from '../../sim/check/generate.js';
import { parseHistory } from '../../sim/check/historyFormat.js';
import { checkHistory, checkOperations } from '../../sim/check/linearizability.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { registerModel } from '../../sim/check/models/register.js';
import { op } from './operationBuilder.js';
import { PORCUPINE_DATA } from '../support/data.js';

const register = registerModel();
const verdict = (ops: Parameters<typeof checkOperations>[1]) =>
  checkOperations(register, ops).verdict;
const MS = 1_000;

describe('check: linearizability: register', () => {
  it('accepts a write followed by a read of its value', () => {
    expect(verdict([op('c1', 'write', 1, undefined, 0, 10), op('c2', 'read', null, 1, 20, 30)]))
      .toBe('linearizable');
  });

  it('accepts a read of nil before any write', () => {
    expect(verdict([op('c1', 'read', null, null, 0, 10)])).toBe('linearizable');
  });

  it('rejects a stale read after a later write completed', () => {
    const ops = [
      op('c1', 'write', 2, undefined, 100 * MS, 200 * MS),
      op('c2', 'write', 5, undefined, 900 * MS, 1000 * MS),
      op('c3', 'read', null, 2, 1200 * MS, 1250 * MS),
    ];
    expect(verdict(ops)).toBe('not-linearizable');
  });

  it('lets concurrent writes take effect in either order', () => {
    const w1 = op('c1', 'write', 1, undefined, 0, 10);
    const w2 = op('c2', 'write', 2, undefined, 5, 15);
    expect(verdict([w1, w2, op('c3', 'read', null, 1, 20, 30)])).toBe('linearizable');
    expect(verdict([w1, w2, op('c3', 'read', null, 2, 20, 30)])).toBe('linearizable');
    const flipFlop = [op('c3', 'read', null, 1, 20, 30), op('c3', 'read', null, 2, 40, 50)];
    expect(verdict([w1, w2, ...flipFlop])).toBe('not-linearizable');
  });

  it('treats a successful CAS as a swap and a failed CAS as an observation', () => {
    const w0 = op('c1', 'write', 0, undefined, 0, 1);
    expect(verdict([w0, op('c2', 'cas', [0, 1], true, 2, 3), op('c3', 'read', null, 1, 4, 5)]))
      .toBe('linearizable');
    expect(verdict([w0, op('c2', 'cas', [0, 1], undefined, 2, 3, 'fail')])).toBe(
      'not-linearizable',
    );
    expect(verdict([w0, op('c2', 'cas', [3, 1], undefined, 2, 3, 'fail')])).toBe('linearizable');
  });

  it('assumes an unknown-outcome write applied when a later read needs it', () => {
    const ops = [
      op('c1', 'write', 1, undefined, 0, 1),
      op('c2', 'write', 2, undefined, 2, Infinity, 'info'),
      op('c3', 'read', null, 2, 10, 11),
    ];
    expect(verdict(ops)).toBe('linearizable');
  });

  it('assumes an unknown-outcome write not applied when a later read needs that', () => {
    const ops = [
      op('c1', 'write', 1, undefined, 0, 1),
      op('c2', 'write', 2, undefined, 2, Infinity, 'info'),
      op('c3', 'read', null, 1, 10, 11),
    ];
    expect(verdict(ops)).toBe('linearizable');
  });

  it('cannot undo an unknown-outcome write once a read saw it', () => {
    const ops = [
      op('c1', 'write', 1, undefined, 0, 1),
      op('c2', 'write', 2, undefined, 2, Infinity, 'info'),
      op('c3', 'read', null, 2, 10, 11),
      op('c3', 'read', null, 1, 20, 21),
    ];
    expect(verdict(ops)).toBe('not-linearizable');
  });

  it('does not let an unknown-outcome write explain a read that returned before its call', () => {
    const ops = [
      op('c1', 'read', null, 2, 0, 1),
      op('c2', 'write', 2, undefined, 5, Infinity, 'info'),
    ];
    expect(verdict(ops)).toBe('not-linearizable');
  });

  it('treats intervals as closed: a call at the instant of a return is concurrent', () => {
    const ops = [op('c1', 'write', 1, undefined, 0, 10), op('c2', 'read', null, null, 10, 20)];
    expect(verdict(ops)).toBe('linearizable');
    const later = [op('c1', 'write', 1, undefined, 0, 10), op('c2', 'read', null, null, 11, 20)];
    expect(verdict(later)).toBe('not-linearizable');
  });

  it('drops a failed write as definitely not applied', () => {
    const ops = [op('c1', 'write', 1, undefined, 0, 1, 'fail'), op('c2', 'read', null, null, 2, 3)];
    expect(verdict(ops)).toBe('linearizable');
  });

  it('keeps an unseen write of unknown outcome that a failed CAS needs', () => {
    // The CAS expecting 1 failed, so something overwrote 1 after the read: only the write of 3.
    const ops = [
      op('c1', 'write', 1, undefined, 0, 1),
      op('c2', 'write', 1, undefined, 0, Infinity, 'info'),
      op('c3', 'write', 2, undefined, 2, 3),
      op('c3', 'read', null, 1, 5, 6),
      op('c4', 'write', 3, undefined, 4, Infinity, 'info'),
      op('c3', 'cas', [1, 5], undefined, 10, 11, 'fail'),
    ];
    expect(verdict(ops)).toBe('linearizable');
    expect(verdict(ops.filter((o) => o.input !== 3))).toBe('not-linearizable');
  });

  it('drops reads of unknown outcome: they neither change nor show anything', () => {
    // Twenty concurrent reads that never returned would otherwise each be tried (and, when a
    // later operation cannot be placed, in every subset); dropped, the search is short.
    const reads = Array.from({ length: 20 }, (_, i) =>
      op(`r${i}`, 'read', null, undefined, 1, 2, 'info'));
    const ops = [op('c1', 'write', 1, undefined, 0, 3), ...reads, op('c2', 'read', null, 1, 4, 5)];
    const result = checkOperations(register, ops);
    expect(result.verdict).toBe('linearizable');
    expect(result.steps).toBeLessThan(10);
  });

  it('accepts an empty history', () => {
    expect(checkOperations(register, [])).toMatchObject({ verdict: 'linearizable', partitions: 0 });
  });
});

describe('check: linearizability: kv', () => {
  const kv = kvModel();

  it('reads a missing key as null and appends to it as to an empty string', () => {
    const ops = [
      op('c1', 'get', null, null, 0, 1, 'ok', 'a'),
      op('c1', 'append', 'x', undefined, 2, 3, 'ok', 'a'),
      op('c1', 'append', 'y', undefined, 4, 5, 'ok', 'a'),
      op('c2', 'get', null, 'xy', 6, 7, 'ok', 'a'),
      op('c2', 'cas', ['xy', 'z'], true, 8, 9, 'ok', 'a'),
      op('c2', 'get', null, 'z', 10, 11, 'ok', 'a'),
    ];
    expect(checkOperations(kv, ops).verdict).toBe('linearizable');
  });

  it('checks keys independently and names the violating key', () => {
    const ops = [
      op('c1', 'put', '1', undefined, 0, 1, 'ok', 'a'),
      op('c2', 'put', '1', undefined, 0, 1, 'ok', 'b'),
      op('c1', 'get', null, '1', 2, 3, 'ok', 'a'),
      op('c2', 'get', null, '2', 2, 3, 'ok', 'b'),
    ];
    const result = checkOperations(kv, ops);
    expect(result.verdict).toBe('not-linearizable');
    expect(result.partitions).toBe(2);
    expect(result.violation?.partition).toBe('b');
  });

  it('makes a failed CAS an observation only when asked', () => {
    const ops = [
      op('c1', 'put', 'v', undefined, 0, 1, 'ok', 'a'),
      op('c2', 'cas', ['v', 'w'], undefined, 2, 3, 'fail', 'a'),
    ];
    expect(checkOperations(kv, ops).verdict).toBe('linearizable');
    const observing = kvModel({ failedCasIsObservation: true });
    expect(checkOperations(observing, ops).verdict).toBe('not-linearizable');
  });

  it('keeps a write of unknown outcome that a later failed CAS needs before an append', () => {
    // The CAS expected "ab", which the append alone would make: the unknown put went first.
    const ops = [
      op('c1', 'append', 'ab', undefined, 0, 1, 'ok', 'k'),
      op('c1', 'cas', ['ab', 'b'], undefined, 2, 2, 'fail', 'k'),
      op('c2', 'put', 'ab', undefined, 0, Infinity, 'info', 'k'),
    ];
    const observing = kvModel({ failedCasIsObservation: true });
    expect(checkOperations(observing, ops).verdict).toBe('linearizable');
    expect(checkOperations(observing, ops.slice(0, 2)).verdict).toBe('not-linearizable');
  });

  it('starts keys at the given initial value', () => {
    const ops = [op('c1', 'get', null, '', 0, 1, 'ok', 'a')];
    expect(checkOperations(kv, ops).verdict).toBe('not-linearizable');
    expect(checkOperations(kvModel({ initial: '' }), ops).verdict).toBe('linearizable');
  });
});

describe('check: linearizability: explanation', () => {
  const staleRead = [
    op('c4', 'write', 7, undefined, 0, 10 * MS),
    op('c4', 'read', null, 7, 20 * MS, 30 * MS),
    op('c1', 'write', 2, undefined, 100 * MS, 200 * MS),
    op('c5', 'read', null, 2, 210 * MS, 220 * MS),
    op('c2', 'write', 5, undefined, 900 * MS, 1000 * MS),
    op('c3', 'read', null, 2, 1200 * MS, 1250 * MS),
    op('c5', 'read', null, 5, 1300 * MS, 1400 * MS),
    op('c4', 'write', 3, undefined, 1500 * MS, 1600 * MS),
  ];

  it('names the stale read and the write it missed, and nothing unrelated', () => {
    const violation = checkOperations(register, staleRead).violation!;
    const names = violation.operations.map((o) => `${o.process} ${o.f}`);
    expect(names).toEqual(['c1 write', 'c2 write', 'c3 read']);
    expect(violation.minimal).toBe(true);
    expect(violation.stuck.map((o) => o.process)).toEqual(['c3']);
    expect(violation.longestPrefix.map((o) => o.process)).toEqual(['c1', 'c2']);
  });

  it('explains in plain words with intervals', () => {
    const { explanation } = checkOperations(register, staleRead).violation!;
    expect(explanation).toContain('c1 write x=2  100ms – 200ms');
    expect(explanation).toContain('c2 write x=5  900ms – 1s');
    expect(explanation).toContain('c3 read x=2   1.2s – 1.25s');
    expect(explanation).toContain('c3 read x=2 cannot come next: impossible when x=5.');
    expect(explanation).toContain('returned at 1.25s, so it had to take effect by then');
  });

  it('keeps an unknown-outcome write that the violation needs', () => {
    const ops = [
      op('c1', 'write', 1, undefined, 0, 1),
      op('c2', 'write', 2, undefined, 2, Infinity, 'info'),
      op('c3', 'read', null, 2, 10, 11),
      op('c3', 'read', null, 1, 20, 21),
    ];
    const violation = checkOperations(register, ops).violation!;
    expect(violation.operations.map((o) => o.id)).toContain(ops[3]!.id);
    expect(violation.explanation).toContain('c3 read x=1');
  });

  it('is left out when explain is false', () => {
    const result = checkOperations(register, staleRead, { explain: false });
    expect(result.verdict).toBe('not-linearizable');
    expect(result.violation).toBeUndefined();
  });
});

describe('check: linearizability: budgets', () => {
  const data = path.join(PORCUPINE_DATA, 'jepsen');
  const load = (file: string) =>
    parseHistory(readFileSync(path.join(data, file), 'utf8'), file).events;

  // Ten clients, 5 000 operations, one stale read in the middle: over a million steps.
  const hard = generateRegisterHistory({ seed: 1, clients: 10, operations: 5_000,
    impossibleRead: 0.5 }).events;

  it('gives unknown, not a verdict, when the step budget runs out', () => {
    const result = checkHistory(register, hard, { maxSteps: 1_000 });
    expect(result).toMatchObject({ verdict: 'unknown', exhausted: 'steps' });
    expect(result.steps).toBeLessThanOrEqual(1_000);
  });

  it('gives unknown when the memo budget runs out', () => {
    const result = checkHistory(register, hard, { maxMemoEntries: 100 });
    expect(result).toMatchObject({ verdict: 'unknown', exhausted: 'memory' });
    const bytes = checkHistory(register, hard, { maxMemoryBytes: 1 << 20 });
    expect(bytes).toMatchObject({ verdict: 'unknown', exhausted: 'memory' });
  });

  it('gives unknown when the injected clock passes the deadline', () => {
    let clock = 0;
    const now = () => (clock += 1_000);
    const result = checkHistory(register, hard, { now, timeBudgetMs: 5_000 });
    expect(result).toMatchObject({ verdict: 'unknown', exhausted: 'time' });
  });

  it('never contradicts the unbounded verdict, whatever the budget', () => {
    const generated = generateRegisterHistory({ seed: 2, clients: 10, operations: 500,
      impossibleRead: 0.8 }).events;
    const files = ['etcd_000.log', 'etcd_002.log', 'etcd_007.log', 'etcd_040.log'];
    for (const events of [...files.map(load), hard, generated]) {
      const full = checkHistory(register, events, { explain: false }).verdict;
      for (const maxSteps of [10, 1_000, 100_000]) {
        const bounded = checkHistory(register, events, { maxSteps, explain: false }).verdict;
        expect([full, 'unknown']).toContain(bounded);
      }
    }
  });
});
