/**
 * `faultline sweep heartbeat`, through the built command: the trade-off rows as JSON, lower
 * thresholds erring more often, and bad options rejected with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(process.cwd(), 'dist/cli/faultline.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'sweep', ...args],
  { encoding: 'utf8' });

describe('faultline sweep', () => {
  it('prints one row per threshold and loss, trading detection time for false suspicions', () => {
    const r = run('heartbeat', '--thresholds', '1,12', '--losses', '0.1', '--seeds', '1',
      '--duration', '20s', '--json');
    expect(r.status).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: Record<string, number>[] }).rows;
    expect(rows.map((row) => [row.threshold, row.loss])).toEqual([[1, 0.1], [12, 0.1]]);
    const [low, high] = rows as [Record<string, number>, Record<string, number>];
    expect(low.falseSuspicionsPerHour).toBeGreaterThan(high.falseSuspicionsPerHour as number);
    expect(low.detectionTimeMs).toBeLessThan(high.detectionTimeMs as number);
  });

  it('rejects a loss outside [0, 1] and an unknown protocol with exit code 2', () => {
    const bad = run('heartbeat', '--losses', '2');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--losses: a comma-separated list of probabilities/);
    expect(run('raft').status).toBe(2);
  });
});
