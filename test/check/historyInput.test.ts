/**
 * Bad history input is located, never a crash: each case the issue lists, and a few more,
 * gives a `HistoryFormatError` naming the file and the line of the event at fault, with what
 * was expected there. (test/cli/cli.test.ts checks that the command turns these into exit 2
 * with no stack trace; historyFuzz.test.ts mutates real files.)
 */
import { describe, expect, it } from 'vitest';
import { checkHistoryText } from '../../sim/check/historyCheck.js';
import { HistoryFormatError } from '../../sim/check/historyFormatError.js';

function errorOf(text: string, file: string, model?: 'register' | 'kv' | 'mutex'): string {
  try {
    checkHistoryText(text, file, model === undefined ? {} : { model });
  } catch (error) {
    if (error instanceof HistoryFormatError) return error.message;
    throw error;
  }
  throw new Error('expected a HistoryFormatError');
}

const ev = (type: string, process: string, f: string, value: unknown, time: number,
  extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, process, f, value, time, ...extra });

describe('check: bad history input is located', () => {
  it('a completion with no invoke (a Jepsen nemesis :info with a process number)', () => {
    const text = '[{:process 0, :type :invoke, :f :read, :value nil}\n' +
      ' {:process 7, :type :info, :f :start, :value nil}\n' +
      ' {:process 0, :type :ok, :f :read, :value 1}]';
    expect(errorOf(text, 'h.edn')).toBe('h.edn:2: info start by c7, which has no operation ' +
      'open (a completion needs its invoke first)');
  });

  it('a process that invokes twice', () => {
    const text = [ev('invoke', 'c1', 'get', null, 1, { key: 'a' }),
      ev('invoke', 'c1', 'put', 'x', 2, { key: 'a' })].join('\n');
    expect(errorOf(text, 'h.jsonl')).toMatch(/^h\.jsonl:2: process c1 invokes put while its get/);
  });

  it('an operation its model lacks', () => {
    const text = '{:process 0, :type :invoke, :f :txn, :value [[:read :x nil]]}\n';
    expect(errorOf(text, 'h.edn'))
      .toBe('h.edn:1: c0 txn: the register model has read, write and cas, not txn');
    expect(errorOf(text, 'h.edn', 'mutex'))
      .toBe('h.edn:1: c0 txn: the mutex model has acquire and release, not txn');
  });

  it('a register history checked with the kv model', () => {
    const text = 'INFO  jepsen.util - 0\t:invoke\t:write\t3\nINFO  jepsen.util - 0\t:ok\t:write\t3';
    expect(errorOf(text, 'etcd.log', 'kv'))
      .toBe('etcd.log:1: c0 write: the kv model has get, put, append and cas, not write');
  });

  it('numeric kv values', () => {
    const text = ['{:process 0, :type :invoke, :f :put, :key "a", :value "x"}',
      '{:process 0, :type :ok, :f :put, :key "a", :value "x"}',
      '{:process 1, :type :invoke, :f :put, :key "a", :value 3}'].join('\n');
    expect(errorOf(text, 'kv.edn'))
      .toBe("kv.edn:3: c1 put: the kv model's values are strings, got 3");
  });

  it('a register value that is neither number, string nor nil', () => {
    const text = [ev('invoke', 'c1', 'write', { a: 1 }, 1), ev('ok', 'c1', 'write', null, 2)]
      .join('\n');
    expect(errorOf(text, 'h.jsonl', 'register')).toBe('h.jsonl:1: c1 write: the register ' +
      'model\'s values are numbers, strings or nil, got {"a":1}');
  });

  it('a CAS that is not [from, to]', () => {
    const text = '{:process 0, :type :invoke, :f :cas, :value 3}\n';
    expect(errorOf(text, 'h.edn')).toBe('h.edn:1: c0 cas: cas expects [from, to], got 3');
  });

  it('EDN that does not close, with the line of what it opened', () => {
    expect(errorOf('[{:process 0, :type :invoke,\n :f :read, :value [1 2}\n]', 'h.edn'))
      .toBe('h.edn:2: expected ] to close what line 2 opened, got }');
    expect(errorOf('[{:process 0, :type :invoke, :f :read, :value nil}\n', 'h.edn'))
      .toBe('h.edn:2: expected ] to close the history opened on line 1');
    expect(errorOf('{:process 0, :type :invoke, :f :read, :value "nil}\n', 'h.edn'))
      .toBe('h.edn:1: expected " to close this string');
  });

  it('an EDN form that is not an operation', () => {
    expect(errorOf('[{:process 0, :type :invoke, :f :read} 42]', 'h.edn'))
      .toMatch(/^h\.edn:1: expected an operation map such as/);
    expect(errorOf('{:process 0, :type :invoke, :f :read, :value "\\q"}', 'h.edn'))
      .toBe('h.edn:1: not readable EDN: Unexpected escape character: \\q');
    expect(errorOf('{:process -1, :type :invoke, :f :read}', 'h.edn'))
      .toBe('h.edn:1: expected :process to be a process number or :nemesis, got -1');
  });

  it('a faultline comment with an option it does not take', () => {
    expect(errorOf('; faultline: --model graph\n{:process 0, :type :invoke, :f :read}', 'h.edn'))
      .toMatch(/^h\.edn:1: a "; faultline:" comment takes --model register\|kv\|mutex/);
  });
});
