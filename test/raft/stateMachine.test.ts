/** raft: the key-value state machine and its client sessions (thesis §6.3). */
import { describe, expect, it } from 'vitest';
import { KvStore } from '../../protocols/raft/stateMachine.js';

const cmd = (seq: number, f: string, value: unknown, client = 'c1') =>
  ({ kind: 'client', client, seq, op: { f, key: 'k', value } }) as const;

describe('raft: state machine', () => {
  it('applies get, put, append and compare-and-set', () => {
    const kv = new KvStore();
    expect(kv.apply(cmd(1, 'get', null))).toEqual({ outcome: 'ok', result: null });
    kv.apply(cmd(2, 'put', 'a'));
    kv.apply(cmd(3, 'append', 'b'));
    expect(kv.read('k')).toBe('ab');
    expect(kv.apply(cmd(4, 'cas', ['x', 'y']))).toEqual({ outcome: 'fail', error: 'cas-mismatch' });
    expect(kv.apply(cmd(5, 'cas', ['ab', 'c']))).toEqual({ outcome: 'ok', result: true });
    expect(kv.read('k')).toBe('c');
  });

  it('applies a retried request once and answers it with the first result', () => {
    const kv = new KvStore();
    kv.apply(cmd(1, 'append', 'x'));
    expect(kv.apply(cmd(1, 'append', 'x'))).toEqual({ outcome: 'ok', result: null });
    expect(kv.read('k')).toBe('x');
    expect(kv.apply(cmd(0, 'append', 'old'))).toBeUndefined();
    expect(kv.read('k')).toBe('x');
    kv.apply(cmd(1, 'append', 'y', 'c2'));
    expect(kv.read('k')).toBe('xy');
  });

  it('ignores no-ops', () => {
    const kv = new KvStore();
    expect(kv.apply({ kind: 'noop' })).toBeUndefined();
    expect(kv.data.size).toBe(0);
  });
});
