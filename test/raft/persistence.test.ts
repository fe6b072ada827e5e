/**
 * raft: recovery from the simulated disk: intact state, a torn hard-state copy, both copies
 * damaged (the node refuses to take part), and a damaged log record (cut, then repair).
 */
import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../sim/index.js';
import { appendToDisk, recover, saveHardState } from '../../protocols/raft/persistence.js';

const entry = (term: number) => ({ term, command: { kind: 'noop' } as const });

function durable(write: (disk: SimDisk) => void): SimDisk {
  const disk = new SimDisk();
  write(disk);
  disk.completeSync(disk.writeSequence);
  return disk;
}

describe('raft: persistence', () => {
  it('recovers term, vote and log that were synced', () => {
    const disk = durable((d) => {
      saveHardState(d, 3, 'n2');
      appendToDisk(d, [entry(1), entry(3)]);
    });
    disk.crash(false);
    expect(recover(disk)).toMatchObject({ term: 3, votedFor: 'n2', disabled: undefined,
      repairUpTo: 0 });
    expect(recover(disk).log.entries.map((e) => e.term)).toEqual([1, 3]);
  });

  it('falls back to the older copy when the new hard state was torn in a crash', () => {
    const disk = durable((d) => saveHardState(d, 2, 'n1'));
    saveHardState(disk, 3, 'n3');
    disk.crash(true);
    expect(recover(disk)).toMatchObject({ term: 2, votedFor: 'n1', disabled: undefined });
  });

  it('refuses to take part when both hard-state copies are damaged', () => {
    const disk = durable((d) => saveHardState(d, 2, 'n1'));
    disk.corrupt(() => 0);
    disk.corrupt(() => 1);
    expect(recover(disk).disabled).toMatch(/hard state unreadable/);
  });

  it('cuts the log at a damaged record and asks for repair up to the old length', () => {
    const disk = durable((d) => appendToDisk(d, [entry(1), entry(1), entry(2)]));
    disk.corrupt((count) => count - 2); // the second log record
    const state = recover(disk);
    expect(state.log.lastIndex).toBe(1);
    expect(state.repairUpTo).toBe(3);
    expect(disk.length('log')).toBe(1);
  });
});
