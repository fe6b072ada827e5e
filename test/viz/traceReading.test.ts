/**
 * Reading a trace as it arrives: whatever the chunks the bytes come in, the columns, lines
 * and derived facts are those of reading the whole file at once (fast-check picks the cuts),
 * and a trace moved between threads (packTrace, then unpackTrace) is the same trace, with the
 * same hash. Link state round-trips: a scenario's text compressed into the address, faults
 * and a kept run; malformed links are errors naming the field.
 */
import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { hashRecords } from '../../sim/index.js';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { modelOf, parseTraceFile, readTrace, TraceReader } from '../../viz/src/model/traceFile.js';
import { derive } from '../../viz/src/model/derive.js';
import { type Block, BlockedReading, joinBlocks, lineEndBefore, type ReadBlock } from
  '../../viz/src/model/traceBlocks.js';
import { scanLine } from '../../viz/src/model/traceScan.js';
import { packTrace, unpackTrace } from '../../viz/src/model/transfer.js';
import { readHash, servedTrace, writeHash } from '../../viz/src/run/urlState.js';

const SCENARIO = `name: reading
protocol: heartbeat
nodes: 3
faults: [{ at: 100ms, crash: n2 }, { at: 150ms, partition: [[n1], [n3]] }, { at: 200ms, heal: all }]
duration: 300ms
seed: 9
`;

function run(): { text: string; hash: string } {
  const prepared = prepareRun(loadScenario(SCENARIO, 'reading.yaml').spec);
  prepared.engine.run(prepared.spec.duration);
  return { text: prepared.engine.trace.toJsonl({ seed: '9' }), hash: judge(prepared).result.hash };
}

const { text, hash } = run();
const bytes = new TextEncoder().encode(text);
const whole = readTrace(bytes);

describe('viz: reading traces', () => {
  test.prop([fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 })])(
    'reads the same columns whatever the chunks', (cuts) => {
      const reader = new TraceReader(bytes.length);
      const at = [...new Set(cuts)].sort((a, b) => a - b);
      let from = 0;
      for (const cut of [...at, bytes.length]) {
        reader.push(bytes.slice(from, cut));
        from = cut;
      }
      const read = reader.finish();
      expect(read.n).toBe(whole.n);
      expect(Array.from(read.columns.t)).toEqual(Array.from(whole.columns.t));
      expect(Array.from(read.columns.node)).toEqual(Array.from(whole.columns.node));
      expect(Array.from(read.columns.tagCode).map((c) => read.columns.tagTable[c]))
        .toEqual(Array.from(whole.columns.tagCode).map((c) => whole.columns.tagTable[c]));
    });

  test.prop([fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 })])(
    'reads the same trace in blocks cut at line ends, joined', (cuts) => {
      const headerEnd = bytes.indexOf(10);
      const ends = [...new Set(cuts.map((c) => lineEndBefore(bytes, headerEnd + 1, c))
        .filter((c) => c > headerEnd + 1))].sort((a, b) => a - b);
      const blocks: Block[] = [];
      let from = headerEnd + 1;
      let line = 2;
      [...ends, bytes.length].forEach((end, k, all) => {
        if (end <= from) return;
        const read = new TraceReader(end - from, bytes.subarray(from, end),
          { header: whole.info, firstLine: line, last: k === all.length - 1 }).finish();
        blocks.push({ read, offset: from, firstLine: line });
        line += read.n;
        from = end;
      });
      const joined = joinBlocks(whole.info, { start: 0, end: headerEnd }, blocks);
      expect(joined.n).toBe(whole.n);
      expect(Array.from(joined.lineStart.subarray(0, joined.n + 1)))
        .toEqual(Array.from(whole.lineStart.subarray(0, whole.n + 1)));
      expect(Array.from(joined.columns.mid)).toEqual(Array.from(whole.columns.mid.subarray(0, whole.n)));
      expect(Array.from(joined.columns.tagCode).map((c) => joined.columns.tagTable[c]))
        .toEqual(Array.from(whole.columns.tagCode.subarray(0, whole.n))
          .map((c) => whole.columns.tagTable[c]));
    });

  /**
   * Reads blocks as the worker's block readers do: not knowing where they lie, and with the
   * block's bytes moved out of the caller's reach (a transfer detaches them), back with the read.
   */
  const unplaced: ReadBlock = async (block, header, last) => {
    const moved = structuredClone(block, { transfer: [block.buffer as ArrayBuffer] });
    try {
      return { read: new TraceReader(moved.length, moved, { header, last }).finish() };
    } catch (error) {
      return { error, bytes: moved };
    }
  };

  /** Reads `input` as the trace worker does: chunks as they arrive, blocks of `size` bytes. */
  async function blocked(input: Uint8Array, cuts: readonly number[], size: number) {
    const reading = new BlockedReading(unplaced, size);
    let from = 0;
    for (const cut of [...[...new Set(cuts)].sort((a, b) => a - b), input.length]) {
      if (cut > from) reading.push(input.slice(from, cut));
      from = Math.max(from, cut);
    }
    return reading.finish();
  }

  test.prop([fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }),
    fc.integer({ min: 64, max: 20_000 })])(
    'reads the same trace chunk by chunk in blocks read before their place is known',
    async (cuts, size) => {
      const read = await blocked(bytes, cuts, size);
      expect(read.pieces.length).toBeGreaterThan(size < 10_000 ? 1 : 0);
      expect(Array.from({ length: read.n }, (_, i) => modelOf(read).record(i)))
        .toEqual(Array.from({ length: whole.n }, (_, i) => modelOf(whole).record(i)));
      expect(read.n).toBe(whole.n);
      for (const column of ['t', 'kind', 'node', 'peer', 'mid'] as const) {
        expect(Array.from(read.columns[column])).toEqual(
          Array.from(whole.columns[column].subarray(0, whole.n)));
      }
      expect(Array.from(read.columns.tagCode).map((c) => read.columns.tagTable[c]))
        .toEqual(Array.from(whole.columns.tagCode.subarray(0, whole.n))
          .map((c) => whole.columns.tagTable[c]));
      expect(Array.from(read.lineEnd.subarray(0, read.n + 1)))
        .toEqual(Array.from(whole.lineEnd.subarray(0, whole.n + 1)));
      const { hash: recomputed } = unpackTrace(structuredClone(
        (await import('../../viz/src/model/transfer.js')).packRead(read).packed));
      expect(recomputed).toBe(hash);
    });

  test.prop([fc.integer({ min: 3, max: 400 }), fc.constantFrom(
    (l: string) => l.replace(/"i":\d+/, '"i":7'),
    (l: string) => l.replace(/"kind":"\w+"/, '"kind":"teleport"'),
    (l: string) => l.replace(/"node":"\w+"/, '"node":"n9"'),
    (l: string) => l.replace(/"t":\d+/, '"t":0'),
    (l: string) => `${l.slice(0, -1)}`,
    () => '',
  ), fc.integer({ min: 200, max: 5_000 })])(
    'reports a bad line in a late block at its true line, as reading it whole does',
    async (at, spoil, size) => {
      const lines = text.split('\n');
      const k = Math.min(at, lines.length - 3);
      const bad = new TextEncoder().encode(
        [...lines.slice(0, k), spoil(lines[k] as string), ...lines.slice(k + 1)].join('\n'));
      let expected = '';
      try {
        readTrace(bad);
      } catch (error) {
        expected = (error as Error).message;
      }
      if (expected === '') {
        await expect(blocked(bad, [], size)).resolves.toBeDefined();
        return;
      }
      await expect(blocked(bad, [], size)).rejects.toThrow(expected);
    });

  test.prop([fc.integer({ min: 1, max: 2000 }), fc.string({ maxLength: 3 }),
    fc.integer({ min: 0, max: 60 })])(
    'scans a line to the fields JSON.parse gives, or leaves it to JSON.parse',
    (k, junk, where) => {
      const lines = text.split('\n');
      const line = lines[1 + (k % (lines.length - 2))] as string;
      const spoilt = `${line.slice(0, where)}${junk}${line.slice(where)}`;
      for (const candidate of [line, spoilt]) {
        const b = new TextEncoder().encode(candidate);
        const s = scanLine(b, 0, b.length);
        if (candidate === line) expect(s).toBeDefined();
        if (s === undefined) continue;
        let r: Record<string, unknown>;
        try {
          r = JSON.parse(candidate) as Record<string, unknown>;
        } catch {
          continue; // a payload is checked when it is read, not here
        }
        expect({ i: s.i, t: s.t, kind: s.kind, node: s.node, peer: s.peer, id: s.id, tag: s.tag })
          .toEqual({ i: r.i, t: r.t, kind: r.kind, node: r.node, peer: r.to ?? r.from,
            id: r.id ?? -1, tag: r.tag });
        expect(s.peerKey).toBe('to' in r ? 'to' : 'from' in r ? 'from' : undefined);
      }
    });

  it('names the line of a time that goes back across a cut between blocks', () => {
    const headerEnd = bytes.indexOf(10);
    const cut = lineEndBefore(bytes, headerEnd + 1, Math.floor(bytes.length / 2));
    const tail = new TextEncoder().encode(text.slice(cut).replace(/"t":\d+/, '"t":0'));
    const first = new TraceReader(cut - headerEnd - 1, bytes.subarray(headerEnd + 1, cut),
      { header: whole.info, firstLine: 2, last: false }).finish();
    const second = new TraceReader(tail.length, tail,
      { header: whole.info, firstLine: 2 + first.n, last: true }).finish();
    expect(() => joinBlocks(whole.info, { start: 0, end: headerEnd },
      [{ read: first, offset: headerEnd + 1, firstLine: 2 },
        { read: second, offset: cut, firstLine: 2 + first.n }]))
      .toThrow(`line ${2 + first.n}: time 0 goes back`);
  });

  it('moves a trace between threads unchanged, with its hash', () => {
    const { packed } = packTrace(bytes.slice());
    const moved = structuredClone(packed);
    const { model, derived, hash: recomputed } = unpackTrace(moved);
    expect(recomputed).toBe(hash);
    const records = Array.from({ length: model.n }, (_, i) => model.record(i));
    expect(hashRecords(records, model.lanes)).toBe(hash);
    expect(derived.sendOf.get(model.mid[derived.arrowSend[0] as number] as number))
      .toBe(derived.arrowSend[0]);
    expect(derived.down.map((d) => model.lanes[d.lane])).toEqual(['n2']);
  });

  it('moves client operations between threads as columns, the same operations', () => {
    const file = 'scenarios/raft/leader-failure.yaml';
    const prepared = prepareRun(loadScenario(readFileSync(file, 'utf8'), file).spec);
    prepared.engine.run(prepared.spec.duration);
    const raft = new TextEncoder().encode(prepared.engine.trace.toJsonl({ seed: '1' }));
    const here = derive(parseTraceFile(raft));
    // Several outcomes, so a mix-up of their codes would show.
    expect(new Set(here.ops.map((o) => o.meaning)).size).toBeGreaterThanOrEqual(3);
    const { packed } = packTrace(raft.slice());
    expect(unpackTrace(structuredClone(packed)).derived.ops).toEqual(here.ops);
  });

  it('rejects a blank line inside a trace, naming it', () => {
    const lines = text.split('\n');
    const bad = [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n');
    expect(() => readTrace(bad)).toThrow('line 4: a blank line inside the trace');
  });
});

describe('viz: links', () => {
  it('round-trips a scenario text, seed, faults and a kept run', async () => {
    const state = { text: SCENARIO, name: 'mine.yaml', seed: '7',
      faults: [{ at: 5, fault: { kind: 'crash' as const, node: 'n1' } }],
      fork: { scenario: 'raft/leader-failure', seed: '2', faults: [] }, step: 3 };
    const back = await readHash(await writeHash(state));
    expect(back).toEqual(state);
  });

  it.each([
    ['#open=input/run.jsonl', 'input/run.jsonl'],
    ['#open=input/run.jsonl&step=2', 'input/run.jsonl'],
    ['#open=input/run.json', 'input/run.json'],
    ['#open=input/scenario.yaml', undefined],
    ['#open=input%2F..%2Fsecret.jsonl', undefined],
    ['#open=/etc/run.jsonl', undefined],
    ['#open=input/a%20b.jsonl', undefined],
    ['#scenario=raft/leader-failure', undefined],
  ])('starts reading %s before the app loads only when it names a served trace: %s',
    (hash, path) => {
      expect(servedTrace(hash)).toBe(path);
    });

  it.each([
    ['#scenario=leader-failure', '"scenario" must be a key'],
    ['#scenario=raft/x&src=abc', 'both "scenario" and "src"'],
    ['#fork=[1]', '"fork" must be an object'],
    ['#fork={"seed":""}', '"fork.seed" must be a number or a short string'],
    ['#step=-1', '"step" must be a step number'],
  ])('refuses %s', async (hash, message) => {
    await expect(readHash(hash)).rejects.toThrow(message);
  });
});
