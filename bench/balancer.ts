/**
 * Load-balancer benchmarks:
 * - throughput: client requests a balancer serves per wall-clock second, in a run of the real
 *   protocol (one balancer, four backends, 16 clients at 100/s each, round robin and Maglev,
 *   every property checked after every event), with the simulated requests per simulated
 *   second beside it for scale;
 * - keys moved by a resize: the share of 100,000 keys whose backend changes when a pool of 5
 *   grows to 6 and shrinks to 4, under the ring (100 points per backend), Maglev (65,537
 *   slots) and hash mod n, against the ideal 1/6 and 1/5 (the maps are the protocol's own,
 *   protocols/balancer/hashing.ts).
 */
import { keyMap, keysMoved } from '../protocols/balancer/hashing.js';
import { prepareRun, type RunSpec } from '../runner/index.js';
import { type BenchRow, type BenchSuite, bestMs } from './row.js';

const SIMULATED = 10_000_000;

function spec(policy: string): RunSpec {
  return { name: 'balancer-bench', protocol: 'balancer', params: { policy }, nodes: 5,
    faults: [], duration: SIMULATED, seed: 1,
    network: { latency: { dist: 'uniform', min: 500, max: 1_500 } },
    workload: { clients: 16, rate: 100, keys: 1_000, mix: { get: 0.7, order: 0.3 },
      timeout: 500_000, attempts: 3 } };
}

function throughputRows(): BenchRow[] {
  // One run first, so that neither measured policy pays for the JIT warming up.
  prepareRun({ ...spec('round-robin'), duration: 2_000_000 }, { trace: 'off' }).engine
    .run(2_000_000);
  return ['round-robin', 'maglev'].flatMap((policy) => {
    let served = 0;
    const seconds = bestMs(() => {
      const run = prepareRun(spec(policy), { trace: 'off' });
      run.engine.run(SIMULATED);
      served = run.engine.history.filter((e) => e.type === 'ok').length;
    }, 2) / 1e3;
    const name = `balancer ${policy}, 4 backends, 16 clients x 100/s offered, properties checked`;
    return [
      { name: `${name}: requests served per wall second`, value: served / seconds,
        unit: 'requests/s' },
      { name: `${name}: requests served per simulated second`, value: served / (SIMULATED / 1e6),
        unit: 'requests/sim s' },
    ];
  });
}

const KEYS = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);
const POOL = ['n2', 'n3', 'n4', 'n5', 'n6'];

function resizeRows(): BenchRow[] {
  const settings = { vnodes: 100, maglevSize: 65_537 };
  const changes = [
    { label: '5 -> 6 backends', after: [...POOL, 'n7'] },
    { label: '5 -> 4 backends', after: POOL.slice(0, 4) },
  ];
  return (['ring', 'maglev', 'modulo'] as const).flatMap((kind) => changes.map(({ label, after }) => {
    const { moved, ideal } = keysMoved(keyMap(kind, POOL, settings), keyMap(kind, after, settings),
      KEYS);
    return { name: `balancer resize ${label}, ${kind}: share of 100k keys moved`, value: moved,
      unit: `of keys (ideal ${ideal.toFixed(3)})`, baseline: 'ideal', ratio: moved / ideal };
  }));
}

export const balancerBench: BenchSuite = () => [...throughputRows(), ...resizeRows()];
