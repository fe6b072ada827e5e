/**
 * Engine benchmarks: events per second with trivial handlers at about 1k and 10k pending
 * events, beside the same workload on a bare loop over the typed-array heap (the engine's
 * ceiling), and memory per million trace records kept in memory.
 *
 * The workload: every node keeps T timers armed; each firing re-arms its timer with a delay
 * drawn from the node's prng. So the queue holds nodes × T events throughout, and each engine
 * event is one pop, one dispatch, one trace record and one push.
 */
import { Engine, EventQueue, type NodeContext, type NodeProgram, Prng, Trace } from '../sim/index.js';
import { type BenchRow, type BenchSuite, measureRate } from './row.js';

const NODES = 10;

class Ticker implements NodeProgram<never> {
  constructor(private readonly timers: number) {}
  start(ctx: NodeContext<never>): void {
    for (let i = 0; i < this.timers; i++) ctx.setTimer(`t${i}`, ctx.prng.int(1, 1_000));
  }
  onTimer(ctx: NodeContext<never>, name: string): void {
    ctx.setTimer(name, ctx.prng.int(1, 1_000));
  }
  onMessage(): void {}
}

/** Engine events per second with `pending` events queued, tracing at `level`. */
function engineRate(pending: number, level: 'off' | 'memory'): number {
  const timers = pending / NODES;
  const servers = Array.from({ length: NODES }, (_, i) => `n${i + 1}`);
  let engine = new Engine<never>({ seed: 1, servers, program: () => new Ticker(timers), trace: level });
  const slice = 200_000;
  return measureRate(() => {
    if (engine.trace.length > 4_000_000) {
      engine = new Engine<never>({ seed: 1, servers, program: () => new Ticker(timers), trace: level });
    }
    const before = engine.trace.length;
    for (let i = 0; i < slice && engine.step(); i++);
    return engine.trace.length - before;
  }, 1_500);
}

/** The same workload as a bare pop/push loop over the engine's heap. */
function bareRate(pending: number): number {
  const queue = new EventQueue<number>(pending);
  const prng = new Prng('bare', '1');
  for (let i = 0; i < pending; i++) queue.push(prng.int(1, 1_000), i);
  const slice = 200_000;
  return measureRate(() => {
    for (let i = 0; i < slice; i++) {
      const time = queue.peekTime();
      const payload = queue.pop() as number;
      queue.push(time + prng.int(1, 1_000), payload);
    }
    return slice;
  }, 1_500);
}

/** Bytes of heap and array buffers per million trace records kept in memory. */
function traceMemoryPerMillion(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = used();
  const trace = new Trace('memory', ['n1', 'n2', 'n3']);
  const data = { term: 1 };
  for (let i = 0; i < 1_000_000; i++) trace.add(i, 'send', 'n1', 'n2', i, 'AppendEntries', data);
  gc?.();
  const bytes = used() - before;
  if (trace.length !== 1_000_000) throw new Error('trace lost records');
  return bytes;
}

export const engineBench: BenchSuite = () => {
  const rows: BenchRow[] = [];
  for (const pending of [1_000, 10_000]) {
    const bare = bareRate(pending);
    const off = engineRate(pending, 'off');
    const memory = engineRate(pending, 'memory');
    const label = `${pending / 1000}k pending`;
    rows.push({ name: `bare heap loop, ${label}`, value: bare, unit: 'events/s' });
    rows.push({ name: `engine, trace off, ${label}`, value: off, unit: 'events/s',
      baseline: `bare heap loop, ${label}`, ratio: off / bare, goal: '>= 0.6x bare' });
    rows.push({ name: `engine, trace in memory, ${label}`, value: memory, unit: 'events/s',
      baseline: `bare heap loop, ${label}`, ratio: memory / bare });
  }
  rows.push({ name: 'trace memory per 1M records', value: traceMemoryPerMillion() / 2 ** 20,
    unit: 'MiB' });
  return rows;
};
