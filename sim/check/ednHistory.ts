/**
 * Reading a Jepsen or Knossos history written in EDN, as those tools write it:
 * - one vector or list of operation maps (Knossos's data/, `(pprint history)`), or one map
 *   per line with nothing around them (Jepsen's history.edn, Porcupine's kv files);
 * - `;` comments anywhere, commas as whitespace, maps over several lines;
 * - operation maps `{:process 0, :type :invoke, :f :read, :value nil}` with optional `:key`,
 *   `:error`, `:time` (nanoseconds) and `:index`; Knossos's `[process type f value]` tuples;
 * - `:f` and `:type` as keywords or strings;
 * - `:process :nemesis` operations (fault injection, not client operations): skipped, and
 *   counted.
 *
 * The values come from edn-data, a maintained EDN parser. It reads one form at a time but
 * says nothing about where a form is, and it forgives a form that is not closed, so this
 * module first splits the text into its operations with a small scan that knows strings,
 * comments and brackets. That gives each operation its line, so every error reads
 * `file:line: what was expected`, and catches unbalanced brackets the parser would let pass.
 *
 * Order and time: when every operation carries `:time` and the times never decrease, an
 * event's time is its `:time` in microseconds; otherwise (Knossos's files have no times, and
 * Jepsen's clocks can step back across processes) it is the event's position, which is the
 * order Knossos itself checks. Leading comments of the form `; faultline: --model kv
 * --initial nil` are returned as `directives`: a history we write says how to check it.
 */
import { parseEDNString } from 'edn-data';
import type { HistoryEvent } from './history.js';
import { HistoryFormatError } from './historyFormatError.js';

/** A parsed EDN history: its client events, the line of each, and what was skipped. */
export interface EdnHistory {
  readonly events: HistoryEvent[];
  /** The 1-based line of each event, by position. */
  readonly lines: number[];
  /** Operations of the `:nemesis` process, skipped. */
  readonly nemesis: number;
  /** Whether times came from `:time` (else from positions). */
  readonly timed: boolean;
  /** The words after `faultline:` in leading comments. */
  readonly directives: string[];
}

/** One top-level operation form: its text and the line it starts on. */
interface Form {
  readonly text: string;
  readonly line: number;
}

const OPTIONS = { mapAs: 'object', keywordAs: 'string', listAs: 'array', setAs: 'array',
  charAs: 'string', symbolAs: 'string' } as const;
const EXPECTED_MAP =
  'expected an operation map such as {:process 0, :type :invoke, :f :read, :value nil}';
const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

/** Parses a Jepsen/Knossos EDN history; bad input throws `HistoryFormatError`. */
export function parseEdnHistory(text: string, fileName: string): EdnHistory {
  const { forms, directives } = new Scanner(text, fileName).history();
  const raw: { event: Omit<HistoryEvent, 'index' | 'time'>; time: unknown; line: number }[] = [];
  let nemesis = 0;
  for (const form of forms) {
    if (form.text === '') continue; // a form discarded with #_
    const value = readForm(form, fileName);
    const op = asOperation(value, form, fileName);
    if (op === 'nemesis') nemesis++;
    else raw.push({ ...op, line: form.line });
  }
  const times = raw.map((r) => r.time);
  const timed = raw.length > 0 && times.every((t, i) => typeof t === 'number' &&
    Number.isFinite(t) && (i === 0 || t >= (times[i - 1] as number)));
  const events = raw.map((r, i): HistoryEvent =>
    ({ index: i, ...r.event, time: timed ? (r.time as number) / 1000 : i + 1 }));
  return { events, lines: raw.map((r) => r.line), nemesis, timed, directives };
}

function readForm(form: Form, fileName: string): unknown {
  try {
    return parseEDNString(form.text, OPTIONS);
  } catch (error) {
    throw new HistoryFormatError(fileName, form.line, `not readable EDN: ${
      (error as Error).message}`);
  }
}

type Parsed = { event: Omit<HistoryEvent, 'index' | 'time'>; time: unknown } | 'nemesis';

/** An operation map (or a Knossos tuple) as a history event without index and time. */
function asOperation(value: unknown, form: Form, fileName: string): Parsed {
  const fail = (detail: string): never => {
    throw new HistoryFormatError(fileName, form.line, detail);
  };
  let map = value as Record<string, unknown>;
  if (Array.isArray(value) && value.length === 4) {
    const [process, type, f, v] = value as unknown[];
    map = { process, type, f, value: v };
  } else if (typeof value !== 'object' || value === null || Array.isArray(value) ||
    'tag' in map) {
    fail(`${EXPECTED_MAP}, got ${form.text.slice(0, 40)}`);
  }
  const { process, type, f, key, error, time } = map;
  if (process === 'nemesis') return 'nemesis';
  if (process === undefined) fail(`${EXPECTED_MAP}: it has no :process`);
  const name = typeof process === 'number' && Number.isSafeInteger(process) && process >= 0
    ? `c${process}` : typeof process === 'string' && process !== '' ? process : undefined;
  if (name === undefined) {
    fail(`expected :process to be a process number or :nemesis, got ${show(process)}`);
  }
  if (typeof type !== 'string' || !TYPES.has(type)) {
    fail(`expected :type to be :invoke, :ok, :fail or :info, got ${show(type)}`);
  }
  if (typeof f !== 'string' || f === '') {
    fail(`expected :f to name the operation, such as :read or :write, got ${show(f)}`);
  }
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    fail(`expected :key to be a string or a number, got ${show(key)}`);
  }
  const event = {
    type: type as HistoryEvent['type'],
    process: name as string,
    f: f as string,
    value: plain(map.value ?? null),
    ...(key === undefined ? {} : { key: String(key) }),
    ...(error === undefined || error === null ? {}
      : { error: typeof error === 'string' ? error : show(plain(error)) }),
  };
  return { event, time };
}

/** EDN values as plain data: big integers become numbers when exact, strings otherwise. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : String(value);
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

const OPEN: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
const CLOSE = new Set([']', ')', '}']);
const SPACE = /[\s,]/;

/**
 * Splits a history into its top-level operation forms: the elements of the one vector or
 * list, or the forms of a file of one map per line. Knows strings, `;` comments, character
 * literals and brackets; reports an unbalanced or mismatched bracket at its line.
 */
class Scanner {
  private i = 0;
  private line = 1;
  private readonly directives: string[] = [];

  constructor(private readonly text: string, private readonly file: string) {}

  history(): { forms: Form[]; directives: string[] } {
    this.skip(true);
    const first = this.text[this.i];
    if (first === undefined) return { forms: [], directives: this.directives };
    const forms: Form[] = [];
    let closer: string | undefined;
    if ((first === '[' || first === '(') && this.wrapsOperations()) {
      closer = OPEN[first];
      this.i++;
    } else if (first === '[') {
      // one [process type f value] tuple per line, nothing around them
    } else if (first !== '{' && first !== '#') {
      this.fail('expected a Jepsen history: a vector or list of operation maps ' +
        '([{:process 0, :type :invoke, …} …]) or one operation map per line');
    }
    const openLine = this.line;
    for (;;) {
      this.skip(false);
      const c = this.text[this.i];
      if (c === undefined) {
        if (closer !== undefined) {
          this.fail(`expected ${closer} to close the history opened on line ${openLine}`);
        }
        break;
      }
      if (closer !== undefined && c === closer) {
        this.i++;
        this.skip(false);
        if (this.i < this.text.length) {
          this.fail(`expected nothing after the history's closing ${closer}`);
        }
        break;
      }
      if (CLOSE.has(c)) this.fail(`expected an operation map, got a stray ${c}`);
      forms.push(this.form());
    }
    return { forms, directives: this.directives };
  }

  /** Whether the collection opening here holds operations (maps, tuples), not one tuple. */
  private wrapsOperations(): boolean {
    const rest = /^[\s,]*(;[^\n]*\n[\s,]*)*(.)/.exec(this.text.slice(this.i + 1));
    const next = rest?.[2];
    return next === undefined || /[[({#\])]/.test(next);
  }

  private fail(detail: string, line = this.line): never {
    throw new HistoryFormatError(this.file, line, detail);
  }

  /** Skips whitespace, commas and comments; leading ones may hold directives. */
  private skip(leading: boolean): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text[this.i] as string;
      if (c === '\n') this.line++;
      if (c === ';') {
        const end = text.indexOf('\n', this.i);
        const comment = text.slice(this.i, end < 0 ? text.length : end);
        const directive = /^;+\s*faultline:\s*(.*)$/.exec(comment.trimEnd());
        if (leading && directive !== null) this.directives.push(directive[1] ?? '');
        this.i = end < 0 ? text.length : end;
        continue;
      }
      if (!SPACE.test(c)) return;
      this.i++;
    }
  }

  /** One form from here: a bracketed form with all it holds, or one token. */
  private form(): Form {
    const text = this.text;
    if (text.startsWith('#_', this.i)) { // discard the next form
      this.i += 2;
      this.skip(false);
      const c = this.text[this.i];
      if (c === undefined || CLOSE.has(c)) this.fail('expected a form after #_');
      this.form();
      return { text: '', line: this.line };
    }
    if (text[this.i] === '#' && text[this.i + 1] !== '{') {
      this.fail(`${EXPECTED_MAP}, got a tagged value`);
    }
    const start = this.i;
    const line = this.line;
    const stack: { closer: string; line: number }[] = [];
    while (this.i < text.length) {
      const c = text[this.i] as string;
      if (c === '"') this.string();
      else if (c === ';') this.skip(false);
      else if (c === '\\') this.i += 2;
      else if (c in OPEN) {
        stack.push({ closer: OPEN[c] as string, line: this.line });
        this.i++;
      } else if (CLOSE.has(c)) {
        const open = stack.pop();
        if (open === undefined) break; // the history's own closer, after a token
        if (open.closer !== c) {
          this.fail(`expected ${open.closer} to close what line ${open.line} opened, got ${c}`);
        }
        this.i++;
      } else if (SPACE.test(c)) {
        if (stack.length === 0) break;
        if (c === '\n') this.line++;
        this.i++;
      } else {
        this.i++;
      }
      if (stack.length === 0 && this.i > start && CLOSE.has(text[this.i - 1] as string)) break;
    }
    const open = stack.at(-1);
    if (open !== undefined) this.fail(`expected ${open.closer} to close this form`, open.line);
    return { text: text.slice(start, this.i), line };
  }

  /** Skips a string literal, escapes included. */
  private string(): void {
    const line = this.line;
    const text = this.text;
    for (this.i++; this.i < text.length; this.i++) {
      const c = text[this.i];
      if (c === '\n') this.line++;
      else if (c === '\\') this.i++;
      else if (c === '"') {
        this.i++;
        return;
      }
    }
    this.fail('expected " to close this string', line);
  }
}
