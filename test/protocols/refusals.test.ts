/**
 * The refusal ledger (protocols/refusals.ts) on the simulated disk: a definite refusal is
 * recorded before it may leave and survives a crash; a request this server started, here or
 * in an earlier incarnation (up to the durable horizon), is answered `unknown` until the
 * protocol says that horizon is settled; a torn copy falls back to its twin, and two damaged
 * copies quarantine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../sim/index.js';
import type { ClientRequest } from '../../sim/check/clientProtocol.js';
import { REFUSAL_KEYS, RefusalLedger, type WriteFate } from '../../protocols/refusals.js';

const write = (client: string, seq: number): ClientRequest =>
  ({ type: 'ClientRequest', client, seq, op: { f: 'put', key: 'k', value: `${client}.${seq}` } });
const read = (client: string, seq: number): ClientRequest =>
  ({ type: 'ClientRequest', client, seq, op: { f: 'get', key: 'k', value: null } });

/** A fate that has not run the request and has settled everything up to `upTo`. */
const settledUpTo = (upTo: number): WriteFate =>
  ({ ran: () => undefined, settled: (horizon) => horizon <= upTo });
const notLeader = { error: 'not-leader', leaderHint: 'n2' };

/** Syncs everything written so far, as the engine does when a sync completes. */
function sync(disk: SimDisk): void {
  disk.completeSync(disk.writeSequence);
}

function restart(disk: SimDisk, tear = false): RefusalLedger {
  disk.crash(tear);
  const ledger = new RefusalLedger();
  ledger.load(disk);
  return ledger;
}

describe('refusal ledger', () => {
  it('refuses a write definitely, after a sync, and refuses it again after a crash', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    ledger.load(disk);
    const { reply, afterSync } = ledger.answer(disk, write('c1', 3), settledUpTo(0), notLeader);
    expect(reply).toEqual({ type: 'ClientReply', seq: 3, outcome: 'fail', error: 'not-leader',
      leaderHint: 'n2' });
    expect(afterSync).toBe(true);
    expect(disk.unsyncedWrites).toBe(REFUSAL_KEYS.length);
    sync(disk);
    const after = restart(disk);
    expect(after.refusedEarlier('c1', 3)).toBe(true);
    expect(after.refusedEarlier('c1', 4)).toBe(false);
    expect(after.refusedEarlier('c2', 1)).toBe(false);
  });

  it('refuses reads definitely without writing anything', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    const { reply, afterSync } = ledger.answer(disk, read('c1', 1), settledUpTo(0), notLeader);
    expect(reply.outcome).toBe('fail');
    expect(afterSync).toBe(false);
    expect(disk.unsyncedWrites).toBe(0);
  });

  it('answers unknown for a request it started until the horizon covering it is settled', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    ledger.extend(disk, 4); // stood for term 4
    ledger.start('c1', 7); // appended c1's request 7 as leader
    expect(ledger.answer(disk, write('c1', 7), settledUpTo(3), notLeader).reply.outcome)
      .toBe('unknown');
    // A request it never started is not in doubt: nothing from an earlier incarnation is.
    expect(ledger.answer(disk, write('c2', 1), settledUpTo(0), notLeader).reply.outcome)
      .toBe('fail');
    expect(ledger.answer(disk, write('c1', 7), settledUpTo(4), notLeader).reply.outcome)
      .toBe('fail');
  });

  it('keeps the horizon across a crash: what an earlier incarnation started stays in doubt', () => {
    const disk = new SimDisk();
    const first = new RefusalLedger();
    first.extend(disk, 2);
    sync(disk);
    first.start('c1', 5);
    const after = restart(disk);
    expect(after.bootHorizon).toBe(2);
    expect(after.answer(disk, write('c1', 5), settledUpTo(1), notLeader).reply.outcome)
      .toBe('unknown');
    expect(after.answer(disk, write('c9', 1), settledUpTo(1), notLeader).reply.outcome)
      .toBe('unknown');
    expect(after.answer(disk, write('c1', 5), settledUpTo(2), notLeader).reply.outcome)
      .toBe('fail');
  });

  it('answers what the state machine answered when the request ran', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    const ran = (answer: ReturnType<WriteFate['ran']>): WriteFate =>
      ({ ran: () => answer, settled: () => true });
    expect(ledger.answer(disk, write('c1', 1), ran({ outcome: 'ok', result: null }), notLeader)
      .reply).toEqual({ type: 'ClientReply', seq: 1, outcome: 'ok', result: null });
    expect(ledger.answer(disk, write('c1', 1), ran({ outcome: 'fail', error: 'cas-mismatch' }),
      notLeader).reply).toMatchObject({ outcome: 'fail', error: 'cas-mismatch' });
    expect(ledger.answer(disk, write('c1', 1), ran('unknown'), notLeader).reply.outcome)
      .toBe('unknown');
    expect(disk.unsyncedWrites).toBe(0);
  });

  it('falls back to the twin copy when the write in progress tears at a crash', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    ledger.answer(disk, write('c1', 1), settledUpTo(0), notLeader);
    sync(disk);
    ledger.answer(disk, write('c1', 2), settledUpTo(0), notLeader); // never synced, torn
    const after = restart(disk, true);
    expect(after.damaged).toBe(false);
    expect(after.refusedEarlier('c1', 1)).toBe(true);
    expect(after.refusedEarlier('c1', 2)).toBe(false);
  });

  it('is quarantined when both copies are damaged, and then refuses nothing definitely', () => {
    const disk = new SimDisk();
    const ledger = new RefusalLedger();
    ledger.answer(disk, write('c1', 1), settledUpTo(0), notLeader);
    sync(disk);
    // Damage every durable record (the two copies are the only ones).
    for (let i = 0; i < REFUSAL_KEYS.length; i++) disk.corrupt((count) => i % count);
    const after = restart(disk);
    expect(after.damaged).toBe(true);
    expect(after.answer(disk, write('c2', 1), settledUpTo(10), notLeader).reply.outcome)
      .toBe('unknown');
    expect(after.answer(disk, read('c2', 1), settledUpTo(10), notLeader).reply.outcome)
      .toBe('fail');
  });

  it('never forgets a synced refusal, whatever crashes and tears follow (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('refuse' as const), client: fc.constantFrom('c1', 'c2'),
        seq: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('sync' as const) }),
      fc.record({ kind: fc.constant('crash' as const), tear: fc.boolean() }));
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      const disk = new SimDisk();
      let ledger = new RefusalLedger();
      const promised = new Map<string, number>();
      const pending = new Map<string, number>();
      for (const s of steps) {
        if (s.kind === 'refuse') {
          ledger.answer(disk, write(s.client, s.seq), settledUpTo(0), notLeader);
          pending.set(s.client, Math.max(s.seq, pending.get(s.client) ?? 0));
        } else if (s.kind === 'sync') {
          sync(disk);
          for (const [c, seq] of pending) promised.set(c, Math.max(seq, promised.get(c) ?? 0));
          pending.clear();
        } else {
          ledger = restart(disk, s.tear);
          pending.clear();
          expect(ledger.damaged).toBe(false);
        }
        for (const [client, seq] of promised) expect(ledger.refusedEarlier(client, seq)).toBe(true);
      }
    }));
  });
});
