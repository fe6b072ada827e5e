/**
 * The replicated KV state machine with client sessions: a command decided twice (a client
 * retry during a takeover) runs once and its retry gets the first answer; a mismatching CAS
 * is the definite failure `cas-mismatch`; no-ops change nothing.
 */
import { describe, expect, it } from 'vitest';
import { type Command, KvStateMachine } from '../../protocols/paxos/stateMachine.js';

const cmd = (client: string, seq: number, f: string, key: string, value: unknown): Command =>
  ({ kind: 'client', client, seq, op: { f, key, value } });

describe('paxos: KV state machine', () => {
  it('applies put, append, get and cas in order', () => {
    const sm = new KvStateMachine();
    expect(sm.execute(cmd('c1', 1, 'put', 'k', 'a'))).toEqual(
      { kind: 'applied', answer: { outcome: 'ok', result: null } });
    sm.execute(cmd('c1', 2, 'append', 'k', ' b'));
    expect(sm.execute(cmd('c2', 1, 'get', 'k', null))).toEqual(
      { kind: 'applied', answer: { outcome: 'ok', result: 'a b' } });
    expect(sm.execute(cmd('c2', 2, 'cas', 'k', ['a b', 'c']))).toEqual(
      { kind: 'applied', answer: { outcome: 'ok', result: true } });
    expect(sm.execute(cmd('c2', 3, 'cas', 'k', ['x', 'y']))).toEqual(
      { kind: 'applied', answer: { outcome: 'fail', error: 'cas-mismatch' } });
    expect(sm.data.get('k')).toBe('c');
  });

  it('runs a command decided twice only once and answers the retry with the first answer', () => {
    const sm = new KvStateMachine();
    sm.execute(cmd('c1', 1, 'append', 'k', 'x'));
    expect(sm.execute(cmd('c1', 1, 'append', 'k', 'x'))).toEqual(
      { kind: 'duplicate', answer: { outcome: 'ok', result: null } });
    expect(sm.data.get('k')).toBe('x');
    expect(sm.answered('c1', 1)).toEqual({ outcome: 'ok', result: null });
    sm.execute(cmd('c1', 2, 'append', 'k', 'y'));
    expect(sm.execute(cmd('c1', 1, 'append', 'k', 'x'))).toEqual({ kind: 'stale' });
    expect(sm.answered('c1', 1)).toBe('stale');
    expect(sm.answered('c1', 3)).toBeUndefined();
    expect(sm.data.get('k')).toBe('xy');
  });

  it('ignores no-ops', () => {
    const sm = new KvStateMachine();
    expect(sm.execute({ kind: 'noop' })).toEqual({ kind: 'noop' });
    expect(sm.data.size).toBe(0);
  });
});
