/**
 * Reading a history file in any of the formats the checker accepts, detected from its first
 * non-blank line:
 * - our own JSON Lines: one `HistoryEvent` object per line (`{"type":"invoke",...}`), the
 *   format the engine writes;
 * - a Jepsen etcd log (`INFO  jepsen.util - …`) and a Jepsen kv EDN history (`{:process …}`),
 *   as in Porcupine's test data (see `porcupineFormat.ts`).
 * Bad input throws `HistoryFormatError` with `file:line: what was expected`.
 */
import type { HistoryEvent } from './history.js';
import { HistoryFormatError } from './historyFormatError.js';
import { parseEtcdLog, parseKvEdn } from './porcupineFormat.js';

/** The formats `parseHistory` knows. */
export type HistoryFormat = 'jsonl' | 'jepsen-log' | 'jepsen-edn';

/** A parsed history file. */
export interface ParsedHistory {
  readonly format: HistoryFormat;
  readonly events: HistoryEvent[];
}

/**
 * Parses a history file, detecting its format from the first non-blank line (or, for an empty
 * file, from its extension: `.log` Jepsen log, `.txt`/`.edn` EDN, otherwise JSON Lines).
 */
export function parseHistory(text: string, fileName: string): ParsedHistory {
  const format = detectFormat(text, fileName);
  switch (format) {
    case 'jepsen-log':
      return { format, events: parseEtcdLog(text, fileName) };
    case 'jepsen-edn':
      return { format, events: parseKvEdn(text, fileName) };
    case 'jsonl':
      return { format, events: parseJsonLines(text, fileName) };
  }
}

function detectFormat(text: string, fileName: string): HistoryFormat {
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((l) => l.trim() !== '');
  if (index < 0) {
    if (fileName.endsWith('.log')) return 'jepsen-log';
    return /\.(txt|edn)$/.test(fileName) ? 'jepsen-edn' : 'jsonl';
  }
  const first = lines[index]!.trim();
  if (first.startsWith('INFO')) return 'jepsen-log';
  if (first.startsWith('{:')) return 'jepsen-edn';
  if (first.startsWith('{')) return 'jsonl';
  throw new HistoryFormatError(
    fileName,
    index + 1,
    'expected a JSON object (one history event per line), a Jepsen EDN map ' +
      '({:process …}) or a Jepsen log line (INFO jepsen.util - …)',
  );
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/**
 * Parses JSON Lines of `HistoryEvent`: fields `type`, `process`, `f`, `value`, `time` and
 * optional `key` and `index`. Events get `index` = their position when it is absent; times
 * must not decrease.
 */
export function parseJsonLines(text: string, fileName: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let lastTime = -Infinity;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const fail = (detail: string): never => {
      throw new HistoryFormatError(fileName, i + 1, detail);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      fail(`expected a JSON object (one history event per line): ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      fail('expected a JSON object (one history event per line)');
    }
    const event = parsed as Record<string, unknown>;
    const { type, process, f, time, key } = event;
    if (typeof type !== 'string' || !TYPES.has(type)) {
      fail('expected "type" to be "invoke", "ok", "fail" or "info"');
    }
    if (typeof process !== 'string') fail('expected "process" to be a string such as "c1"');
    if (typeof f !== 'string') fail('expected "f" to be an operation name such as "read"');
    if (typeof time !== 'number' || !Number.isFinite(time)) fail('expected "time" to be a number');
    if (key !== undefined && typeof key !== 'string') fail('expected "key" to be a string');
    if ((time as number) < lastTime) fail(`expected "time" >= ${lastTime} (events in time order)`);
    lastTime = time as number;
    const base = {
      index: typeof event['index'] === 'number' ? event['index'] : events.length,
      type: type as HistoryEvent['type'],
      process: process as string,
      f: f as string,
      value: event['value'] ?? null,
      time: time as number,
    };
    events.push(key === undefined ? base : { ...base, key: key as string });
  });
  return events;
}
