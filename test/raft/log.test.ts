/**
 * raft: log helpers against naive references (§5.3, §5.4.1): the up-to-date rule, the merge
 * of AppendEntries entries (truncate only at a real conflict), the conflict hint and
 * backtracking, which must never skip past the last matching index.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtrack, conflictHint, isUpToDate, matchesAt, mergePlan, RaftLog } from
  '../../protocols/raft/log.js';
import type { Entry } from '../../protocols/raft/messages.js';

const noop = { kind: 'noop' } as const;
/** A log of non-decreasing terms, as every Raft log is. */
const logArb = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 12 })
  .map((terms) => terms.sort((a, b) => a - b).map((term): Entry => ({ term, command: noop })));

const toLog = (terms: number[]): Entry[] => terms.map((term) => ({ term, command: noop }));
/**
 * Two logs Raft can produce: a common prefix, then suffixes whose terms belong to one side
 * only (even terms for the leader, odd for the follower), all above the prefix's last term.
 */
const divergentLogsArb = fc.tuple(
  fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 6 }),
  fc.array(fc.integer({ min: 2, max: 5 }), { maxLength: 6 }),
  fc.array(fc.integer({ min: 2, max: 5 }), { maxLength: 6 }),
).map(([prefix, a, b]) => {
  const base = prefix.sort((x, y) => x - y);
  const floor = 2 * (base[base.length - 1] ?? 0);
  const leader = a.sort((x, y) => x - y).map((t) => floor + 2 * t);
  const follower = b.sort((x, y) => x - y).map((t) => floor + 2 * t + 1);
  return [toLog([...base, ...leader]), toLog([...base, ...follower])] as const;
});

function naiveMerge(log: readonly Entry[], prev: number, entries: readonly Entry[]): Entry[] {
  const out = log.slice();
  entries.forEach((entry, k) => {
    const i = prev + k; // 0-based position
    if (i < out.length && (out[i] as Entry).term === entry.term) return;
    out.length = Math.min(out.length, i);
    out.push(entry);
  });
  return out;
}

describe('raft: log', () => {
  it('compares logs by last term, then last index (§5.4.1)', () => {
    fc.assert(fc.property(fc.nat(5), fc.nat(9), fc.nat(5), fc.nat(9), (ct, ci, vt, vi) => {
      const naive = ct > vt || (ct === vt && ci >= vi);
      expect(isUpToDate(ct, ci, vt, vi)).toBe(naive);
    }));
  });

  it('merges entries like the naive rule and never cuts a matching suffix', () => {
    fc.assert(fc.property(logArb, logArb, fc.nat(12), fc.nat(6), (log, leader, p, n) => {
      const prev = Math.min(p, log.length, leader.length);
      fc.pre(matchesAt(RaftLog.of(log), prev, prev === 0 ? 0 : (leader[prev - 1] as Entry).term));
      const entries = leader.slice(prev, prev + n);
      const plan = mergePlan(RaftLog.of(log), prev, entries);
      const merged = plan.truncateTo === undefined ? log.slice() : log.slice(0, plan.truncateTo);
      merged.push(...plan.append);
      expect(merged.map((e) => e.term)).toEqual(naiveMerge(log, prev, entries).map((e) => e.term));
      if (plan.truncateTo === undefined) expect(merged.length).toBeGreaterThanOrEqual(log.length);
    }));
  });

  it('backtracks to an index the follower may match, never past the real match', () => {
    fc.assert(fc.property(divergentLogsArb, fc.nat(14), ([leader, follower], p) => {
      const prev = Math.min(p, leader.length);
      fc.pre(!matchesAt(RaftLog.of(follower), prev, prev === 0 ? 0 : (leader[prev - 1] as Entry).term));
      const hint = conflictHint(RaftLog.of(follower), prev);
      const next = backtrack(RaftLog.of(leader), hint.conflictTerm, hint.conflictIndex);
      // The longest common prefix the leader could use.
      let common = 0;
      while (common < Math.min(leader.length, follower.length) &&
        (leader[common] as Entry).term === (follower[common] as Entry).term) common++;
      expect(next).toBeGreaterThanOrEqual(1);
      expect(next - 1).toBeLessThanOrEqual(Math.max(common, prev - 1));
      expect(next).toBeLessThanOrEqual(prev);
    }));
  });

  it('answers like the whole log above a snapshot, and keeps or discards the rest (§7)', () => {
    fc.assert(fc.property(logArb, fc.nat(12), fc.nat(14), fc.nat(5), (entries, at, probe, other) => {
      const cut = Math.min(at, entries.length);
      const whole = RaftLog.of(entries.slice());
      const compacted = RaftLog.of(entries.slice());
      compacted.compactTo(cut, whole.termAt(cut) as number);
      expect([compacted.lastIndex, compacted.lastTerm]).toEqual([whole.lastIndex, whole.lastTerm]);
      if (probe >= cut) {
        expect(compacted.termAt(probe)).toBe(whole.termAt(probe));
        expect(conflictHint(compacted, probe).conflictTerm).toBe(conflictHint(whole, probe).conflictTerm);
        expect(conflictHint(compacted, probe).conflictIndex)
          .toBe(Math.max(conflictHint(whole, probe).conflictIndex, Math.min(probe, cut + 1)));
      } else {
        expect(compacted.termAt(probe)).toBeUndefined();
      }
      // A snapshot whose last entry the log lacks (another term there) discards the log.
      const foreign = RaftLog.of(entries.slice());
      foreign.compactTo(cut, 10 + other);
      expect([foreign.lastIndex, foreign.entries.length]).toEqual([cut, 0]);
    }));
  });

  it('keeps the indexes of its configuration entries under any appends, cuts and compactions',
    () => {
      const config = (term: number): Entry => ({ term, command: { kind: 'config', voters: ['n1'] } });
      const opArb = fc.oneof(
        fc.record({ op: fc.constant('append' as const), configs: fc.array(fc.boolean(),
          { minLength: 1, maxLength: 4 }) }),
        fc.record({ op: fc.constant('truncate' as const), at: fc.nat(20) }),
        fc.record({ op: fc.constant('compact' as const), at: fc.nat(20), keep: fc.boolean() }));
      fc.assert(fc.property(fc.array(opArb, { maxLength: 12 }), (ops) => {
        const log = new RaftLog();
        for (const o of ops) {
          if (o.op === 'append') {
            log.append(o.configs.map((c) => (c ? config(log.lastTerm + 1) : { term: log.lastTerm + 1,
              command: noop })));
          } else if (o.op === 'truncate') {
            log.truncateTo(Math.max(log.snapshotIndex, Math.min(o.at, log.lastIndex)));
          } else {
            const at = Math.max(log.snapshotIndex, Math.min(o.at, log.lastIndex));
            log.compactTo(at, o.keep ? log.termAt(at) as number : 99);
          }
          // The reference: a scan of the entries above the snapshot.
          const scan = log.entries.flatMap((e, k) => (e.command.kind === 'config'
            ? [log.snapshotIndex + 1 + k] : []));
          expect(log.configIndexes).toEqual(scan);
          expect(log.configIndexAt(log.lastIndex)).toBe(scan[scan.length - 1] ?? 0);
        }
        // A log built from its entries at once (recovery) agrees.
        expect(new RaftLog(log.snapshotIndex, log.snapshotTerm, log.entries.slice())
          .configIndexes).toEqual(log.configIndexes);
      }));
    });
});
