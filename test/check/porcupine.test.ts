// Ground truth: every history Porcupine ships with gets Porcupine's verdict (README in
// test/data/porcupine lists them: 23 of the 102 non-empty etcd histories are
// linearizable, 79 are not; every kv *-ok is linearizable and every *-bad is not).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../sim/check/historyFormat.js';
import { checkHistory } from '../../sim/check/linearizability.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { registerModel } from '../../sim/check/models/register.js';
import { PORCUPINE_DATA } from '../support/data.js';

const DATA = PORCUPINE_DATA;

const LINEARIZABLE_ETCD = new Set([
  2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102,
]);

const etcdFiles = readdirSync(path.join(DATA, 'jepsen'))
  .filter((f) => /^etcd_\d{3}\.log$/.test(f))
  .sort();

describe('check: porcupine etcd histories', () => {
  it('has all 103 files, of which etcd_095 is empty', () => {
    expect(etcdFiles).toHaveLength(103);
    expect(readFileSync(path.join(DATA, 'jepsen', 'etcd_095.log'), 'utf8')).toBe('');
  });

  const tested = etcdFiles.filter((f) => f !== 'etcd_095.log');
  it.each(tested)('%s gets porcupine’s verdict', (file) => {
    const text = readFileSync(path.join(DATA, 'jepsen', file), 'utf8');
    const { format, events } = parseHistory(text, file);
    expect(format).toBe('jepsen-log');
    const result = checkHistory(registerModel(), events, { explain: false });
    const expected = LINEARIZABLE_ETCD.has(Number(file.slice(5, 8)));
    expect(result.verdict).toBe(expected ? 'linearizable' : 'not-linearizable');
  });

  it('counts 23 linearizable and 79 not', () => {
    expect(tested).toHaveLength(102);
    expect(tested.filter((f) => LINEARIZABLE_ETCD.has(Number(f.slice(5, 8))))).toHaveLength(23);
  });
});

describe('check: porcupine kv histories', () => {
  const files = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'];
  it.each(files)('%s gets porcupine’s verdict with the partitioned kv model', (name) => {
    const text = readFileSync(path.join(DATA, 'kv', `${name}.txt`), 'utf8');
    const { format, events } = parseHistory(text, `${name}.txt`);
    expect(format).toBe('jepsen-edn');
    const result = checkHistory(kvModel({ initial: '' }), events, { explain: false });
    expect(result.verdict).toBe(name.endsWith('-ok') ? 'linearizable' : 'not-linearizable');
    if (name.endsWith('-ok')) expect(result.partitionsChecked).toBe(result.partitions);
  });

  it('explains c01-bad with a small witness on one key', () => {
    const text = readFileSync(path.join(DATA, 'kv', 'c01-bad.txt'), 'utf8');
    const { events } = parseHistory(text, 'c01-bad.txt');
    const result = checkHistory(kvModel({ initial: '' }), events, {
      formatTime: (t) => `line ${t}`,
    });
    expect(result.verdict).toBe('not-linearizable');
    const violation = result.violation!;
    expect(violation.operations.length).toBeLessThanOrEqual(4);
    expect(violation.explanation).toContain(`on key ${JSON.stringify(violation.partition)}`);
    expect(violation.explanation).toContain('cannot come next');
  });
});
