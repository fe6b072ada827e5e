/**
 * Linearizability checker benchmark: the Porcupine test histories, timed as Porcupine's own
 * benchmark does (verdict only, no explanation). The goals are Porcupine (Go) times measured
 * on this machine type (the project's own measurement; test/data/porcupine holds the data); they are not a same-run
 * baseline, so they go in `goal`, never in `ratio`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '../sim/check/history.js';
import { parseHistory } from '../sim/check/historyFormat.js';
import { checkHistory } from '../sim/check/linearizability.js';
import { kvModel } from '../sim/check/models/kv.js';
import { registerModel } from '../sim/check/models/register.js';
import type { BenchRow, BenchSuite } from './row.js';
import { bestMs } from './row.js';

/** Porcupine's histories, with their licence, in the repository (run from its root). */
const DATA = path.resolve(process.cwd(), 'test/data/porcupine');

function load(folder: string, file: string): HistoryEvent[] {
  return parseHistory(readFileSync(path.join(DATA, folder, file), 'utf8'), file).events;
}

/** Rows: all etcd histories, kv c50-ok and kv c50-bad, each the best of 3 runs. */
export const linearizabilityBench: BenchSuite = (): BenchRow[] => {
  const etcd = readdirSync(path.join(DATA, 'jepsen'))
    .filter((f) => /^etcd_\d{3}\.log$/.test(f) && f !== 'etcd_095.log')
    .sort()
    .map((f) => load('jepsen', f));
  const register = registerModel();
  const kv = kvModel({ initial: '' });
  const quiet = { explain: false } as const;
  const c50ok = load('kv', 'c50-ok.txt');
  const c50bad = load('kv', 'c50-bad.txt');
  const etcdMs = bestMs(() => {
    for (const events of etcd) checkHistory(register, events, quiet);
  });
  return [
    {
      name: `linearizability: ${etcd.length} etcd histories (Porcupine jepsen/)`,
      value: etcdMs,
      unit: 'ms',
      goal: 'Porcupine (Go) 350 ms',
    },
    {
      name: 'linearizability: kv c50-ok, partitioned',
      value: bestMs(() => checkHistory(kv, c50ok, quiet)),
      unit: 'ms',
      goal: 'Porcupine (Go) 154 ms',
    },
    {
      name: 'linearizability: kv c50-bad, partitioned',
      value: bestMs(() => checkHistory(kv, c50bad, quiet)),
      unit: 'ms',
      goal: 'Porcupine (Go) 23 ms',
    },
  ];
};
