/**
 * The trace readers never crash, on real traces mutated as a careless or hostile user would
 * (runner/mutate.ts): `faultline replay`'s reader either reads a trace (its scenario, seed and
 * hash) or gives bad input at `file:line:column`; the visualizer's reader, with the same
 * schema, accepts whatever replay's accepts; the heap stays under 1 GiB. Ten of the mutants
 * also go through the built CLI: exit 2 with a location, or a verdict, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRACE_FORMAT_VERSION } from '../../sim/index.js';
import { clusterIds, loadScenario, runSpec } from '../../runner/index.js';
import { mutatedTrace } from '../../runner/mutate.js';
import { protocols } from '../../protocols/index.js';
import { fromTrace } from '../../cli/commands/replay.js';
import { InputError } from '../../cli/io.js';
import { parseTraceFile, TraceFileError } from '../../viz/src/model/traceFile.js';

const root = resolve(import.meta.dirname, '../..');
const SOURCES = ['raft/leader-failure', 'paxos/acceptor-crash-restart', 'twopc/happy-path',
  'heartbeat/long-pause'].map((name) => `scenarios/${name}.yaml`);
let dir = '';
let traces: string[] = [];

/** A trace file as `faultline run --trace` writes it: header with its scenario, then records. */
function traceOf(file: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const spec = loadScenario(text, file).spec;
  const { servers, clients } = clusterIds(spec);
  const lines = [JSON.stringify({ format: 'faultline-trace', version: TRACE_FORMAT_VERSION,
    seed: String(spec.seed), nodes: servers, clients, meta: { scenario: text, file,
      name: spec.name } })];
  runSpec(spec, { trace: 'stream', traceSink: (line) => lines.push(line) });
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-trace-fuzz-'));
  traces = SOURCES.map(traceOf);
});

/** Reads a mutated trace as replay does: 'read' or 'refused', else the test fails. */
function replayReader(text: string): 'read' | 'refused' {
  const file = join(dir, 'mutant.jsonl');
  writeFileSync(file, text);
  try {
    const recorded = fromTrace(file, protocols);
    expect(recorded.hash).toMatch(/^[0-9a-f]{16}$/);
    return 'read';
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.message).toMatch(/^\S*mutant\.jsonl(?: \(from [^)]+\))?:\d+:\d+: \S/);
    return 'refused';
  }
}

function vizReader(text: string): 'read' | 'refused' {
  try {
    parseTraceFile(text);
    return 'read';
  } catch (error) {
    if (!(error instanceof TraceFileError)) throw error;
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
    return 'refused';
  }
}

describe('trace readers under mutation', () => {
  it('read or refuse at a place, never crash, and agree', () => {
    const seen = { read: 0, refused: 0 };
    let heap = 0;
    const arb = fc.nat(traces.length - 1).chain((i) => mutatedTrace(traces[i] as string));
    fc.assert(fc.property(arb, (text) => {
      const replay = replayReader(text);
      const viz = vizReader(text);
      seen[replay]++;
      // The visualizer parses a record's payload only when shown: it may accept more.
      if (replay === 'read') expect(viz).toBe('read');
      heap = Math.max(heap, process.memoryUsage().heapUsed);
    }), { numRuns: 300, seed: 5 });
    expect(seen.read).toBeGreaterThan(5);
    expect(seen.refused).toBeGreaterThan(100);
    expect(heap).toBeLessThan(2 ** 30);
  }, 120_000);

  const cli = join(root, 'dist/cli/faultline.js');
  it.skipIf(!existsSync(cli))('go through `faultline replay` with a location or a verdict', () => {
    const mutants = fc.sample(fc.nat(traces.length - 1).chain((i) =>
      mutatedTrace(traces[i] as string)), { numRuns: 10, seed: 6 });
    mutants.forEach((text, i) => {
      writeFileSync(join(dir, `m${i}.jsonl`), text);
      const r = spawnSync(process.execPath, [cli, 'replay', `m${i}.jsonl`],
        { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toMatch(/\n\s+at |TypeError|RangeError/);
      if (r.status === 2) {
        expect(r.stderr).toMatch(new RegExp(`^m${i}\\.jsonl(?: \\(from [^)]+\\))?:\\d+:\\d+: `));
      }
      else expect(r.stdout).toMatch(/reproduced/);
    });
  }, 300_000);
});
