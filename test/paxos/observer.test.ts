/**
 * The Paxos invariants can fail: each is fed a hand-made cluster state (fake programs over
 * real simulated disks) that breaks it, and must name the problem; the same states without
 * the fault pass. "Chosen" is judged from durable accepts only.
 */
import { describe, expect, it } from 'vitest';
import { SimDisk } from '../../sim/index.js';
import type { World } from '../../sim/check/property.js';
import { Acceptor } from '../../protocols/paxos/acceptor.js';
import type { Ballot } from '../../protocols/paxos/ballot.js';
import type { AcceptedEntry } from '../../protocols/paxos/messages.js';
import { PaxosStats } from '../../protocols/paxos/metrics.js';
import { type CountedVote, type ObservableServer, PaxosObserver } from
  '../../protocols/paxos/observer.js';

interface Fake extends ObservableServer<string> {
  decisionLog: AcceptedEntry<string>[];
  executionLog: number[];
  voteLog: CountedVote[];
}

const b = (round: number, node: string): Ballot => ({ round, node });

/** A three-server cluster of fake programs whose logs a test appends to. */
class Cluster {
  readonly servers = ['n1', 'n2', 'n3'];
  readonly programs = new Map<string, Fake | undefined>();
  readonly disks = new Map(this.servers.map((id) => [id, new SimDisk()]));
  private event = 0;
  readonly observer = new PaxosObserver<string>((p) => p as Fake | undefined, (v) => v,
    (v) => (v.startsWith('value-') ? undefined : `${v} was never proposed`));

  constructor() {
    for (const id of this.servers) this.restart(id);
  }

  restart(id: string): Fake {
    const acceptor = new Acceptor<string>({ forgets: false, learners: () => [],
      stats: new PaxosStats() });
    const program = { acceptor, decisionLog: [], executionLog: [], voteLog: [] };
    this.programs.set(id, program);
    return program;
  }

  node(id: string): Fake {
    return this.programs.get(id) as Fake;
  }

  /** Node `id` accepts (ballot, value) in `slot`; durable when `sync`. */
  accept(id: string, slot: number, ballot: Ballot, value: string, sync = true): void {
    const disk = this.disks.get(id) as SimDisk;
    disk.put(`acceptor/accepted/${slot}`, { ballot, value });
    this.node(id).acceptor.acceptLog.push({ slot, ballot, value });
    this.check();
    if (sync) disk.completeSync(disk.writeSequence);
  }

  /** Runs the observer as the engine would after an event; returns the problems. */
  check(): Map<string, string> {
    const world = {
      // Any server may have changed between two looks: the test edits them directly.
      now: this.event * 1_000, eventIndex: this.event++, servers: this.servers, clients: [],
      changed: this.servers,
      program: (id: string) => this.programs.get(id), isUp: () => true, isPaused: () => false,
      disk: (id: string) => this.disks.get(id) as SimDisk, history: [],
    } as unknown as World;
    this.observer.update(world);
    return this.observer.problems;
  }
}

describe('paxos: invariants', () => {
  it('chooses a value only once a majority has it on disk at one ballot', () => {
    const c = new Cluster();
    c.accept('n1', 0, b(1, 'n1'), 'value-n1');
    c.accept('n2', 0, b(1, 'n1'), 'value-n1', false);
    c.check();
    expect(c.observer.chosen.size).toBe(0);
    c.disks.get('n2')?.completeSync(c.disks.get('n2')?.writeSequence ?? 0);
    c.check();
    expect(c.observer.chosen.get(0)?.value).toBe('value-n1');
    expect(c.check().size).toBe(0);
  });

  it('reports agreement when a second value is chosen in a slot', () => {
    const c = new Cluster();
    c.accept('n1', 0, b(1, 'n1'), 'value-n1');
    c.accept('n2', 0, b(1, 'n1'), 'value-n1');
    c.accept('n2', 0, b(2, 'n3'), 'value-n3');
    c.accept('n3', 0, b(2, 'n3'), 'value-n3');
    expect(c.check().get('agreement')).toMatch(/value-n1 was chosen at \(1,n1\).*then value-n3/);
  });

  it('reports agreement when a node decides a value no majority has accepted', () => {
    const c = new Cluster();
    c.accept('n1', 4, b(1, 'n1'), 'value-n1');
    c.node('n1').decisionLog.push({ slot: 4, ballot: b(0, ''), value: 'value-n1' });
    expect(c.check().get('agreement'))
      .toMatch(/slot 4: n1 decided "value-n1" .*but no majority had accepted it in one ballot/);
  });

  it('reports agreement when two nodes decide differently, and integrity across a restart', () => {
    const c = new Cluster();
    c.accept('n1', 4, b(1, 'n1'), 'value-n1');
    c.accept('n2', 4, b(1, 'n1'), 'value-n1');
    c.node('n1').decisionLog.push({ slot: 4, ballot: b(0, ''), value: 'value-n1' });
    expect(c.check().size).toBe(0);
    c.restart('n1').decisionLog.push({ slot: 4, ballot: b(0, ''), value: 'value-n2' });
    const problems = c.check();
    expect(problems.get('integrity'))
      .toMatch(/n1 decided slot 4 as "value-n1", and after a restart/);
    expect(problems.get('agreement')).toMatch(/slot 4: n1 decided "value-n1"/);
  });

  it('reports validity for a value nobody proposed', () => {
    const c = new Cluster();
    c.node('n2').decisionLog.push({ slot: 0, ballot: b(0, ''), value: 'forged' });
    expect(c.check().get('validity')).toMatch(/n2 decided slot 0: forged was never proposed/);
  });

  it('reports a promise that falls while up, or below its durable value after a restart', () => {
    const c = new Cluster();
    const acceptor = c.node('n1').acceptor;
    acceptor.promised = b(3, 'n2');
    acceptor.promiseLog.push(acceptor.promised);
    c.check();
    const disk = c.disks.get('n1') as SimDisk;
    disk.put('acceptor/promised', acceptor.promised);
    disk.completeSync(disk.writeSequence);
    expect(c.check().size).toBe(0);
    c.restart('n1').acceptor.promised = b(1, 'n3');
    expect(c.check().get('promise-monotonic'))
      .toMatch(/restarted with promise \(1,n3\), below.*\(3,n2\)/);
    const other = new Cluster();
    other.node('n2').acceptor.promised = b(2, 'n1');
    other.check();
    other.node('n2').acceptor.promised = b(1, 'n1');
    expect(other.check().get('promise-monotonic')).toMatch(/fell from \(2,n1\) to \(1,n1\)/);
  });

  it('reports execution out of slot order', () => {
    const c = new Cluster();
    c.node('n3').executionLog.push(0, 1);
    expect(c.check().size).toBe(0);
    c.node('n3').executionLog.push(3);
    expect(c.check().get('execution-order')).toMatch(/n3 executed slot 3 as its command number 2/);
  });

  it('reports a vote counted before the voter made it durable', () => {
    const c = new Cluster();
    c.accept('n2', 7, b(1, 'n1'), 'value-n1');
    c.node('n1').voteLog.push({ from: 'n2', ballot: b(1, 'n1'), slot: 7 });
    expect(c.check().size).toBe(0);
    c.accept('n3', 7, b(1, 'n1'), 'value-n1', false);
    c.node('n1').voteLog.push({ from: 'n3', ballot: b(1, 'n1'), slot: 7 });
    expect(c.check().get('votes-durable')).toMatch(/n1 counted n3's accept of slot 7/);
  });
});
