/**
 * The trace file schema (sim/traceSchema.ts) that the visualizer and `faultline replay` both
 * read with: a real run's trace passes it; each kind of broken header or record is refused at
 * its line and column; and the JSON syntax locator agrees with JSON.parse on what is JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, jsonErrorAt, readTraceHeader, TraceChecker, TraceFormatError } from
  '../../sim/index.js';
import { PingEcho } from '../support/pingEcho.js';

function trace(): string[] {
  const engine = new Engine({ seed: 3, servers: ['n1', 'n2'], clients: ['c1'],
    program: (id) => new PingEcho(id), network: { latency: { dist: 'constant', value: 1_000 } } });
  engine.run(20_000);
  return engine.trace.toJsonl({ seed: '3' }).trim().split('\n');
}

/** Reads a whole trace; returns the record count or the error's `line:column: reason`. */
function read(lines: readonly string[]): number | string {
  try {
    const checker = new TraceChecker(readTraceHeader(lines[0] ?? ''));
    lines.slice(1).forEach((line, i) => checker.read(line, i + 2));
    return checker.count;
  } catch (error) {
    if (!(error instanceof TraceFormatError)) throw error;
    return `${error.line}:${error.column}: ${error.reason}`;
  }
}

const HEADER = { format: 'faultline-trace', version: 1, seed: '3', nodes: ['n1', 'n2'],
  clients: ['c1'] };
const header = (patch: Record<string, unknown>): string =>
  JSON.stringify({ ...HEADER, ...patch });

describe('trace schema', () => {
  it('passes every record of a real run', () => {
    const lines = trace();
    expect(lines.length).toBeGreaterThan(20);
    expect(read(lines)).toBe(lines.length - 1);
  });

  it('refuses a header of another version, or without a seed or nodes', () => {
    const body = trace().slice(1);
    expect(read([header({ version: 2 }), ...body])).toBe('1:29: trace format version 2 is not ' +
      'supported (this build reads version 1)');
    expect(read([header({ version: null }), ...body])).toMatch(/^1:\d+: trace format version null/);
    expect(read([JSON.stringify({ format: 'faultline-trace' }), ...body]))
      .toMatch(/^1:1: trace format version missing/);
    expect(read([header({ seed: undefined }), ...body])).toMatch(/^1:1: "seed": the run's seed/);
    expect(read([header({ nodes: 3 }), ...body]))
      .toMatch(/^1:\d+: "nodes" must be a list of at least 1 distinct node ids$/);
    expect(read([header({ clients: ['n1'] }), ...body])).toMatch(/"clients" must be a list/);
    expect(read(['[]', ...body])).toMatch(/^1:1: expected a header/);
    expect(read(['', ...body])).toBe('1:1: not JSON: expected a value');
  });

  it('refuses records that are not the engine\'s, at their line and field', () => {
    const head = trace()[0] as string;
    const first = '{"i":0,"t":0,"kind":"timer","node":"n1","tag":"beat"}';
    expect(read([head, first])).toBe(1);
    const at = (line: string): number | string => read([head, line]);
    expect(at('null')).toBe('2:1: expected a record object {"i":…,"t":…,"kind":…}');
    for (const line of ['42', '"str"', '[]', '["x"]']) expect(at(line)).toMatch(/^2:1: expected a record/);
    expect(at(first.replace('"beat"', 'null'))).toBe('2:41: "tag" must be a string');
    expect(at(first.replace('"i":0', '"i":5'))).toBe('2:2: "i": record 0 comes here, got 5');
    expect(at(first.replace('"timer"', '"toString"'))).toBe('2:14: unknown kind "toString"');
    expect(at(first.replace('"n1"', '"n9"'))).toBe('2:29: node "n9" is not in the header');
    expect(at(first.replace('{"i":0', '{"x":1,"i":0'))).toBe('2:2: unknown field "x"');
    expect(at(first.replace('"t":0', '"t":-1'))).toBe('2:8: expected "t": a non-negative time in µs');
    expect(at(first.replace('"node"', '"to"'))).toBe('2:29: "to" goes only on a send');
    expect(at(first.replace('"tag":"beat"', '"id":-1'))).toBe('2:41: "id" must be a message id, ' +
      'an integer >= 0');
    expect(at(first.slice(0, -1))).toBe('2:53: not JSON: expected "," or "}"');
    const second = first.replace('"i":0', '"i":1');
    expect(read([head, first.replace('"t":0', '"t":7'), second]))
      .toBe('3:8: time 0 goes back before 7');
  });

  it('locates JSON errors where JSON.parse finds them, and calls nothing else an error', () => {
    const cases: [string, number, string][] = [['not json', 0, 'a value'],
      ['{"a":1,}', 7, 'a quoted field name'], ['{"a":1} x', 8, 'the end of the line'],
      ['{"a":', 5, 'a value'], ['[1,2', 4, '"," or "]"'], ['{"a" 1}', 5, '":"'],
      ['{"a":"\t"}', 5, 'a closed string'], ['{"a":01}', 6, '"," or "}"']];
    for (const [text, offset, expected] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect(jsonErrorAt(text), text).toEqual({ offset, expected });
    }
    fc.assert(fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, at, cut) => {
      const text = json.slice(0, at % (json.length + 1)) + cut + json.slice(at % (json.length + 1));
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      if (!valid) {
        const { offset } = jsonErrorAt(text);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThanOrEqual(text.length);
      }
    }), { numRuns: 2_000, seed: 7 });
    expect(jsonErrorAt(`${'['.repeat(200_000)}x`).offset).toBe(200_000);
  });
});
