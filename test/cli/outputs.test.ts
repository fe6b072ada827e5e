/**
 * Output files of `faultline run --trace` (cli/outputs.ts, cli/execute.ts): the trace is
 * streamed record by record, byte for byte what a run kept in memory would write, and a file
 * appears only when complete. An error or a signal (SIGINT, SIGTERM) leaves nothing behind,
 * and a signal is noticed within a slice of the run, not at its end.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, prepareRun } from '../../runner/index.js';
import { OutputFile } from '../../cli/outputs.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/faultline.js');
let dir = '';

const RAFT = `name: traced
protocol: raft
nodes: 3
network: { latency: { dist: uniform, min: 1ms, max: 3ms } }
workload: { clients: 3, rate: 100/s, keys: 4 }
faults: [{ at: 500ms, crash: n1 }, { at: 900ms, restart: n1 }]
duration: 1.5s
seed: 4
`;

const leftovers = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

beforeAll(() => {
  expect(existsSync(cli), 'npm run build first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'faultline-outputs-'));
  writeFileSync(join(dir, 'traced.yaml'), RAFT);
  writeFileSync(join(dir, 'long.yaml'), RAFT.replace('1.5s', '525600m')
    .replace('clients: 3, rate: 100/s', 'clients: 10, rate: 500/s'));
});

describe('a streamed trace', () => {
  it('holds, line for line, what the run kept in memory would write', () => {
    const r = spawnSync(process.execPath, [cli, 'run', 'traced.yaml', '--trace', 'out.jsonl'],
      { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const streamed = readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n');
    const spec = loadScenario(RAFT, 'traced.yaml').spec;
    const kept = prepareRun(spec, { trace: 'memory' });
    kept.engine.run(spec.duration);
    const result = kept.engine.end();
    expect(JSON.parse(streamed[0] as string)).toMatchObject({ format: 'faultline-trace',
      version: 1, seed: '4', nodes: ['n1', 'n2', 'n3'], clients: ['c1', 'c2', 'c3'],
      meta: { scenario: RAFT, file: 'traced.yaml', name: 'traced' } });
    expect(r.stdout).toContain(`trace hash ${result.hash}`);
    expect(streamed.slice(1, -1)).toEqual([...kept.engine.trace.records()]
      .map((record) => JSON.stringify(record)));
    expect(streamed.at(-1)).toBe('');
  });
});

describe('an output file', () => {
  it('appears when committed and leaves nothing when discarded', () => {
    const kept = new OutputFile(join(dir, 'kept.txt'));
    kept.write('a'.repeat(3 << 20));
    kept.write('b\n');
    expect(existsSync(kept.temp)).toBe(true);
    expect(existsSync(join(dir, 'kept.txt'))).toBe(false);
    kept.commit();
    expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toHaveLength((3 << 20) + 2);
    const dropped = new OutputFile(join(dir, 'dropped.txt'));
    dropped.write('x');
    dropped.discard();
    expect(existsSync(dropped.temp) || existsSync(join(dir, 'dropped.txt'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)(
    'is removed when %s stops a traced run, and the process ends at once', async (signal, code) => {
      const child = spawn(process.execPath, [cli, 'run', 'long.yaml', '--trace', 'sig.jsonl'],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      for (let i = 0; i < 400 && leftovers().length === 0; i++) {
        await new Promise((wait) => setTimeout(wait, 25));
      }
      expect(leftovers()).toHaveLength(1);
      await new Promise((wait) => setTimeout(wait, 300));
      const sent = Date.now();
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(Date.now() - sent).toBeLessThan(5_000);
      expect(stderr).toMatch(new RegExp(`${signal}: stopped; removed the partial sig\\.jsonl\\.`));
      expect(leftovers()).toEqual([]);
      expect(existsSync(join(dir, 'sig.jsonl'))).toBe(false);
    });
});
