// History file parsing: the three formats are detected and read as Porcupine's test parser
// reads them, and bad input is rejected with `file:line: what was expected`.
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../sim/check/historyFormat.js';
import { HistoryFormatError } from '../../sim/check/historyFormatError.js';
import { pairOperations } from '../../sim/check/operations.js';

const errorOf = (text: string, file: string): HistoryFormatError => {
  try {
    parseHistory(text, file);
  } catch (error) {
    if (error instanceof HistoryFormatError) return error;
    throw error;
  }
  throw new Error('expected a HistoryFormatError');
};

describe('check: history format: jepsen etcd log', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 0]',
    'INFO  jepsen.util - 2   :invoke :write  4',
    'INFO  jepsen.util - 0\t:ok\t:read\tnil',
    'INFO  jepsen.util - 1\t:fail\t:cas\t[3 0]',
    'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
    'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
    'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
  ].join('\n');

  it('reads tab- and space-separated lines into paired operations', () => {
    const { format, events } = parseHistory(log, 'etcd.log');
    expect(format).toBe('jepsen-log');
    const ops = pairOperations(events);
    expect(ops.map((o) => [o.process, o.f, o.outcome, o.returnTime])).toEqual([
      ['c0', 'read', 'ok', 4],
      ['c1', 'cas', 'fail', 5],
      ['c2', 'write', 'info', Infinity],
      ['c3', 'read', 'info', Infinity],
    ]);
    expect(ops[1]!.input).toEqual([3, 0]);
    expect(ops[0]!.output).toBeNull();
  });

  it('names file and line of a malformed line', () => {
    const error = errorOf(`${log}\nINFO  jepsen.util - 4\t:invoke\t:frob\t1`, 'etcd_9.log');
    expect(error.message).toMatch(/^etcd_9\.log:9: expected a Jepsen log line/);
    expect(error.file).toBe('etcd_9.log');
    expect(error.line).toBe(9);
  });

  it('rejects a value the operation cannot have', () => {
    const error = errorOf('INFO  jepsen.util - 0\t:ok\t:read\tseven', 'x.log');
    expect(error.message).toMatch(/^x\.log:1: unexpected value "seven" for :ok :read/);
  });
});

describe('check: history format: jepsen kv EDN', () => {
  const edn = [
    '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
    '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
    '{:process 1, :type :invoke, :f :get, :key "0", :value nil}',
    '{:process 1, :type :ok, :f :get, :key "0", :value "x 0 0 y"}',
  ].join('\n');

  it('reads keys and values', () => {
    const { format, events } = parseHistory(edn, 'c01.txt');
    expect(format).toBe('jepsen-edn');
    expect(events[2]).toMatchObject({ type: 'invoke', f: 'get', key: '0', value: null });
    expect(events[3]).toMatchObject({ type: 'ok', value: 'x 0 0 y', process: 'c1' });
  });

  it('names file and line of a malformed map', () => {
    const error = errorOf(`${edn}\n{:process 1, :type :ok, :f :get\n`, 'kv/c01-ok.txt');
    expect(error.message).toBe('kv/c01-ok.txt:5: expected } to close this form');
    const noType = errorOf(`${edn}\n{:process 1, :f :get}`, 'kv/c01-ok.txt');
    expect(noType.message).toMatch(/^kv\/c01-ok\.txt:5: expected :type to be :invoke/);
  });
});

describe('check: history format: JSON Lines', () => {
  const jsonl = [
    '{"type":"invoke","process":"c1","f":"put","key":"a","value":"1","time":10}',
    '',
    '{"type":"ok","process":"c1","f":"put","key":"a","value":"1","time":25}',
  ].join('\n');

  it('keeps the error of a failed operation', () => {
    const failed = '{"type":"fail","process":"c1","f":"cas","key":"a","value":["1","2"],' +
      '"error":"not-leader","time":30}';
    const { events } = parseHistory(`${jsonl}\n${failed}`, 'run.jsonl');
    expect(events[2]).toMatchObject({ type: 'fail', error: 'not-leader' });
    expect(errorOf(failed.replace('"not-leader"', '7'), 'h.jsonl').message)
      .toMatch(/^h\.jsonl:1: expected "error" to be a string/);
  });

  it('reads one event per line and skips blank lines', () => {
    const { format, events } = parseHistory(jsonl, 'run.jsonl');
    expect(format).toBe('jsonl');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ index: 1, type: 'ok', key: 'a', time: 25 });
  });

  it('names file and line of invalid JSON', () => {
    const error = errorOf(`${jsonl}\n{"type": "ok",`, 'run.jsonl');
    expect(error.message).toMatch(/^run\.jsonl:4: expected a JSON object/);
  });

  it('names the field that is wrong', () => {
    const bad = '{"type":"done","process":"c1","f":"put","value":1,"time":1}';
    expect(errorOf(bad, 'h.jsonl').message).toBe(
      'h.jsonl:1: expected "type" to be "invoke", "ok", "fail" or "info"',
    );
    const noTime = '{"type":"ok","process":"c1","f":"put","value":1}';
    expect(errorOf(noTime, 'h.jsonl').message).toBe('h.jsonl:1: expected "time" to be a number');
  });

  it('rejects events out of time order', () => {
    const text = jsonl.split('\n').reverse().join('\n');
    expect(errorOf(text, 'h.jsonl').message).toMatch(/^h\.jsonl:3: expected "time" >= 25/);
  });

  it('rejects a file in no known format at its first line', () => {
    expect(errorOf('\n\nhello', 'notes.txt').message).toMatch(/^notes\.txt:3: expected a JSON/);
  });

  it('reads an empty file as an empty history', () => {
    expect(parseHistory('', 'etcd_095.log'))
      .toMatchObject({ format: 'jepsen-log', events: [], lines: [] });
  });
});
