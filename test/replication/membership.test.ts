/**
 * Adding, rebuilding and removing replicas (protocols/replication/membership.ts and
 * snapshot.ts), handler by handler as transcripts (sim/transcript.ts):
 * - a joiner takes a snapshot in order, chunk by chunk, and installs it only with the last:
 *   a new disk log after the snapshot's index, the snapshot record naming it, and its answer
 *   after the sync; a restart finds the state again;
 * - a chunk out of order, or of another copy, is answered with what arrived; a copy sent
 *   again once installed is answered `installed` without a write; a copy ending below the
 *   replica's own snapshot, at an entry it does not hold, replaces that snapshot;
 * - a replica that finds a corrupt log record reports `Damaged` (rebuildable) and takes a
 *   snapshot; one whose vote record is corrupt reports it cannot be rebuilt, and ignores one;
 * - a master copies a spare its committed state and adds it only once caught up (with the bug
 *   `count-before-caught-up`, at once); it refuses to remove itself and to rebuild a replica
 *   that lost a promise;
 * - a log that starts after a snapshot matches below it, backs off no further, and finds its
 *   configurations.
 */
import { describe, expect, it } from 'vitest';
import { type NodeProgram, sends, SimDisk, Transcript } from '../../sim/index.js';
import { replication } from '../../protocols/replication/definition.js';
import { ReplicationLog } from '../../protocols/replication/log.js';
import type { ReplicationMessage } from '../../protocols/replication/messages.js';
import { ReplicaNode } from '../../protocols/replication/node.js';
import type { SnapshotRecord } from '../../protocols/replication/snapshot.js';

type Msg = ReplicationMessage;

function replica(id: string, servers: string[], params: Record<string, unknown> = {},
  disk?: SimDisk): Transcript<Msg> {
  const instance = replication.setup({ servers, clients: ['c1'],
    params: replication.params.parse(params), workload: undefined, clientsStopAt: undefined });
  return new Transcript<Msg>({ id, servers, clients: ['c1', 'admin'],
    program: instance.program(id) as NodeProgram<Msg>, ...(disk === undefined ? {} : { disk }) });
}

const node = (t: Transcript<Msg>): ReplicaNode => t.program as ReplicaNode;

const RECORDS: SnapshotRecord[] = [['key', 'k1', 'a'], ['key', 'k2', 'b'],
  ['session', 'c1', 2, 5, 'ok', null], ['write', 'k1|put|"a"', 4, 'a'],
  ['write', 'k2|put|"b"', 5, 'b']];

const chunk = (offset: number, count: number, copy = 1, done = false): Msg => ({
  type: 'InstallSnapshot', epoch: 3, copy, offset, records: RECORDS.slice(offset, offset + count),
  total: RECORDS.length, ...(done ? { done: { index: 6, indexEpoch: 3 } } : {}) });

describe('replication: a joiner takes a snapshot', () => {
  it('in order, installing it with the last chunk, after which the log continues', () => {
    const t = replica('n4', ['n1', 'n2', 'n3', 'n4'], { members: 3 });
    t.start();
    const first = t.at(1_000).message('n1', chunk(0, 2));
    expect(sends(first).filter((s) => s.to === 'n1')).toEqual([{ to: 'n1', afterSync: false,
      msg: { type: 'SnapshotReply', epoch: 3, copy: 1, received: 2 } }]);
    expect(first.writes.filter((w) => w.op !== 'put' || w.key !== 'meta')).toEqual([]);
    expect(node(t).commit).toBe(0);
    t.sync();
    const last = t.at(2_000).message('n1', chunk(2, 3, 1, true));
    // A new disk log starting after the snapshot's index, then the record naming it (the
    // old log, empty, needs no truncation).
    expect(last.writes).toEqual([
      { op: 'compact', log: 'log.6', before: 6 },
      { op: 'put', key: 'snapshot',
        value: { base: { index: 6, epoch: 3, log: 'log.6' }, records: RECORDS } },
    ]);
    expect(sends(last).filter((s) => s.to === 'n1')).toEqual([{ to: 'n1', afterSync: true,
      msg: { type: 'SnapshotReply', epoch: 3, copy: 1, received: 5, installed: 6 } }]);
    const n4 = node(t);
    expect([n4.commit, n4.log.lastIndex, n4.log.lastEpoch]).toEqual([6, 6, 3]);
    expect(Object.fromEntries(n4.store)).toEqual({ k1: 'a', k2: 'b' });
    expect(n4.tokens.get('k2|put|"b"')).toBe(5);
    // The log goes on from the snapshot's index, into the new disk log.
    const next = t.at(3_000).message('n1', { type: 'Replicate', epoch: 3, prevIndex: 6,
      prevEpoch: 3, entries: [{ epoch: 3, client: 'c1', seq: 3, op: { f: 'put', key: 'k1',
        value: 'c' }, outcome: 'ok', result: null, after: 'c' }], commit: 7, round: 1 });
    expect(next.writes.filter((w) => w.op === 'append').map((w) => w.op === 'append' && w.log))
      .toEqual(['log.6']);
    expect(n4.store.get('k1')).toBe('c');
    // A restart finds the snapshot and the entry after it.
    t.sync();
    const again = replica('n4', ['n1', 'n2', 'n3', 'n4'], { members: 3 }, t.disk);
    again.start();
    const back = node(again);
    expect([back.commit, back.log.lastIndex, back.eligible]).toEqual([6, 7, true]);
    expect(Object.fromEntries(back.store)).toEqual({ k1: 'a', k2: 'b' });
    expect(back.sessions.get('c1')).toEqual({ seq: 3, index: 7 });
  });

  it('answers a gap or another copy\'s chunk with what arrived, and a resent copy at once', () => {
    const t = replica('n4', ['n1', 'n2', 'n3', 'n4'], { members: 3 });
    t.start();
    t.at(1_000).message('n1', chunk(0, 2));
    const gap = t.at(1_100).message('n1', chunk(4, 1, 1, true));
    expect(sends(gap).filter((s) => s.to === 'n1').map((s) => s.msg))
      .toEqual([{ type: 'SnapshotReply', epoch: 3, copy: 1, received: 2 }]);
    const other = t.at(1_200).message('n1', chunk(2, 2, 2));
    expect(sends(other).filter((s) => s.to === 'n1').map((s) => s.msg))
      .toEqual([{ type: 'SnapshotReply', epoch: 3, copy: 2, received: 0 }]);
    t.at(1_300).message('n1', chunk(2, 3, 1, true));
    t.sync();
    const resent = t.at(1_400).message('n1', chunk(2, 3, 1, true));
    expect(resent.writes).toEqual([]);
    expect(sends(resent).filter((s) => s.to === 'n1').map((s) => s.msg)).toEqual([
      { type: 'SnapshotReply', epoch: 3, copy: 1, received: 5, installed: 6 }]);
  });

  it('replaces a snapshot of its own that ends past a new one\'s last entry', () => {
    // n4 installed a copy from a master of epoch 3 ending at 6; that master, deposed, may
    // have committed 5 and 6 alone (async). The master of epoch 4 copies its own, ending at
    // 4: n4 does not hold entry 4 of epoch 4, so its state proves nothing and is replaced
    // (fuzz replication --seed 20261207, run 3987).
    const t = replica('n4', ['n1', 'n2', 'n3', 'n4'], { members: 3 });
    t.start();
    t.at(1_000).message('n1', chunk(0, 5, 1, true));
    t.sync();
    const records: SnapshotRecord[] = [['key', 'k1', 'z'], ['write', 'k1|put|"z"', 3, 'z']];
    const newer = t.at(2_000).message('n2', { type: 'InstallSnapshot', epoch: 4, copy: 1,
      offset: 0, records, total: 2, done: { index: 4, indexEpoch: 4 } });
    expect(sends(newer).filter((s) => s.to === 'n2').map((s) => s.msg)).toEqual([
      { type: 'SnapshotReply', epoch: 4, copy: 1, received: 2, installed: 4 }]);
    const n4 = node(t);
    expect([n4.commit, n4.log.base.index, n4.log.base.epoch]).toEqual([4, 4, 4]);
    expect(Object.fromEntries(n4.store)).toEqual({ k1: 'z' });
    expect(n4.tokens.has('k2|put|"b"')).toBe(false);
  });
});

/** A disk whose log's first record is corrupt, and, with `meta`, its vote record too. */
function damagedDisk(meta: boolean): SimDisk {
  const disk = new SimDisk();
  disk.put('meta', { epoch: 2, votedFor: 'n1' });
  disk.append('log', { epoch: 1 });
  disk.append('log', { epoch: 2 });
  disk.sync();
  disk.completeSync(Number.MAX_SAFE_INTEGER);
  // The sorted places are the key `meta`, then the log's records.
  disk.corrupt(() => (meta ? 0 : 1));
  return disk;
}

describe('replication: a damaged replica', () => {
  it('with a corrupt log record reports it can be rebuilt, and takes a snapshot', () => {
    const t = replica('n3', ['n1', 'n2', 'n3'], {}, damagedDisk(false));
    t.start();
    expect(node(t).eligible).toBe(false);
    const report = t.at(1_000).message('n1', { type: 'Replicate', epoch: 3, prevIndex: 0,
      prevEpoch: 0, entries: [], commit: 0, round: 1 });
    expect(sends(report).map((s) => s.msg)).toEqual([
      { type: 'Damaged', epoch: 2, rebuildable: true }]);
    t.at(2_000).message('n1', chunk(0, 5, 1, true));
    expect(node(t).eligible).toBe(true);
    expect(node(t).commit).toBe(6);
  });

  it('with a corrupt vote record cannot be rebuilt, and ignores a snapshot', () => {
    const t = replica('n3', ['n1', 'n2', 'n3'], {}, damagedDisk(true));
    t.start();
    const report = t.at(1_000).message('n1', { type: 'Replicate', epoch: 3, prevIndex: 0,
      prevEpoch: 0, entries: [], commit: 0, round: 1 });
    expect(sends(report).map((s) => s.msg)).toEqual([
      { type: 'Damaged', epoch: 2, rebuildable: false }]);
    const ignored = t.at(2_000).message('n1', chunk(0, 5, 1, true));
    expect([ignored.writes, ignored.effects]).toEqual([[], []]);
    expect(node(t).eligible).toBe(false);
  });
});

/**
 * n1 as master of a one-member configuration (n2 a spare): it elects itself, and its no-op
 * and a client's put are durable and committed.
 */
function master(params: Record<string, unknown> = {}): Transcript<Msg> {
  const t = replica('n1', ['n1', 'n2'], { members: 1, ...params });
  t.start();
  t.at(500_000).timer('elect');
  t.sync();
  const n1 = node(t);
  expect(n1.role).toBe('master');
  t.message('n1', { type: 'Synced', epoch: 1, lastIndex: 1, lastEpoch: 1 });
  t.at(501_000).message('c1', { type: 'ClientRequest', client: 'c1', seq: 1,
    op: { f: 'put', key: 'k', value: 'v' } });
  t.sync();
  t.message('n1', { type: 'Synced', epoch: 1, lastIndex: 2, lastEpoch: 1 });
  expect(n1.commit).toBe(2);
  return t;
}

const add = (node2: string, seq = 1): Msg =>
  ({ type: 'AdminRequest', seq, op: 'add', node: node2 });

describe('replication: the master adds a spare', () => {
  it('copies it a snapshot, streams the log after it, and adds it once caught up', () => {
    const t = master();
    const n1 = node(t);
    const start = t.at(510_000).message('admin', add('n2'));
    expect(start.effects.filter((e) => e.kind === 'note').map((e) => e.kind === 'note' && e.data))
      .toEqual([{ event: 'learner', node: 'n2', rounds: 10 },
        { event: 'send', node: 'n2', index: 2, records: 3 }]);
    expect(sends(start).map((s) => s.msg)).toEqual([{ type: 'InstallSnapshot', epoch: 1,
      copy: 1, offset: 0, total: 3, records: [['key', 'k', 'v'],
        ['session', 'c1', 1, 2, 'ok', null], ['write', 'k|put|"v"', 2, 'v']],
      done: { index: 2, indexEpoch: 1, config: ['n1'] } }]);
    // A learner counts for nothing: still one member.
    expect(n1.configuration().list).toEqual(['n1']);
    const installed = t.at(520_000).message('n2', { type: 'SnapshotReply', epoch: 1, copy: 1,
      received: 3, installed: 2 });
    // Caught up within a round: the configuration with n2 is appended, and shipped.
    expect(installed.effects.filter((e) => e.kind === 'note').map((e) => e.kind === 'note' &&
      e.data)).toEqual([{ event: 'installed', node: 'n2', index: 2 },
      { event: 'caught-up', node: 'n2', round: 1, match: 2 },
      { event: 'append', op: 'add', node: 'n2', index: 3, members: ['n1', 'n2'] }]);
    expect(n1.configuration().list).toEqual(['n1', 'n2']);
    // Committed once a majority of the two holds it; then the operator hears `ok`.
    t.sync();
    t.message('n1', { type: 'Synced', epoch: 1, lastIndex: 3, lastEpoch: 1 });
    const acked = t.at(530_000).message('n2', { type: 'ReplicateReply', epoch: 1, success: true,
      matchIndex: 3, round: 1 });
    expect(sends(acked).filter((s) => s.to === 'admin').map((s) => s.msg))
      .toEqual([{ type: 'AdminReply', seq: 1, outcome: 'ok' }]);
  });

  it('with count-before-caught-up, makes it a member at once and counts it as holding all', () => {
    const t = master({ bugs: ['count-before-caught-up'] });
    const n1 = node(t);
    t.at(510_000).message('admin', add('n2'));
    expect(n1.configuration().list).toEqual(['n1', 'n2']);
    expect(n1.masterState?.joins.countsAsHolding(n1, 'n2')).toBe(true);
  });

  it('refuses to remove itself, and to rebuild a replica that lost a promise', () => {
    const t = master();
    const self = t.at(510_000).message('admin', { type: 'AdminRequest', seq: 1, op: 'remove',
      node: 'n1' });
    expect(sends(self).map((s) => s.msg)).toEqual([{ type: 'AdminReply', seq: 1,
      outcome: 'refused', error: 'the master cannot remove itself: fail over to another first' }]);
    const n1 = node(t);
    n1.masterState?.joins.damaged.set('n1', false);
    const lost = t.at(511_000).message('admin', add('n1', 2));
    expect(sends(lost).map((s) => s.msg)).toEqual([{ type: 'AdminReply', seq: 2,
      outcome: 'refused', error: 'n1 lost its vote or refusal record, which no copy restores: ' +
      'remove it and add a new server' }]);
  });
});

describe('replication: a log that starts after a snapshot', () => {
  it('matches below its base, backs off no further, and keeps its configurations', () => {
    const disk = new SimDisk();
    const log = new ReplicationLog();
    log.reset(disk, { index: 10, epoch: 2, log: 'log.10', config: ['n1', 'n2'] },
      { base: { index: 10, epoch: 2, log: 'log.10' }, records: [] });
    expect([log.lastIndex, log.lastEpoch, log.compacted(10), log.compacted(11)])
      .toEqual([10, 2, true, false]);
    // Below the base every entry is committed, so it matches whatever the epoch.
    expect([log.matches(7, 1), log.matches(10, 2), log.matches(10, 1), log.matches(11, 2)])
      .toEqual([true, true, false, false]);
    log.append(disk, { epoch: 3 });
    log.append(disk, { epoch: 3, config: ['n1', 'n2', 'n3'] });
    log.append(disk, { epoch: 3 });
    expect(disk.length('log.10')).toBe(13);
    expect(log.retryBelow(13)).toBe(10);
    expect(log.configuration(['n1'])).toEqual({ index: 12, list: ['n1', 'n2', 'n3'] });
    expect(log.configurationAt(11, ['n1'])).toEqual(['n1', 'n2']);
    log.truncate(disk, 11);
    expect(log.configuration(['n1'])).toEqual({ index: 10, list: ['n1', 'n2'] });
    expect(() => log.truncate(disk, 9)).toThrow(/truncate to 9/);
  });
});
