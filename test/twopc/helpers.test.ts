/**
 * twopc: the pure helpers, each against what it must guarantee — the mirrored write-ahead log
 * under torn and corrupted records, the split of operations over participants, the resource
 * manager's replay, the serializability graph and Paxos Commit's learner.
 */
import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../sim/index.js';
import { accountNames, ownerOf, splitWork } from '../../protocols/twopc/accounts.js';
import { Learner } from '../../protocols/twopc/paxosCommit.js';
import { ResourceState } from '../../protocols/twopc/resource.js';
import { SerialGraph } from '../../protocols/twopc/serialGraph.js';
import { recoverWal, viewReader, Wal } from '../../protocols/twopc/wal.js';

const isNumber = (v: unknown): v is number => typeof v === 'number';

describe('twopc: wal', () => {
  it('reads back what was synced, in order', () => {
    const disk = new SimDisk();
    const wal = new Wal<number>(disk, 'rm', 0);
    [10, 20, 30].forEach((n) => wal.append(n));
    disk.completeSync(disk.writeSequence);
    disk.crash(false);
    expect(recoverWal(disk, 'rm', isNumber))
      .toEqual({ records: [10, 20, 30], lost: false, next: 3 });
  });

  it('reads a corrupted record from its mirror copy', () => {
    const disk = new SimDisk();
    const wal = new Wal<number>(disk, 'rm', 0);
    [10, 20].forEach((n) => wal.append(n));
    disk.completeSync(disk.writeSequence);
    expect(disk.corrupt(() => 0)).toBe('log rm[0]');
    expect(recoverWal(disk, 'rm', isNumber).records).toEqual([10, 20]);
  });

  it('skips a torn unsynced record and appends after it', () => {
    const disk = new SimDisk();
    const wal = new Wal<number>(disk, 'rm', 0);
    wal.append(10);
    disk.completeSync(disk.writeSequence);
    wal.append(20);
    expect(disk.crash(true).torn).toBe(true);
    const recovered = recoverWal(disk, 'rm', isNumber);
    expect(recovered).toEqual({ records: [10], lost: false, next: 1 });
    new Wal<number>(disk, 'rm', recovered.next).append(30);
    expect(recoverWal(disk, 'rm', isNumber).records).toEqual([10, 30]);
  });

  it('reports a record lost in both copies as a gap', () => {
    const disk = new SimDisk();
    const wal = new Wal<number>(disk, 'rm', 0);
    [10, 20, 30].forEach((n) => wal.append(n));
    disk.completeSync(disk.writeSequence);
    disk.corrupt((count) => count / 2 - 2); // rm[1]
    disk.corrupt((count) => count - 2); // rm.mirror[1]
    const recovered = recoverWal(viewReader(disk.durableView()), 'rm', isNumber);
    expect(recovered.records).toEqual([10, 30]);
    expect(recovered.lost).toBe(true);
  });
});

describe('twopc: accounts', () => {
  const participants = ['n2', 'n3', 'n4'];

  it('splits a transfer into a debit and a credit at the owners', () => {
    const op = { f: 'transfer', value: { from: 'a1', to: 'a5', amount: 7 } };
    const work = splitWork(op, participants, 8);
    expect([...(work?.keys() ?? [])])
      .toEqual([ownerOf('a1', participants), ownerOf('a5', participants)]);
    const deltas = [...(work?.values() ?? [])].flatMap((w) => w.deltas);
    expect(deltas.reduce((sum, d) => sum + d.amount, 0)).toBe(0);
  });

  it('reads every account exactly once for read-all', () => {
    const work = splitWork({ f: 'read-all', value: null }, participants, 8);
    const reads = [...(work?.values() ?? [])].flatMap((w) => w.reads);
    expect(reads.sort()).toEqual(accountNames(8).sort());
  });

  it('rejects unknown accounts, self-transfers and bad amounts', () => {
    for (const value of [{ from: 'a1', to: 'a9', amount: 1 }, { from: 'a1', to: 'a1', amount: 1 },
      { from: 'a1', to: 'a2', amount: 0 }, { from: 'a1', to: 'a2', amount: 1.5 }, null]) {
      expect(splitWork({ f: 'transfer', value }, participants, 8)).toBeUndefined();
    }
    expect(splitWork({ f: 'get', value: null }, participants, 8)).toBeUndefined();
  });
});

describe('twopc: resource state', () => {
  const prepared = { type: 'prepared' as const, tx: 't1', participants: ['n2', 'n3'],
    writes: [{ account: 'a1', before: 100, after: 60 }], reads: {} };

  it('holds locks while prepared and applies a commit once, however often replayed', () => {
    const state = ResourceState.replay([prepared], ['a1', 'a4'], 100);
    expect(state.canLock('t2', ['a1'])).toBe(false);
    expect(state.balances.get('a1')).toBe(100);
    const decided = { type: 'decided' as const, tx: 't1', decision: 'commit' as const };
    const after = ResourceState.replay([prepared, decided, decided], ['a1', 'a4'], 100);
    expect(after.balances.get('a1')).toBe(60);
    expect(after.canLock('t2', ['a1'])).toBe(true);
    expect(after.decisions.length).toBe(1);
  });

  it('keeps balances on abort and records a unilateral abort of an unknown transaction', () => {
    const state = ResourceState.replay([prepared, { type: 'decided', tx: 't1', decision: 'abort' },
      { type: 'decided', tx: 't9', decision: 'abort' }], ['a1'], 100);
    expect(state.balances.get('a1')).toBe(100);
    expect(state.txs.get('t9')?.state).toBe('aborted');
  });
});

describe('twopc: serializability graph', () => {
  it('accepts a serial chain of transfers and reads', () => {
    const graph = new SerialGraph(['a1', 'a2'], 100);
    expect(graph.apply('t1', [{ account: 'a1', before: 100, after: 90 }], {})).toBeUndefined();
    expect(graph.apply('t1', [{ account: 'a2', before: 100, after: 110 }], {})).toBeUndefined();
    expect(graph.apply('t2', [], { a1: 90, a2: 110 })).toBeUndefined();
    expect(graph.apply('t3', [{ account: 'a1', before: 90, after: 80 }], {})).toBeUndefined();
  });

  it('finds a lost update: two commits read the same version', () => {
    const graph = new SerialGraph(['a1'], 100);
    graph.apply('t1', [{ account: 'a1', before: 100, after: 90 }], {});
    expect(graph.apply('t2', [{ account: 'a1', before: 100, after: 80 }], {}))
      .toMatch(/t2 committed having read a1 = 100/);
  });

  it('finds a cycle: a read-all that saw one transfer half applied', () => {
    const graph = new SerialGraph(['a1', 'a2'], 100);
    graph.apply('t1', [{ account: 'a1', before: 100, after: 90 }], {}); // t1 at a1's participant
    graph.apply('r', [], { a1: 90 }); // r reads after t1 on a1
    graph.apply('r', [], { a2: 100 }); // and before t1 on a2
    expect(graph.apply('t1', [{ account: 'a2', before: 100, after: 110 }], {}))
      .toMatch(/not serializable/);
  });
});

describe('twopc: Paxos Commit learner', () => {
  const b = (values: Record<string, 'prepared' | 'aborted'>, ballot = 0) =>
    ({ type: 'Phase2b' as const, tx: 't', ballot, participants: ['n2', 'n3'], values });

  it('commits once F+1 acceptors accepted prepared for every participant', () => {
    const learner = new Learner(2);
    expect(learner.onPhase2b('n1', b({ n2: 'prepared' }))).toBeUndefined();
    expect(learner.onPhase2b('n2', b({ n2: 'prepared' }))).toBeUndefined();
    expect(learner.onPhase2b('n1', b({ n3: 'prepared' }))).toBeUndefined();
    expect(learner.onPhase2b('n1', b({ n3: 'prepared' }))).toBeUndefined(); // same acceptor twice
    expect(learner.onPhase2b('n3', b({ n3: 'prepared' }))).toBe('commit');
    expect(learner.onPhase2b('n2', b({ n3: 'prepared' }))).toBeUndefined(); // told once
  });

  it('aborts as soon as one instance chose aborted, and does not mix ballots', () => {
    const learner = new Learner(2);
    expect(learner.onPhase2b('n1', b({ n2: 'aborted' }, 65))).toBeUndefined();
    expect(learner.onPhase2b('n2', b({ n2: 'aborted' }, 66))).toBeUndefined();
    expect(learner.onPhase2b('n3', b({ n2: 'aborted' }, 66))).toBe('abort');
  });
});
