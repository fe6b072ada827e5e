/**
 * lock: the Redis, Redlock and coordination-service variants beside the lease service. The
 * coordination service's tree (a state machine Raft replicates) keeps its promises for any
 * sequence of operations: sequence numbers only grow, so the lowest node's number (the fencing
 * token) grows from holder to holder; a create is idempotent by its guid; an expired session
 * takes its nodes with it and never comes back. The comparison set (compare-*.yaml) shows
 * what its narratives say, one seed gives one trace hash for every variant, a campaign of the
 * correct locks finds nothing, and parameters that contradict each other are refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lock } from '../../protocols/lock/definition.js';
import { LOCK_PATH, sequenceOf, ZkTree } from '../../protocols/lock/zkTree.js';
import { loadScenario, runSpec, type RunSpec } from '../../runner/index.js';
import { scenarioRuns } from '../support/scenarioRuns.js';
import { campaignFailures } from '../support/campaignFailures.js';

const { scenario, run, metric } = scenarioRuns('lock');

const VARIANTS = ['lease', 'redis', 'redlock', 'zookeeper'] as const;

/** Applies a client operation to the tree as Raft would (client sessions included). */
function apply(tree: ZkTree, seq: number, f: string, key: string, value: unknown = null) {
  return tree.apply({ kind: 'client', client: 'c1', seq, op: { f, key, value } });
}

describe('lock: the coordination service tree', () => {
  it('numbers children in order, so the lowest node\'s token grows from holder to holder', () => {
    const opArb = fc.oneof(
      fc.record({ f: fc.constant('create'), who: fc.integer({ min: 1, max: 3 }),
        guid: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ f: fc.constant('delete-first'), who: fc.constant(0), guid: fc.constant(0) }),
      fc.record({ f: fc.constant('expire'), who: fc.integer({ min: 1, max: 3 }),
        guid: fc.constant(0) }));
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const tree = new ZkTree();
      let seq = 0;
      for (const s of [1, 2, 3]) apply(tree, ++seq, 'createSession', `s${s}`, `c${s}`);
      let lastToken = 0;
      for (const op of ops) {
        if (op.f === 'create') {
          apply(tree, ++seq, 'create', LOCK_PATH, { session: `s${op.who}`, guid: `g${op.guid}` });
        } else if (op.f === 'expire') {
          apply(tree, ++seq, 'expire', `s${op.who}`);
        } else {
          const first = tree.children(LOCK_PATH)[0];
          if (first !== undefined) apply(tree, ++seq, 'delete', `${LOCK_PATH}/${first}`);
        }
        const first = tree.children(LOCK_PATH)[0];
        if (first === undefined) continue;
        expect(sequenceOf(first)).toBeGreaterThanOrEqual(lastToken);
        lastToken = sequenceOf(first);
        // Every node belongs to an open session.
        for (const child of tree.children(LOCK_PATH)) {
          expect(tree.openSessions()).toContain(tree.data.get(`n/${LOCK_PATH}/${child}`));
        }
      }
    }), { numRuns: 200, seed: 5 });
  });

  it('answers a create again with the node its guid made, and refuses an expired session', () => {
    const tree = new ZkTree();
    apply(tree, 1, 'createSession', 's1', 'c1');
    const first = apply(tree, 2, 'create', LOCK_PATH, { session: 's1', guid: 'g' });
    const again = apply(tree, 3, 'create', LOCK_PATH, { session: 's1', guid: 'g' });
    expect(again).toEqual(first);
    expect(tree.children(LOCK_PATH)).toHaveLength(1);
    expect(apply(tree, 4, 'expire', 's1')).toEqual({ outcome: 'ok', result: true });
    expect(tree.children(LOCK_PATH)).toEqual([]);
    expect(tree.expired).toEqual([{ session: 's1', client: 'c1' }]);
    expect(apply(tree, 5, 'createSession', 's1', 'c1'))
      .toEqual({ outcome: 'fail', error: 'no-session' });
    expect(apply(tree, 6, 'create', LOCK_PATH, { session: 's1', guid: 'h' }))
      .toEqual({ outcome: 'fail', error: 'no-session' });
    expect(tree.supports('get')).toBe(false);
  });
});

describe('lock: variants in runs', () => {
  it('gives one trace hash for one seed, and another for another seed, in every variant', () => {
    for (const variant of VARIANTS) {
      const spec = scenario(`compare-pause-${variant}`);
      const a = runSpec(spec, { trace: 'off' }).result.hash;
      expect(runSpec(spec, { trace: 'off' }).result.hash, variant).toBe(a);
      expect(runSpec({ ...spec, seed: 2 }, { trace: 'off' }).result.hash, variant).not.toBe(a);
    }
  });

  it('the comparison set: every lock fences the paused holder\'s late write', () => {
    for (const variant of VARIANTS) {
      expect(run(`compare-pause-${variant}`).failures, variant).toEqual([]);
      expect(metric(`compare-pause-${variant}`, 'fenced-writes'), variant).toBeGreaterThanOrEqual(1);
    }
    expect(metric('compare-pause-zookeeper', 'expired-in-pause')).toBeGreaterThanOrEqual(1);
  });

  it('the comparison set: a clock step gives two holders only with Redis on its wall clock', () => {
    for (const variant of VARIANTS) {
      expect(run(`compare-clock-${variant}`).failures, variant).toEqual([]);
      expect(metric(`compare-clock-${variant}`, 'max-holders'), variant)
        .toBe(variant === 'redis' ? 2 : 1);
    }
  });

  it('the comparison set: a lock on one server stops with it; Redlock and the service go on', () => {
    for (const fault of ['crash', 'partition']) {
      const writes = (v: string) => metric(`compare-${fault}-${v}`, 'accepted-writes');
      for (const single of ['lease', 'redis']) {
        for (const replicated of ['redlock', 'zookeeper']) {
          expect(writes(single), `${fault}: ${single} < ${replicated}`).toBeLessThan(writes(replicated));
        }
      }
    }
  });

  it('Redlock: a clock step on one instance gives two holders on wall-clock expiry only', () => {
    expect(run('redlock-clock-jump').failures).toEqual([]);
    expect(run('redlock-clock-jump').violation?.name).toBe('one-holder');
    expect(run('redlock-clock-jump-monotonic').failures).toEqual([]);
  });

  it('the coordination service wakes one waiter per handoff; the herd bug wakes them all', () => {
    expect(metric('zookeeper-handoffs', 'notifications-per-handoff')).toBeLessThanOrEqual(1.1);
    const herd = runSpec({ ...scenario('bug-watch-lock-node'), expect: { hold: ['one-holder'] } },
      { trace: 'off' });
    expect(herd.metrics['notifications-per-handoff']).toBeGreaterThan(4);
    expect(herd.metrics['notifications-per-handoff']).toBeLessThan(5);
  });

  it('a campaign of the correct locks finds nothing (faultline fuzz lock --seed 11)', () => {
    expect(campaignFailures(lock, 11, 80)).toEqual([]);
  }, 120_000);
});

describe('lock: parameters', () => {
  const base: RunSpec = { name: 'p', protocol: 'lock', params: {}, nodes: 3, faults: [],
    duration: 500_000, seed: 1 };
  const error = (params: unknown, nodes = 3): string | undefined => {
    try {
      runSpec({ ...base, params, nodes }, { trace: 'off' });
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('infers the variant from a bug and refuses a bug of another variant', () => {
    expect(error({ bugs: ['getset-race'] })).toBeUndefined();
    expect(error({ variant: 'zookeeper', bugs: ['getset-race'] }))
      .toMatch(/params\.bugs.*getset-race is a bug of the redis variant/);
    expect(error({ bugs: ['getset-race', 'watch-lock-node'] }))
      .toMatch(/params\.bugs.*different variants/);
    expect(error({}, 1)).toMatch(/nodes.*at least 2 servers/);
  });

  it('lets a scenario crash and restart a lock client, not a key-value one', () => {
    const text = (protocol: string) => `name: x\nprotocol: ${protocol}\nnodes: 3\n` +
      'workload: { clients: 1 }\nfaults:\n  - { at: 1s, crash: c1 }\n  - { at: 2s, restart: c1 }\n' +
      'duration: 3s\nseed: 1\n';
    expect(() => loadScenario(text('lock'), 'x.yaml')).not.toThrow();
    expect(() => loadScenario(text('raft'), 'x.yaml')).toThrow(/c1 is a client: crash takes a server/);
  });

  it('promises one-holder only where leases run on clocks that do not step', () => {
    const promised = (params: Record<string, unknown>) => runSpec({ ...base, params },
      { trace: 'off' }).checked;
    expect(promised({ variant: 'redis', expiryClock: 'wall' })).toEqual(['fenced-writes']);
    expect(promised({ variant: 'redis' })).toEqual(['fenced-writes', 'one-holder']);
    expect(promised({ variant: 'zookeeper' })).toEqual(['fenced-writes', 'one-holder',
      'no-herd']);
  });
});
