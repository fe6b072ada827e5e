/**
 * The disk model: what a crash keeps and loses, torn writes, corruption detected by checksum,
 * and isolation of stored records from the writer's objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptRecord, SimDisk } from '../../sim/index.js';

type Op =
  | { kind: 'put'; key: string; value: number }
  | { kind: 'delete'; key: string }
  | { kind: 'append'; value: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'compact'; before: number }
  | { kind: 'sync' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c'),
    value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ kind: fc.constant('append' as const), value: fc.integer() }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(6) }),
  fc.record({ kind: fc.constant('compact' as const), before: fc.nat(8) }),
  fc.constant({ kind: 'sync' as const }),
);

/**
 * A naive model: a list of states, the durable one being the state at the last sync. The log
 * is a sparse array by absolute index (compacted slots deleted) with its start.
 */
function model(ops: Op[]) {
  let state = { kv: {} as Record<string, number>, log: [] as number[], start: 0 };
  let durable = structuredClone(state);
  for (const op of ops) {
    if (op.kind === 'put') state.kv[op.key] = op.value;
    if (op.kind === 'delete') delete state.kv[op.key];
    if (op.kind === 'append') state.log.push(op.value);
    if (op.kind === 'truncate' && op.length >= state.start) state.log.length = Math.min(op.length, state.log.length);
    if (op.kind === 'compact' && op.before > state.start) {
      for (let i = 0; i < Math.min(op.before, state.log.length); i++) delete state.log[i];
      if (op.before > state.log.length) state.log.length = op.before;
      state.start = op.before;
    }
    if (op.kind === 'sync') durable = structuredClone(state);
  }
  return { state, durable };
}

/** The model's log as the disk lists it: the kept records and where they start. */
function kept(m: { log: number[]; start: number }) {
  return { log: m.log.slice(m.start), start: m.start, length: m.log.length };
}

function apply(disk: SimDisk, ops: Op[]): void {
  for (const op of ops) {
    if (op.kind === 'put') disk.put(op.key, op.value);
    if (op.kind === 'delete') disk.delete(op.key);
    if (op.kind === 'append') disk.append('log', op.value);
    if (op.kind === 'truncate' && op.length >= disk.start('log')) disk.truncate('log', op.length);
    if (op.kind === 'compact') disk.compact('log', op.before);
    if (op.kind === 'sync') disk.completeSync(disk.writeSequence);
  }
}

describe('disk', () => {
  it('loses unsynced writes on crash and keeps synced ones', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
      const disk = new SimDisk();
      apply(disk, ops);
      const { state, durable } = model(ops);
      expect(contents(disk)).toEqual({ kv: sorted(state.kv), ...kept(state) });
      disk.crash(false);
      expect(contents(disk)).toEqual({ kv: sorted(durable.kv), ...kept(durable) });
      expect(disk.durableView()).toEqual(disk.volatileView());
    }));
  });

  it('keeps absolute indexes across compaction, and appends after a compaction past the end', () => {
    const disk = new SimDisk();
    for (const v of [10, 11, 12]) disk.append('log', v);
    disk.compact('log', 2);
    expect([disk.start('log'), disk.length('log'), disk.read('log', 1), disk.read('log', 2)])
      .toEqual([2, 3, undefined, 12]);
    disk.compact('log', 5);
    expect([disk.start('log'), disk.length('log')]).toEqual([5, 5]);
    expect(disk.append('log', 15)).toBe(5);
    expect(disk.read('log', 5)).toBe(15);
    expect(() => disk.truncate('log', 4)).toThrow(/below its start 5/);
  });

  it('makes only the writes before a sync request durable when that sync completes', () => {
    const disk = new SimDisk();
    let requested = -1;
    disk.onSyncRequest = (upTo) => (requested = upTo);
    disk.put('a', 1);
    disk.sync();
    disk.put('b', 2);
    disk.completeSync(requested);
    disk.crash(false);
    expect(disk.get('a')).toBe(1);
    expect(disk.get('b')).toBeUndefined();
  });

  it('tears the write in progress at a crash so that its checksum fails', () => {
    const disk = new SimDisk();
    disk.append('log', { term: 1 });
    disk.completeSync(disk.writeSequence);
    disk.append('log', { term: 2, entries: ['x'] });
    expect(disk.crash(true)).toEqual({ lost: 1, torn: true });
    expect(disk.length('log')).toBe(2);
    expect(disk.read('log', 0)).toEqual({ term: 1 });
    expect(disk.read('log', 1)).toBeInstanceOf(CorruptRecord);
  });

  it('reveals a corrupted record by its checksum, on the node view and after a crash', () => {
    const disk = new SimDisk();
    disk.put('term', 7);
    disk.completeSync(disk.writeSequence);
    expect(disk.corrupt(() => 0)).toBe('key term');
    expect(disk.get('term')).toBeInstanceOf(CorruptRecord);
    disk.crash(false);
    expect(disk.get('term')).toBeInstanceOf(CorruptRecord);
  });

  it('has nothing to corrupt when nothing is durable', () => {
    const disk = new SimDisk();
    disk.put('a', 1);
    expect(disk.corrupt(() => 0)).toBeUndefined();
  });

  it('stores a copy: mutating the written object later changes nothing stored', () => {
    const disk = new SimDisk();
    const record = { entries: [1, 2] };
    disk.put('r', record);
    disk.append('log', record);
    record.entries.push(3);
    expect(disk.get('r')).toEqual({ entries: [1, 2] });
    expect(disk.read('log', 0)).toEqual({ entries: [1, 2] });
    expect(Object.isFrozen(disk.get('r'))).toBe(true);
  });
});

function sorted(kv: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(kv).sort(([a], [b]) => (a < b ? -1 : 1)));
}
function contents(disk: SimDisk) {
  const view = disk.volatileView();
  return { kv: view.kv, log: [...(view.logs.log ?? [])], start: view.logStarts.log ?? 0,
    length: disk.length('log') };
}

describe('disk: durable reads for checkers', () => {
  it('reads the durable state without the unsynced writes on top', () => {
    const disk = new SimDisk();
    disk.put('a', 1);
    disk.append('log', 'x');
    disk.completeSync(disk.writeSequence);
    disk.put('a', 2);
    disk.append('log', 'y');
    expect([disk.get('a'), disk.durableGet('a')]).toEqual([2, 1]);
    expect([disk.length('log'), disk.durableLength('log')]).toEqual([2, 1]);
    expect(disk.durableRead('log', 0)).toBe('x');
    expect(disk.durableRead('log', 1)).toBeUndefined();
    expect(disk.durableSequence).toBe(2);
    expect(disk.writeSequence).toBe(4);
  });
});
