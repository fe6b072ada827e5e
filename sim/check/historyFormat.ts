/**
 * Reading a history file in any of the formats the checker accepts, detected from its first
 * line that is not blank or an EDN comment:
 * - our own JSON Lines: one `HistoryEvent` object per line (`{"type":"invoke",...}`), the
 *   format `faultline run --history` writes;
 * - Jepsen's and Knossos's EDN: one vector or list of operation maps, or one map per line
 *   (ednHistory.ts; Porcupine's kv files are of this kind);
 * - a Jepsen etcd log (`INFO  jepsen.util - …`), Porcupine's register format
 *   (porcupineFormat.ts).
 * Bad input throws `HistoryFormatError` with `file:line: what was expected`. Every parsed
 * event keeps its line, so a later error about an event (one that does not pair, a value its
 * model cannot take) can name it too.
 */
import { parseEdnHistory } from './ednHistory.js';
import type { HistoryEvent } from './history.js';
import { HistoryFormatError } from './historyFormatError.js';
import { parseEtcdLog } from './porcupineFormat.js';

/** The formats `parseHistory` knows. */
export type HistoryFormat = 'jsonl' | 'jepsen-log' | 'jepsen-edn';

/** A parsed history file. */
export interface ParsedHistory {
  readonly format: HistoryFormat;
  readonly events: HistoryEvent[];
  /** The 1-based line of each event, by position in `events`. */
  readonly lines: readonly number[];
  /** Whether event times are clock times (else positions or line numbers, in order). */
  readonly timed: boolean;
  /** Events skipped as not a client's: Jepsen's `:nemesis` operations. */
  readonly skipped: number;
  /** Check options the file states (EDN `; faultline: --model kv --initial nil`). */
  readonly directives: readonly string[];
}

/**
 * Parses a history file, detecting its format from its first line with content (or, for an
 * empty file, from its extension: `.log` Jepsen log, `.txt`/`.edn` EDN, otherwise JSON Lines).
 */
export function parseHistory(text: string, fileName: string): ParsedHistory {
  const format = detectFormat(text, fileName);
  const none = { skipped: 0, directives: [] };
  switch (format) {
    case 'jepsen-log': {
      const { events, lines } = parseEtcdLog(text, fileName);
      return { format, events, lines, timed: false, ...none };
    }
    case 'jepsen-edn': {
      const { events, lines, nemesis, directives, timed } = parseEdnHistory(text, fileName);
      return { format, events, lines, timed, skipped: nemesis, directives };
    }
    case 'jsonl': {
      const { events, lines } = parseJsonLines(text, fileName);
      return { format, events, lines, timed: true, ...none };
    }
  }
}

function detectFormat(text: string, fileName: string): HistoryFormat {
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith(';'));
  if (index < 0) {
    if (fileName.endsWith('.log')) return 'jepsen-log';
    return /\.(txt|edn)$/.test(fileName) || lines.some((l) => l.trim() !== '') ? 'jepsen-edn'
      : 'jsonl';
  }
  const first = lines[index]!.trim();
  if (first.startsWith('INFO')) return 'jepsen-log';
  if (/^(\{\s*"|\{\s*\}?$)/.test(first)) return 'jsonl';
  if (/^[[({#]/.test(first)) return 'jepsen-edn';
  throw new HistoryFormatError(
    fileName,
    index + 1,
    'expected a JSON object (one history event per line), a Jepsen EDN history ' +
      '([{:process 0, :type :invoke, …} …] or one map per line) or a Jepsen log line ' +
      '(INFO jepsen.util - …)',
  );
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/**
 * Parses JSON Lines of `HistoryEvent`: fields `type`, `process`, `f`, `value`, `time` and
 * optional `key`, `error` and `index`. Events get `index` = their position when it is absent;
 * times must not decrease.
 */
export function parseJsonLines(text: string, fileName: string):
  { events: HistoryEvent[]; lines: number[] } {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
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
    const { type, process, f, time, key, error } = event;
    if (typeof type !== 'string' || !TYPES.has(type)) {
      fail('expected "type" to be "invoke", "ok", "fail" or "info"');
    }
    if (typeof process !== 'string') fail('expected "process" to be a string such as "c1"');
    if (typeof f !== 'string') fail('expected "f" to be an operation name such as "read"');
    if (typeof time !== 'number' || !Number.isFinite(time)) fail('expected "time" to be a number');
    if (key !== undefined && typeof key !== 'string') fail('expected "key" to be a string');
    if (error !== undefined && typeof error !== 'string') {
      fail('expected "error" to be a string such as "not-leader"');
    }
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
    events.push({ ...base, ...(key === undefined ? {} : { key: key as string }),
      ...(error === undefined ? {} : { error: error as string }) });
    lines.push(i + 1);
  });
  return { events, lines };
}
