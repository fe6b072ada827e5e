/**
 * The parser for Porcupine's register histories (test/data/porcupine/jepsen), producing our
 * `HistoryEvent`s so that the same checker runs on them and on our own histories. Porcupine's
 * kv histories are EDN, one map per line, which ednHistory.ts reads.
 *
 * It follows Porcupine's test parser (`parseJepsenLog` in porcupine_test.go):
 * - Jepsen etcd logs: `INFO  jepsen.util - <process> <type> <f> <value>`, fields separated by
 *   tabs or spaces. `:fail :read :timed-out` has an unknown result, and `:info` (a timed-out
 *   write or CAS) leaves the call open; both become `info` events here, which `pairOperations`
 *   turns into operations with unknown outcome, as Porcupine's unknown return does. A
 *   `:fail :cas` is a definite, observed failure (`fail`). Register values are integers,
 *   `nil` is `null`, and a CAS value is `[from, to]`.
 * Porcupine skips lines it does not recognise; we reject them with `HistoryFormatError`, since a
 * silently skipped line changes the verdict. Jepsen process numbers become `c<number>` (kept
 * as in the file, so `c0` exists). These files carry no timestamps: an event's time is its
 * 1-based line number, which keeps real-time order exact.
 */
import type { HistoryEvent } from './history.js';
import { HistoryFormatError } from './historyFormatError.js';

const ETCD_LINE =
  /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.+?)\s*$/;
const ETCD_EXPECTED =
  'expected a Jepsen log line "INFO jepsen.util - <process> <:invoke|:ok|:fail|:info> ' +
  '<:read|:write|:cas> <nil|integer|[from to]|:timed-out>"';

/**
 * Parses a Jepsen etcd log (Porcupine's `jepsen/etcd_NNN.log`) into history events, with the
 * line of each.
 */
export function parseEtcdLog(text: string, fileName: string):
  { events: HistoryEvent[]; lines: number[] } {
  const events: HistoryEvent[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const match = ETCD_LINE.exec(raw);
    if (match === null) throw new HistoryFormatError(fileName, i + 1, ETCD_EXPECTED);
    const [, process, type, f, valueText] = match as unknown as string[];
    const value = etcdValue(type!, f!, valueText!);
    if (value === undefined) {
      throw new HistoryFormatError(
        fileName,
        i + 1,
        `unexpected value ${JSON.stringify(valueText)} for :${type} :${f}; ${ETCD_EXPECTED}`,
      );
    }
    const timedOut = value === TIMED_OUT;
    events.push({
      index: events.length,
      type: timedOut ? 'info' : (type as HistoryEvent['type']),
      process: `c${process}`,
      f: f!,
      value: timedOut ? 'timed-out' : value,
      time: i + 1,
    });
    lines.push(i + 1);
  });
  return { events, lines };
}

const TIMED_OUT = Symbol('timed-out');

/**
 * The value of an etcd log line, or undefined when it is not one Porcupine's parser accepts.
 * `:fail :read :timed-out` and `:info … :timed-out` give `TIMED_OUT` (unknown outcome).
 */
function etcdValue(type: string, f: string, text: string): unknown {
  const int = /^-?\d+$/.test(text) ? Number(text) : undefined;
  const pair = /^\[(-?\d+)\s+(-?\d+)\]$/.exec(text);
  if (text === ':timed-out') {
    return type === 'info' || (type === 'fail' && f === 'read') ? TIMED_OUT : undefined;
  }
  if (type === 'info') return undefined;
  switch (f) {
    case 'read':
      if (type === 'invoke') return text === 'nil' ? null : undefined;
      return type === 'ok' ? (text === 'nil' ? null : int) : undefined;
    case 'write':
      return type === 'fail' ? undefined : int;
    default:
      return pair === null ? undefined : [Number(pair[1]), Number(pair[2])];
  }
}
