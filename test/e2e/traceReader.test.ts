/**
 * The visualizer's trace reader (viz/src/model), checked in Node against the engine: every
 * record of a real run reads back with the same time, kind, lanes, message id and tag as the
 * engine kept, and the same trace hash; lines in another key order, with escapes or with
 * non-ASCII text take the JSON path and read the same; bad lines are reported by line.
 */
import { describe, expect, it } from 'vitest';
import { hashRecords } from '../../sim/index.js';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { protocols } from '../../protocols/index.js';
import { toyKv } from '../support/toyKv.js';
import { parseTraceFile } from '../../viz/src/model/traceFile.js';
import { derive } from '../../viz/src/model/derive.js';

const registry = { ...protocols, toykv: toyKv };
const SCENARIO = `name: reader
protocol: toykv
nodes: 3
workload: { clients: 2, rate: 50/s, keys: 2, mix: { get: 1, put: 1 }, timeout: 20ms, attempts: 2 }
faults: [{ at: 100ms, crash: n2 }, { at: 200ms, partition: [[n1], [n3]] }, { at: 300ms, heal: all }]
duration: 400ms
seed: 9
`;

function run() {
  const prepared = prepareRun(loadScenario(SCENARIO, 'reader.yaml', registry).spec, {}, registry);
  prepared.engine.run(prepared.spec.duration);
  const report = judge(prepared);
  return { engine: prepared.engine, report };
}

describe('viz: trace reader', () => {
  it('reads every record of a run as the engine kept it, with the same hash', () => {
    const { engine, report } = run();
    const model = parseTraceFile(engine.trace.toJsonl({ seed: '9' }));
    expect(model.n).toBe(engine.trace.storedLength);
    for (let i = 0; i < model.n; i++) {
      const r = engine.trace.record(i);
      const peer = r.kind === 'send' ? r.to : r.from;
      expect([model.t[i], model.kindOf(i), model.lanes[model.node[i] as number],
        model.lanes[model.peer[i] as number], model.mid[i], model.tag(i)])
        .toEqual([r.t, r.kind, r.node, peer, r.id ?? -1, r.tag]);
    }
    const records = Array.from({ length: model.n }, (_, i) => model.record(i));
    expect(hashRecords(records, model.lanes)).toBe(report.result.hash);
    const derived = derive(model);
    expect(derived.arrowSend.length).toBeGreaterThan(0);
    expect(derived.down).toEqual([{ lane: 1, t0: 100_000, t1: model.end,
      i0: model.lowerBound(100_000), i1: model.n }]);
  });

  it('reads lines in another form through JSON, the same', () => {
    const header = JSON.stringify({ format: 'faultline-trace', version: 1, seed: '1',
      nodes: ['n1', 'n2'], clients: [] });
    const lines = [header,
      '{"i":0,"t":0,"kind":"send","node":"n1","to":"n2","id":0,"tag":"Vote","data":{}}',
      '{"kind":"deliver","t":5,"i":1,"node":"n2","from":"n1","id":0,"tag":"Vote"}',
      '{"i":2,"t":6,"kind":"note","node":"n2","tag":"r\\u00f4le \\"x\\"","data":{"a":1}}',
      '{"i":3,"t":7.5,"kind":"note","node":"n1","tag":"écrit"}',
      '{ "i": 4, "t": 8, "kind": "timer", "node": "n1", "tag": "election" }'];
    const model = parseTraceFile(`${lines.join('\n')}\n`);
    expect(model.n).toBe(5);
    expect(Array.from(model.t)).toEqual([0, 5, 6, 7.5, 8]);
    expect(Array.from({ length: model.n }, (_, i) => model.tag(i)))
      .toEqual(['Vote', 'Vote', 'rôle "x"', 'écrit', 'election']);
    expect(Array.from(model.peer)).toEqual([1, 0, -1, -1, -1]);
    expect(derive(model).arrowEnd[0]).toBe(1);
  });

  it('names the line of a bad record', () => {
    const header = JSON.stringify({ format: 'faultline-trace', version: 1, seed: '1',
      nodes: ['n1'], clients: [] });
    const bad = (line: string) => () => parseTraceFile(`${header}\n${line}\n`);
    expect(bad('{"i":0,"t":0,"kind":"explode","node":"n1"}')).toThrow('line 2: unknown kind');
    expect(bad('{"i":0,"t":0,"kind":"start","node":"n9"}')).toThrow('line 2: node "n9"');
    expect(bad('{"i":0,"t":-1,"kind":"start"}')).toThrow('line 2: expected "t"');
    expect(bad('not json')).toThrow('line 2: not JSON');
    expect(() => parseTraceFile('')).toThrow('line 1: the file is empty');
  });
});
