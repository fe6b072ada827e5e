/**
 * Checking a history file, as `faultline check-history` does: read it (historyFormat.ts),
 * choose the model and the semantics of its format, pair its events, and search. Every
 * problem with the input, however deep it is found, becomes a `HistoryFormatError` that names
 * the file and the line: an event with no invoke, a process that invokes twice, an operation
 * or a value the model cannot take. Only a verdict or such an error comes out.
 *
 * Models and what a format means by its events (docs/histories.md says the same to users):
 * - `register`: read, write, cas. From a Jepsen log (Porcupine's etcd files), Porcupine's
 *   reading: a failed CAS observed another value, a read of nil saw the empty register. From
 *   EDN, Knossos's: a `:fail` did not happen (a CAS counts as an observation only with
 *   `:error :cas-mismatch`), and an `:ok :read nil` is a read whose value is unknown.
 * - `kv`: get, put, append, cas per key. From our JSON Lines, our stores' reading: a missing
 *   key is nil, and a failed CAS observed a mismatch unless its error names another cause.
 *   From EDN, Porcupine's kv files: a missing key is "" and a failure did not happen, unless
 *   the error says the compare failed.
 * - `mutex`: acquire, release (Knossos's mutex).
 * The default model: `register` for a Jepsen log; for EDN `mutex` when operations are
 * acquire/release, `kv` when they carry keys, else `register`; `kv` for JSON Lines. The
 * register and kv start at `initial` (nil unless given).
 */
import type { Operation } from './history.js';
import type { HistoryFormat, ParsedHistory } from './historyFormat.js';
import { parseHistory } from './historyFormat.js';
import { HistoryFormatError } from './historyFormatError.js';
import { checkOperations, type LinearizabilityResult } from './linearizability.js';
import { type AnyModel, OperationError } from './model.js';
import { kvModel } from './models/kv.js';
import { mutexModel } from './models/mutex.js';
import { registerModel, type RegisterValue } from './models/register.js';
import { PairingError, pairOperations } from './operations.js';

/** The models a history can be checked against. */
export const HISTORY_MODELS = ['register', 'kv', 'mutex'] as const;
/** One of `HISTORY_MODELS`. */
export type HistoryModelName = (typeof HISTORY_MODELS)[number];

/** How to check a history file. */
export interface HistoryCheckOptions {
  /** The model; chosen from the format and the operations when absent. */
  readonly model?: HistoryModelName;
  /** The initial value, as typed: `nil`, a number, or a string (quoted or not). */
  readonly initial?: string;
  /** Minimise and explain a violation (default true). */
  readonly explain?: boolean;
  /** Wall-time budget in milliseconds, with the clock to measure it. */
  readonly timeBudgetMs?: number;
  readonly now?: () => number;
  /** Memory budget of the search in bytes (`CheckOptions.maxMemoryBytes`). */
  readonly maxMemoryBytes?: number;
}

/** A checked history file. */
export interface HistoryCheck {
  readonly parsed: ParsedHistory;
  readonly model: HistoryModelName;
  /** The initial value used (register and kv). */
  readonly initial: RegisterValue;
  readonly result: LinearizabilityResult;
}

/** Reads and checks a history file; bad input of any kind throws `HistoryFormatError`. */
export function checkHistoryText(
  text: string,
  file: string,
  options: HistoryCheckOptions = {},
): HistoryCheck {
  const parsed = parseHistory(text, file);
  const stated = directives(parsed, file);
  const name = options.model ?? stated.model ?? defaultModel(parsed);
  const initialText = options.initial ?? stated.initial;
  const initial = initialText === undefined || name === 'mutex'
    ? (name === 'kv' && parsed.format === 'jepsen-edn' ? '' : null) : parseInitial(initialText);
  if (name === 'kv' && typeof initial === 'number') {
    throw new HistoryFormatError(file, 1, `--initial: the kv model's values are strings, got ${
      initial}`);
  }
  const model = modelFor(name, parsed.format, initial);
  const ops = located(parsed, file, () => pairOperations(parsed.events));
  const invokes = parsed.events.flatMap((e, i) => (e.type === 'invoke' ? [i] : []));
  for (const op of ops) {
    located(parsed, file, () => model.convert(op), invokes[op.id]);
  }
  const formatTime = timeFormat(parsed);
  const result = checkOperations(model, ops, {
    ...(options.explain === undefined ? {} : { explain: options.explain }),
    ...(options.timeBudgetMs === undefined || options.now === undefined ? {}
      : { timeBudgetMs: options.timeBudgetMs, now: options.now }),
    ...(options.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: options.maxMemoryBytes }),
    ...(formatTime === undefined ? {} : { formatTime }),
  });
  return { parsed, model: name, initial, result };
}

/** The value `--initial` names: `nil`, a number, a "quoted" string or a bare word. */
export function parseInitial(text: string): RegisterValue {
  if (text === 'nil' || text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^".*"$/.test(text)) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text.slice(1, -1);
    }
  }
  return text;
}

function defaultModel(parsed: ParsedHistory): HistoryModelName {
  if (parsed.format === 'jepsen-log') return 'register';
  if (parsed.format === 'jsonl') return 'kv';
  if (parsed.events.some((e) => e.f === 'acquire' || e.f === 'release')) return 'mutex';
  return parsed.events.some((e) => e.key !== undefined) ? 'kv' : 'register';
}

/** The model for a name, with the semantics of the history's format (see the file comment). */
export function modelFor(name: HistoryModelName, format: HistoryFormat,
  initial: RegisterValue): AnyModel {
  const knossos = format === 'jepsen-edn';
  switch (name) {
    case 'mutex':
      return mutexModel() as unknown as AnyModel;
    case 'register':
      return registerModel({ initial, ...(knossos
        ? { failedCas: 'mismatch-error', nilRead: 'unknown' } : {}) }) as unknown as AnyModel;
    case 'kv':
      return kvModel({ initial: initial as string | null,
        failedCas: knossos ? 'mismatch-error' : 'observation' }) as unknown as AnyModel;
  }
}

/** Runs `work`, turning a pairing or model error into a located `HistoryFormatError`. */
function located<T>(parsed: ParsedHistory, file: string, work: () => T, position?: number): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof PairingError) {
      throw new HistoryFormatError(file, parsed.lines[error.position] ?? 1, error.detail);
    }
    if (error instanceof OperationError) {
      const op: Operation = error.operation;
      throw new HistoryFormatError(file, parsed.lines[position ?? -1] ?? 1,
        `${op.process} ${op.f}: ${error.detail}`);
    }
    throw error;
  }
}

/** `; faultline: --model kv --initial nil` in an EDN file's leading comments. */
function directives(parsed: ParsedHistory, file: string):
  { model?: HistoryModelName; initial?: string } {
  const found: { model?: HistoryModelName; initial?: string } = {};
  const words = parsed.directives.join(' ').split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i += 2) {
    const [flag, value] = [words[i], words[i + 1]];
    if (flag === '--model' && HISTORY_MODELS.includes(value as HistoryModelName)) {
      found.model = value as HistoryModelName;
    } else if (flag === '--initial' && value !== undefined) {
      found.initial = value;
    } else {
      throw new HistoryFormatError(file, 1, `a "; faultline:" comment takes --model ${
        HISTORY_MODELS.join('|')} and --initial VALUE, got ${words.slice(i).join(' ')}`);
    }
  }
  return found;
}

/** Times of formats without clocks are positions: show them as such in explanations. */
function timeFormat(parsed: ParsedHistory): ((t: number) => string) | undefined {
  if (parsed.format === 'jepsen-log') return (t) => (t === Infinity ? '…' : `line ${t}`);
  if (parsed.format === 'jepsen-edn' && !parsed.timed) {
    return (t) => (t === Infinity ? '…' : `event ${t}`);
  }
  return undefined;
}
