/**
 * replication: `masterReads: local` against the default ReadIndex. A master cut off with a
 * client answers that client's reads from its own state at once (as MySQL, PostgreSQL and
 * Redis primaries do), where ReadIndex waits for a majority that never answers; and the mode
 * no longer promises linearizability, so a run checks it only when asked.
 */
import { describe, expect, it } from 'vitest';
import { type RunSpec, runSpec } from '../../runner/index.js';

const spec = (masterReads: string): RunSpec => ({
  name: `master-reads-${masterReads}`, protocol: 'replication',
  params: { mode: 'async', masterReads }, nodes: 3, seed: 4, duration: 4_000_000,
  network: { latency: { dist: 'uniform', min: 1_000, max: 3_000 } },
  workload: { clients: 2, rate: 50, keys: 2, mix: { get: 1, put: 0.5 }, timeout: 200_000,
    attempts: 2 },
  // n3, elected the first master under this seed, alone with c1 for two seconds.
  faults: [{ at: 1_000_000, fault: { kind: 'partition', groups: [['n3', 'c1'], ['n1', 'n2', 'c2']] } },
    { at: 3_000_000, fault: { kind: 'heal' } }],
});

/** c1's reads answered `ok` while it was cut off with the old master. */
function cutOffReads(masterReads: string): { ok: number; all: number; checked: readonly string[] } {
  const report = runSpec(spec(masterReads), { trace: 'off' });
  let ok = 0;
  let all = 0;
  for (const e of report.history) {
    if (e.process !== 'c1' || e.f !== 'get') continue;
    if (e.type !== 'invoke' && e.time > 1_100_000 && e.time < 2_900_000) {
      all++;
      if (e.type === 'ok') ok++;
    }
  }
  return { ok, all, checked: report.checked };
}

describe('replication: where the master reads', () => {
  it('answers a cut-off client\'s reads locally, and ReadIndex does not', () => {
    const local = cutOffReads('local');
    const confirmed = cutOffReads('read-index');
    expect(local.all).toBeGreaterThan(5);
    expect(local.ok).toBe(local.all);
    expect(confirmed.ok).toBe(0);
  });

  it('promises linearizability only with reads confirmed by a majority', () => {
    expect(cutOffReads('local').checked).not.toContain('linearizable');
    const sync: RunSpec = { ...spec('read-index'), params: { mode: 'sync' }, faults: [] };
    expect(runSpec(sync, { trace: 'off' }).checked).toContain('linearizable');
    const local: RunSpec = { ...sync, params: { mode: 'sync', masterReads: 'local' } };
    expect(runSpec(local, { trace: 'off' }).checked).not.toContain('linearizable');
  });
});
