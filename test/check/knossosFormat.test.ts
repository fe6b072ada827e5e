/**
 * Knossos's model semantics on histories in Knossos's own format (test/data/knossos-format,
 * written by this project): every file in good/ is linearizable and every file in bad/ is
 * not, checked from an initial 0 as Knossos's tests check its cas-register data. Beside
 * them, the rules one by one, where the two tools' readings part: Porcupine's etcd log reads
 * a failed CAS as an observation, Knossos's EDN does not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistoryText } from '../../sim/check/historyCheck.js';

const DATA = fileURLToPath(new URL('../data/knossos-format/', import.meta.url));
const files = ['good', 'bad'].flatMap((dir) =>
  readdirSync(join(DATA, dir)).filter((f) => f.endsWith('.edn')).map((f) => `${dir}/${f}`));

describe('check: Knossos-format histories', () => {
  it('has good and bad files, mutex ones among them', () => {
    expect(files.filter((f) => f.startsWith('good/')).length).toBeGreaterThanOrEqual(5);
    expect(files.filter((f) => f.startsWith('bad/')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.includes('mutex'))).toHaveLength(2);
  });

  it.each(files)('%s gets its verdict', (file) => {
    const text = readFileSync(join(DATA, file), 'utf8');
    const { result, model, parsed } = checkHistoryText(text, file, { initial: '0' });
    expect(parsed.format).toBe('jepsen-edn');
    expect(model).toBe(file.includes('mutex') ? 'mutex' : 'register');
    expect(result.verdict).toBe(file.startsWith('good/') ? 'linearizable' : 'not-linearizable');
  });

  it('skips and counts nemesis operations, and reads :time as nanoseconds', () => {
    const file = 'good/nemesis-list-and-times.edn';
    const { parsed } = checkHistoryText(readFileSync(join(DATA, file), 'utf8'), file);
    expect(parsed.skipped).toBe(2);
    expect(parsed.timed).toBe(true);
    expect(parsed.events.map((e) => e.time)).toEqual([0.1, 2.1, 3, 4, 5, 6]);
    expect(parsed.lines).toEqual([5, 6, 14, 15, 16, 17]);
  });

  it('explains a violation in the order of the file when it has no times', () => {
    const file = 'bad/stale-read.edn';
    const text = readFileSync(join(DATA, file), 'utf8');
    const { result } = checkHistoryText(text, file, { initial: '0' });
    expect(result.violation?.explanation).toContain('c1 read x=0   event 3 – event 4');
  });
});

describe('check: where Knossos and Porcupine read a history differently', () => {
  const failedCas = (lines: string[]): string => lines.join('\n');
  const edn = failedCas([
    '[{:process 0, :type :invoke, :f :cas, :value [0 1]}',
    ' {:process 0, :type :fail, :f :cas, :value [0 1]}]',
  ]);
  const log = failedCas([
    'INFO  jepsen.util - 0\t:invoke\t:cas\t[0 1]',
    'INFO  jepsen.util - 0\t:fail\t:cas\t[0 1]',
  ]);

  it('a failed CAS: did not happen in EDN, an observation in an etcd log', () => {
    expect(checkHistoryText(edn, 'h.edn', { initial: '0' }).result.verdict).toBe('linearizable');
    expect(checkHistoryText(log, 'h.log', { initial: '0' }).result.verdict)
      .toBe('not-linearizable');
  });

  it('a read of nil: unknown in EDN, the empty register in an etcd log', () => {
    const readNil = (type: string) => `{:process 0, :type :${type}, :f :read, :value nil}`;
    const ednText = `${readNil('invoke')}\n${readNil('ok')}\n`;
    expect(checkHistoryText(ednText, 'h.edn', { initial: '5' }).result.verdict)
      .toBe('linearizable');
    const logText = 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\n' +
      'INFO  jepsen.util - 0\t:ok\t:read\tnil\n';
    expect(checkHistoryText(logText, 'h.log', { initial: '5' }).result.verdict)
      .toBe('not-linearizable');
    expect(checkHistoryText(logText, 'h.log').result.verdict).toBe('linearizable');
  });

  it('--initial reads nil, numbers and strings', () => {
    const read = (value: string) => `{:process 0, :type :invoke, :f :read, :value nil}\n` +
      `{:process 0, :type :ok, :f :read, :value ${value}}\n`;
    expect(checkHistoryText(read('7'), 'h.edn', { initial: '7' }).result.verdict)
      .toBe('linearizable');
    expect(checkHistoryText(read('"a"'), 'h.edn', { initial: 'a' }).result.verdict)
      .toBe('linearizable');
    expect(checkHistoryText(read('"7"'), 'h.edn', { initial: '7' }).result.verdict)
      .toBe('not-linearizable');
    expect(checkHistoryText(read('"7"'), 'h.edn', { initial: '"7"' }).result.verdict)
      .toBe('linearizable');
  });
});
