/**
 * Each protocol's view (protocols/<name>/view.ts) draws what its state is, read from real
 * runs: Raft's log boxes are the log, coloured by term, hollow past the commit index; Paxos
 * marks what a majority accepted as chosen; 2PC's participants are blocked while the
 * coordinator is down; the detectors' levels cross their threshold when a node is paused;
 * an async failover shows the acknowledged writes it lost; a paused lock holder's late write
 * is refused on its token. Every registered protocol supplies a view.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../sim/index.js';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import type { ClusterPicture, Part, ViewWorld } from '../../protocols/view.js';
import { RaftNode } from '../../protocols/raft/node.js';
import { Analysis } from '../../viz/src/model/analysis.js';
import { modelOfRun } from '../../viz/src/model/runModel.js';

/** Runs `file` to `until` (µs; the end by default); returns the engine and the analysis. */
function run(file: string, until?: number) {
  const loaded = loadScenario(readFileSync(file, 'utf8'), file);
  const prepared = prepareRun(loaded.spec, { trace: 'memory' });
  prepared.engine.run(until ?? loaded.spec.duration);
  const protocol = protocols[loaded.spec.protocol];
  const view = protocol?.view;
  if (view === undefined) throw new Error(`${loaded.spec.protocol} has no view`);
  const report = until === undefined ? judge(prepared) : undefined;
  const analysis = report === undefined ? undefined : (() => {
    const { model, derived } = modelOfRun(prepared.engine, report);
    return new Analysis(model, derived, view, protocol?.params.parse(loaded.spec.params ?? {}));
  })();
  return { engine: prepared.engine, view, analysis };
}

const world = (engine: Engine<unknown>) => engine as unknown as ViewWorld;
const part = (p: ClusterPicture, id: string, label: string): Part | undefined =>
  p.nodes.find((n) => n.id === id)?.parts.find((x) => 'label' in x && x.label === label);

describe('protocol views', () => {
  it('every registered protocol supplies a view with its role words', () => {
    for (const [name, protocol] of Object.entries(protocols)) {
      expect(protocol.view, name).toBeDefined();
      expect(protocol.view?.vocabulary.messages.length, name).toBeGreaterThan(0);
    }
    expect(protocols.paxos?.view?.vocabulary.roles.candidate?.label).toBe('proposer in phase 1');
    expect(protocols.raft?.view?.vocabulary.roles.candidate?.label).toBe('candidate');
  });

  it('raft: each log is boxes coloured by term, hollow past the commit index', () => {
    const { engine, view } = run('scenarios/raft/leader-failure.yaml', 3_000_000);
    const picture = view.picture(world(engine));
    expect(picture.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    for (const id of ['n1', 'n2', 'n3']) {
      const node = engine.program(id) as RaftNode;
      const log = part(picture, id, 'log');
      if (log?.kind !== 'cells') throw new Error('no log part');
      const shown = log.cells.length;
      expect(shown).toBe(Math.min(24, node.log.lastIndex));
      const first = node.log.lastIndex - shown + 1;
      log.cells.forEach((cell, k) => {
        expect(cell.hue).toBe(node.log.termAt(first + k));
        expect(cell.mark === 'open').toBe(first + k > node.commitIndex);
      });
      expect(picture.nodes.find((n) => n.id === id)?.headline)
        .toBe(`${node.role} · term ${node.currentTerm}`);
    }
    const follower = picture.nodes.find((n) => n.headline.startsWith('follower'));
    expect(follower?.parts.some((p) => p.kind === 'meter' && p.label === 'election timer'))
      .toBe(true);
  });

  it('paxos: the value a majority accepted is drawn as chosen', () => {
    const { engine, view } = run('scenarios/paxos/single-bug-own-value.yaml', 16_000);
    const picture = view.picture(world(engine));
    const chosen = picture.nodes.flatMap((n) => n.parts).filter((p) => p.kind === 'cells')
      .flatMap((p) => p.kind === 'cells' ? p.cells : []).filter((c) => c.mark === 'chosen');
    expect(chosen.length).toBeGreaterThanOrEqual(3);
    expect(chosen.every((c) => c.text.includes('value-n5'))).toBe(true);
    const facts = run('scenarios/paxos/single-bug-own-value.yaml').analysis?.book;
    expect(facts?.occurrences('value-n5 is chosen').length).toBe(1);
    expect(facts?.occurrences('value-n2 is chosen').length).toBe(1);
  });

  it('2pc: participants are blocked while the coordinator is down', () => {
    const { analysis } = run('scenarios/twopc/blocking-2pc.yaml');
    const bands = analysis?.timeline.bands ?? [];
    const blocked = bands.filter((b) => b.label.startsWith('blocked'));
    expect(blocked.length).toBeGreaterThan(0);
    // The coordinator crashed at 1004 ms and restarted at 3 s: some block spans most of it.
    expect(blocked.some((b) => b.t0 < 1_300_000 && b.t1 > 2_900_000)).toBe(true);
    expect(bands.some((b) => b.label.startsWith('locks'))).toBe(true);
    const book = analysis?.book;
    const during = analysis?.model.upperBound(2_000_000) ?? 0;
    expect(book?.holds(blocked[0]?.says?.[0] ?? '', during, during - 1)).toBeDefined();
  });

  it('2pc: the coordinator\'s log is drawn record by record', () => {
    const { engine, view } = run('scenarios/twopc/happy-path.yaml', 500_000);
    const log = part(view.picture(world(engine)), 'n1', 'coordinator log');
    expect(log?.kind).toBe('cells');
    if (log?.kind === 'cells') {
      expect(log.cells[0]?.text ?? log.skipped).toBeTruthy();
      expect(log.cells.some((c) => /^(commit|abort|end) t/.test(c.text))).toBe(true);
    }
  });

  it('heartbeat: a paused node\'s monitors cross the threshold and falsely suspect it', () => {
    const { engine, view, analysis } = (() => {
      const mid = run('scenarios/heartbeat/long-pause.yaml', 1_800_000);
      return { ...mid, analysis: run('scenarios/heartbeat/long-pause.yaml').analysis };
    })();
    const levels = view.levels?.sample(world(engine), 'n1') ?? [];
    const n2 = levels.find((l) => l.of === 'n2');
    expect(n2?.suspected).toBe(true);
    expect(n2?.value).toBeGreaterThan(n2?.threshold ?? Infinity);
    const marks = analysis?.timeline.marks ?? [];
    expect(marks.some((m) => m.label === 'falsely suspects n2')).toBe(true);
    expect(marks.some((m) => m.label === 'detects n2')).toBe(false);
  });

  it('replication: an async failover shows the acknowledged writes it lost', () => {
    const { engine, view } = run('scenarios/replication/master-crash-async.yaml', 4_500_000);
    const shared = view.picture(world(engine)).shared ?? [];
    const lost = shared.flatMap((s) => s.parts).find((p) => 'label' in p && p.label === 'lost writes');
    expect(lost?.kind).toBe('cells');
    if (lost?.kind === 'cells') {
      expect(lost.cells.length).toBeGreaterThan(0);
      expect(lost.cells.every((c) => c.mark === 'lost')).toBe(true);
    }
  });

  it('lock: lease bands on the holders, the late write refused on its token', () => {
    const { analysis } = run('scenarios/lock/holder-paused-past-lease.yaml');
    const timeline = analysis?.timeline;
    const c1 = timeline?.bands.filter((b) => b.node === 'c1' && b.label.startsWith('holds')) ?? [];
    expect(c1.length).toBeGreaterThan(0);
    // A lease is 500 ms less the margin: no holder band lasts longer.
    expect(c1.every((b) => b.t1 - b.t0 <= 500_000)).toBe(true);
    expect(timeline?.marks.some((m) => m.label.startsWith('refuses token'))).toBe(true);
    expect(timeline?.bands.some((b) => b.node === 'n1' && b.label.startsWith('lease of'))).toBe(true);
  });

  it('lock: a holder granted again (a duplicated Acquire) ends its old lease there', () => {
    const { analysis } = run('scenarios/lock/duplicated-grants.yaml');
    const leases = analysis?.timeline?.bands.filter((b) => b.node === 'n1' &&
      b.label.startsWith('lease of')) ?? [];
    // Tokens 47 and 48 went to c1 8.9 ms apart; the service has one lease at a time.
    const t47 = leases.find((b) => b.label === 'lease of c1, token 47');
    const t48 = leases.find((b) => b.label === 'lease of c1, token 48');
    expect(t47?.t1).toBe(t48?.t0);
    const sorted = [...leases].sort((a, b) => a.t0 - b.t0);
    sorted.slice(1).forEach((b, k) => expect(b.t0).toBeGreaterThanOrEqual(sorted[k]?.t1 ?? 0));
  });

  it('lock variants: the storage is the last server; Redlock\'s keys on every instance', () => {
    const file = 'scenarios/lock/redlock-gc-pause.yaml';
    const early = run(file, 100_000);
    const picture = early.view.picture(world(early.engine));
    expect(picture.nodes.find((n) => n.id === 'n6')?.headline).toMatch(/^storage · /);
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      expect(picture.nodes.find((n) => n.id === id)?.headline).toBe('redis · lock held by c1');
    }
    const params = protocols.lock?.params.parse({ variant: 'redlock' });
    const servers = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    expect(servers.map((id) => early.view.vocabulary.serverKind?.(id, servers, params)))
      .toEqual([...Array(5).fill('redis'), 'storage']);
    const bands = run(file).analysis?.timeline.bands ?? [];
    // c1's keys expire while it is paused; c2 then sets its own on every instance.
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      const c1 = bands.find((b) => b.node === id && b.label === 'key set for c1');
      const c2 = bands.find((b) => b.node === id && b.label === 'key set for c2');
      expect(c1?.t1).toBeLessThan(c2?.t0 ?? 0);
      expect((c1?.t1 ?? 0) - (c1?.t0 ?? 0)).toBeLessThanOrEqual(500_000);
    }
  });

  it('lock variants: ZooKeeper\'s leader draws the lock\'s nodes in order, the holder first', () => {
    const file = 'scenarios/lock/zookeeper-session-expires-in-pause.yaml';
    const { engine, view } = run(file, 1_200_000);
    const picture = view.picture(world(engine));
    const leader = picture.nodes.find((n) => n.headline.startsWith('leader'));
    const nodes = leader?.parts.find((p) => p.kind === 'cells' && p.label === '/lock');
    if (nodes?.kind !== 'cells') throw new Error('no /lock part');
    expect(nodes.cells[0]?.text).toMatch(/ c1$/);
    expect(picture.nodes.find((n) => n.id === 'n4')?.headline).toMatch(/^storage · /);
    expect(picture.nodes.find((n) => n.id === 'c1')?.headline).toBe('holds token 3');
  });

  it('balancer: a crashed backend is drawn out of rotation once the probes mark it down', () => {
    const file = 'scenarios/balancer/crash-round-robin.yaml';
    const { engine, view } = run(file, 3_000_000);
    const picture = view.picture(world(engine));
    const pool = part(picture, 'n1', 'pool');
    if (pool?.kind !== 'cells') throw new Error('no pool part');
    expect(pool.cells.map((c) => c.text.split(' ')[0])).toEqual(['n2', 'n3', 'n4', 'n5']);
    expect(pool.cells.map((c) => c.tone)).toEqual(['ok', 'bad', 'ok', 'ok']);
    expect(picture.nodes.find((n) => n.id === 'n2')?.headline).toMatch(/^backend · /);
    const timeline = run(file).analysis?.timeline;
    const down = timeline?.bands.find((b) => b.node === 'n3' && b.label === 'down at n1');
    // n3 crashed at 2 s and restarted at 5 s: three missed probes later it is down, and it
    // is up again two answers after its restart.
    expect(down?.t0).toBeGreaterThan(2_000_000);
    expect(down?.t0).toBeLessThan(2_400_000);
    expect(down?.t1).toBeGreaterThan(5_000_000);
    expect(timeline?.marks.some((m) => m.label === 'marks n3 down')).toBe(true);
    expect(protocols.balancer?.view?.vocabulary.roles.active?.leads).toBe(true);
  });
});
