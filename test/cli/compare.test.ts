/**
 * `faultline compare` and `faultline sweep FILE` through the built command: the table and its
 * JSON, designs saved as scenarios that replay, plain scenario files compared together, bad
 * input refused with its place (exit 2); a sweep's rows with intervals, as text, JSON and CSV,
 * and the availability report of a scenario that draws its failures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(process.cwd(), 'dist/cli/faultline.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args],
  { encoding: 'utf8', cwd: process.cwd() });
const COMMIT = 'scenarios/compare/commit.yaml';

describe('faultline compare', () => {
  it('prints one table, a column per design, and the relations it checked', () => {
    const r = run('compare', COMMIT);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASSED {2}compare-commit {2}\(2 designs, seed 1\)/);
    expect(r.stdout).toMatch(/figure +2pc +paxos-commit\n/);
    for (const row of ['availability (answered ops)', 'availability in time', 'linearizable',
      'RTO per outage ms', 'latency p50 ms', 'messages per op', "twopc's own figures:",
      'blocked-time-max-ms']) {
      expect(r.stdout).toContain(row);
    }
    expect(r.stdout).toContain('holds  2pc.blocked-time-max-ms > 1900');
    expect(r.stdout).toMatch(/2pc +twopc \{ variant: 2pc \}; leader@1004\.113ms = n1/);
  });

  it('prints the same table as JSON, and saves each design as a scenario that replays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-compare-'));
    const r = run('compare', COMMIT, '--json', '--out', dir);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const c = doc.comparisons[0];
    expect(doc.passed).toBe(true);
    expect(c.designs.map((d: { name: string }) => d.name)).toEqual(['2pc', 'paxos-commit']);
    const row = c.table.find((t: { key: string }) => t.key === 'messages-per-op');
    expect(row.values[1]).toBeGreaterThan(row.values[0]);
    expect(c.relations.every((x: { holds: boolean }) => x.holds)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['compare-commit-2pc.yaml',
      'compare-commit-paxos-commit.yaml']);
    const saved = join(dir, 'compare-commit-2pc.yaml');
    expect(readFileSync(saved, 'utf8')).toMatch(/crash: n1/);
    const replay = run('replay', saved);
    expect(replay.stdout).toContain(`reproduced: trace hash ${c.designs[0].run.hash}`);
  });

  it('writes every design with --out or none: a file it cannot write removes the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-compare-'));
    mkdirSync(join(dir, 'compare-commit-paxos-commit.yaml')); // the second design's file
    const r = run('compare', COMMIT, '--out', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: cannot write .*compare-commit-paxos-commit\.yaml/);
    expect(readdirSync(dir)).toEqual(['compare-commit-paxos-commit.yaml']);
  });

  it('compares scenario files named together, and notes where their conditions differ', () => {
    const same = run('compare', 'scenarios/twopc/blocking-2pc.yaml',
      'scenarios/twopc/blocking-paxos-commit.yaml');
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/twopc-blocking-2pc +twopc-blocking-paxos-commit/);
    expect(same.stdout).not.toContain('note:');
    const differ = run('compare', 'scenarios/replication/master-crash-async.yaml',
      'scenarios/replication/master-crash-sync.yaml', '--json');
    expect(JSON.parse(differ.stdout).comparisons[0].conditionsDiffer).not.toEqual(['params']);
  });

  it('compares the lock set and the balancer policies, each under one fault script', () => {
    type Doc = { comparisons: { conditionsDiffer: string[]; passed: boolean;
      designs: { params: Record<string, unknown>; run: { metrics: Record<string, number> } }[];
      table: { key: string; values: (number | null)[] }[] }[] };
    const compare = (...files: string[]) => {
      const r = run('compare', ...files, '--json');
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Doc).comparisons[0] as Doc['comparisons'][0];
    };
    // Three forward steps of n1's clock: Redis judges expiry on it and grants the lock twice;
    // the lease service, Redlock's majority and the coordination service do not.
    const locks = compare(...['lease', 'redis', 'redlock', 'zookeeper'].map((v) =>
      `scenarios/lock/compare-clock-${v}.yaml`));
    expect(locks.conditionsDiffer).toEqual([]);
    expect(locks.designs.map((d) => [d.params.variant, d.run.metrics['max-holders']]))
      .toEqual([['lease', 1], ['redis', 2], ['redlock', 1], ['zookeeper', 1]]);
    // Locks record no client history: no shared client figures, and no verdict.
    expect(locks.table.find((row) => row.key === 'client-availability')?.values)
      .toEqual([null, null, null, null]);
    // A backend crash: round robin keeps sending to it until the probes take it out; least
    // connections sends it less, as its requests pile up unanswered.
    const pool = compare('scenarios/balancer/crash-round-robin.yaml',
      'scenarios/balancer/crash-least-connections.yaml');
    expect(pool.conditionsDiffer).toEqual([]);
    const [rr, lc] = pool.designs.map((d) => d.run.metrics) as [Record<string, number>,
      Record<string, number>];
    expect(rr['requests-to-dead']).toBeGreaterThan(lc['requests-to-dead'] as number);
    expect(pool.table.find((row) => row.key === 'client-availability')?.values
      .every((v) => v !== null && v > 0.99)).toBe(true);
  }, 60_000);

  it('refuses bad input with its place, and one scenario alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-compare-'));
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(COMMIT, 'utf8')
      .replace('variant: paxos-commit', 'variant: three-phase'));
    const bad = spawnSync(process.execPath, [cli, 'compare', 'bad.yaml'],
      { encoding: 'utf8', cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.yaml:\d+:\d+: compare\.targets\.paxos-commit\.params\.variant: /);
    const alone = run('compare', 'scenarios/raft/leader-failure.yaml');
    expect(alone.status).toBe(2);
    expect(alone.stderr).toMatch(/one scenario is not a comparison/);
    const viaRun = run('run', COMMIT);
    expect(viaRun.status).toBe(2);
    expect(viaRun.stderr).toMatch(/compare: this file compares designs: run it with `faultline compare`/);
  });
});

describe('faultline sweep FILE', () => {
  it('varies a field over its values and seeds: rows with intervals, as JSON and CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    const csv = join(dir, 'rows.csv');
    const r = run('sweep', COMMIT, '--vary', 'params.decisionTimeout=150ms', '--seeds', '1-2');
    expect(r.stderr).toMatch(/params: a comparison names its protocols/);
    expect(r.status).toBe(2);
    const ok = run('sweep', COMMIT, '--vary', 'network.loss=0,0.05', '--seeds', '1-2', '--json',
      '--csv', csv);
    expect(ok.status, ok.stderr).toBe(0);
    const doc = JSON.parse(ok.stdout);
    expect(doc.format).toBe('faultline-sweep');
    expect(doc.rows.map((x: { design: string; values: Record<string, number> }) =>
      `${x.design} ${x.values['network.loss']}`)).toEqual(['2pc 0', 'paxos-commit 0',
      '2pc 0.05', 'paxos-commit 0.05']);
    const m = doc.rows[0].metrics['client-availability'];
    expect(m.n).toBe(2);
    expect(m.lo).toBeLessThanOrEqual(m.mean);
    expect(m.hi).toBeGreaterThanOrEqual(m.mean);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^design,protocol,network\.loss,runs,failed,/);
    expect(lines[0]).toContain('client-availability,client-availability_lo,client-availability_hi');
  }, 120_000);

  it('sets the MTBF/MTTR formulas beside the measurement for drawn failures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    writeFileSync(join(dir, 'f.yaml'), `name: drawn
protocol: raft
nodes: 3
workload: { clients: 1, rate: 10/s, keys: 2, mix: { get: 0.5, put: 0.5 } }
failures: { mtbf: 10s, mttr: 1s }
duration: 30s
seed: 1
`);
    const r = spawnSync(process.execPath, [cli, 'sweep', 'f.yaml', '--runs', '3', '--vary',
      'failures.mttr=1s,2s', '--vary', 'nodes=3,5'], { encoding: 'utf8', cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/server: formula +measured \(95% CI\) +quorum +cluster: formula/);
    // 10 / 11 and 10 / 12 for one server; a majority of each cell's own servers.
    expect(r.stdout).toMatch(/raft +1s +3 +0\.9091 .+ 2 of 3 +0\.9767 /);
    expect(r.stdout).toMatch(/raft +2s +3 +0\.8333 .+ 2 of 3 +0\.9259 /);
    expect(r.stdout).toMatch(/raft +1s +5 +0\.9091 .+ 3 of 5 +0\.9935 /);
  }, 120_000);

  it('refuses a bad axis, bad seeds and an unmeasured figure with exit 2', () => {
    expect(run('sweep', COMMIT, '--vary', 'network.loss').stderr).toMatch(/--vary: PATH=V1,V2/);
    expect(run('sweep', COMMIT, '--runs', '0').status).toBe(2);
    expect(run('sweep', COMMIT, '--seeds', '5-1').status).toBe(2);
    expect(run('sweep', 'scenarios/raft/leader-failure.yaml', '--runs', '1', '--metrics',
      'nope').stderr).toMatch(/--metrics: nope not measured; these were: /);
    expect(run('sweep', 'nowhere.yaml').stderr).toMatch(/nowhere\.yaml: cannot read/);
  }, 60_000);

  it('refuses an output path it cannot write with exit 2, naming it, and leaves nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    writeFileSync(join(dir, 'file'), 'not a folder');
    mkdirSync(join(dir, 'folder'));
    const at = (...args: string[]) => spawnSync(process.execPath, [cli, ...args],
      { encoding: 'utf8', cwd: dir });
    const commit = join(process.cwd(), COMMIT);
    for (const [args, message] of [
      [['sweep', commit, '--runs', '1', '--csv', 'file/rows.csv'],
        /^--csv: cannot write file\/rows\.csv \(a folder on its path is a file, E\w+\)\n$/],
      [['sweep', commit, '--runs', '1', '--out', 'file/rows.json'],
        /^--out: cannot write file\/rows\.json \(a folder on its path is a file, E\w+\)\n$/],
      [['sweep', commit, '--runs', '1', '--csv', 'folder'],
        /^--csv: cannot write folder \(it is a folder, EISDIR\)\n$/],
      [['compare', commit, '--out', 'file'],
        /^--out: cannot write file\/compare-commit-2pc\.yaml \(a folder on its path is a file/],
    ] as const) {
      const r = at(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(dir).sort()).toEqual(['file', 'folder']);
    expect(readdirSync(join(dir, 'folder'))).toEqual([]);
  }, 60_000);
});
