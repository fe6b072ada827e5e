/**
 * twopc: the observer behind the invariants, on hand-built worlds, so that each property is
 * seen to fail on exactly the history it forbids (AC2 across a restart, AC3, AC4, balance) and
 * to hold on the history next to it.
 */
import { describe, expect, it } from 'vitest';
import type { World } from '../../sim/check/property.js';
import type { CoordinatorDecision } from '../../protocols/twopc/coordinator.js';
import { Observer } from '../../protocols/twopc/observer.js';
import { twoPcParams } from '../../protocols/twopc/params.js';
import { ResourceState } from '../../protocols/twopc/resource.js';

const params = twoPcParams.parse({ accounts: 2 });
const roles = { coordinator: 'n1', participants: ['n2', 'n3'], acceptors: [], quorum: 0 };

function fakeParticipant(accounts: string[]) {
  const state = new ResourceState(accounts, 100);
  return { votes: [] as { tx: string; yes: boolean }[], state, waiting: new Set<string>(),
    halted: false, get durableDecisions() { return state.decisions.length; } };
}

function setup() {
  const programs: Record<string, unknown> = {
    n1: { coordinator: { decisions: [] as CoordinatorDecision[] } },
    n2: { participant: fakeParticipant(['a1']) },
    n3: { participant: fakeParticipant(['a2']) },
  };
  let index = 0;
  const world = {
    get eventIndex() { return index++; },
    // Every server may have changed between two looks of these hand-built worlds, unless a
    // test says otherwise.
    now: 0, servers: ['n1', 'n2', 'n3'], changed: ['n1', 'n2', 'n3'] as string[], clients: [],
    history: [],
    program: (id: string) => programs[id], isUp: () => true, isPaused: () => false,
    disk: () => { throw new Error('no crashed node here'); },
  } as unknown as World;
  const coordinator = (programs.n1 as { coordinator: { decisions: CoordinatorDecision[] } })
    .coordinator;
  const part = (id: string) => (programs[id] as { participant: ReturnType<typeof fakeParticipant> })
    .participant;
  return { programs, world, coordinator, part, observer: new Observer(roles, params) };
}

const commit = (tx: string): CoordinatorDecision =>
  ({ tx, decision: 'commit', reason: 'all-yes', participants: ['n2', 'n3'] });

describe('twopc: observer', () => {
  it('AC3: a commit needs a yes vote from every participant', () => {
    const { world, coordinator, part, observer } = setup();
    part('n2').votes.push({ tx: 't1', yes: true });
    part('n3').votes.push({ tx: 't2', yes: true });
    part('n2').votes.push({ tx: 't2', yes: true });
    coordinator.decisions.push(commit('t2'));
    observer.observe(world);
    expect(observer.violations.get('ac3-commit-needs-yes')).toBeUndefined();
    coordinator.decisions.push(commit('t1'));
    observer.observe(world);
    expect(observer.violations.get('ac3-commit-needs-yes')).toBe(
      'n1 decided commit for t1 but n3 never voted yes');
  });

  it('AC2: a restarted coordinator may not presume abort for what it committed', () => {
    const { programs, world, coordinator, part, observer } = setup();
    for (const p of ['n2', 'n3']) part(p).votes.push({ tx: 't1', yes: true });
    coordinator.decisions.push(commit('t1'));
    observer.observe(world);
    programs.n1 = { coordinator: { decisions: [commit('t1'),
      { tx: 't1', decision: 'abort', reason: 'presumed', participants: [] }] } };
    observer.observe(world);
    expect(observer.violations.get('ac2-no-reversal')).toBe(
      'n1 decided abort for t1 after deciding commit');
  });

  it('AC4: an abort "for a no vote" needs a no vote', () => {
    const { world, coordinator, part, observer } = setup();
    coordinator.decisions.push({ tx: 't1', decision: 'abort', reason: 'vote-timeout',
      participants: ['n2', 'n3'] });
    observer.observe(world);
    expect(observer.violations.size).toBe(0);
    part('n2').votes.push({ tx: 't2', yes: true });
    coordinator.decisions.push({ tx: 't2', decision: 'abort', reason: 'vote-no',
      participants: ['n2', 'n3'] });
    observer.observe(world);
    expect(observer.violations.get('ac4-abort-needs-cause')).toMatch(/no participant voted no/);
  });

  it('balance: a committed transfer half applied counts what the other side owes', () => {
    const { world, coordinator, part, observer } = setup();
    const halves = [['n2', 'a1', 100, 70], ['n3', 'a2', 100, 130]] as const;
    for (const [p, account, before, after] of halves) {
      part(p).state.prepare({ type: 'prepared', tx: 't1', participants: ['n2', 'n3'],
        writes: [{ account, before, after }], reads: {} });
      part(p).votes.push({ tx: 't1', yes: true });
    }
    coordinator.decisions.push(commit('t1'));
    part('n2').state.decide('t1', 'commit');
    observer.observe(world);
    expect([...observer.violations.values()]).toEqual([]);
    part('n3').state.txs.delete('t1'); // n3 forgets its half (what vote-before-log does)
    part('n3').state.prepared.delete('t1');
    observer.observe(world);
    expect(observer.violations.get('balance-conserved')).toMatch(/holds 170 in total/);
  });

  it('looks only at the servers the event changed (World.changed), clients skipped', () => {
    const { world, coordinator, part, observer } = setup();
    const changed = (world as unknown as { changed: string[] }).changed;
    part('n2').votes.push({ tx: 't1', yes: true });
    coordinator.decisions.push(commit('t1'));
    changed.splice(0, changed.length, 'c1', 'n2');
    observer.observe(world);
    // n1's decision is not read until an event changes n1.
    expect(observer.committed.has('t1')).toBe(false);
    changed.splice(0, changed.length, 'n1');
    observer.observe(world);
    expect(observer.committed.has('t1')).toBe(true);
    expect(observer.violations.get('ac3-commit-needs-yes')).toBe(
      'n1 decided commit for t1 but n3 never voted yes');
  });

  it('re-checks the balance after a decision even when no participant changed', () => {
    const { world, coordinator, part, observer } = setup();
    part('n2').state.prepare({ type: 'prepared', tx: 't1', participants: ['n2', 'n3'],
      writes: [{ account: 'a1', before: 100, after: 70 }], reads: {} });
    for (const p of ['n2', 'n3']) part(p).votes.push({ tx: 't1', yes: true });
    observer.observe(world);
    expect(observer.violations.get('balance-conserved')).toBeUndefined();
    // Only the coordinator changes: it commits t1, whose other half n3 never prepared.
    coordinator.decisions.push(commit('t1'));
    const changed = (world as unknown as { changed: string[] }).changed;
    changed.splice(0, changed.length, 'n1');
    observer.observe(world);
    expect(observer.violations.get('balance-conserved')).toMatch(/holds 170 in total/);
  });
});
