/**
 * Writing a client history in the formats other tools read, so a history from a run can be
 * checked again, by us or by them:
 * - `jsonl`: our JSON Lines, one `HistoryEvent` per line, every field kept;
 * - `edn`: Jepsen's history.edn shape, one operation map per line
 *   (`{:process 1, :type :invoke, :f :cas, :key "k1", :value ["a" "b"], :time 1500000,
 *   :index 0}`), with `:error` on failures and `:time` in nanoseconds, as Jepsen writes it.
 *   Knossos and Jepsen's tools read it; so do we (ednHistory.ts);
 * - `porcupine`: the line shape Porcupine's kv test parser reads,
 *   `{:process 1, :type :invoke, :f :put, :key "k1", :value "v"}`, with nothing after
 *   `:value` but an `:error` on failures, and no times (the order of the lines is the real-
 *   time order). Porcupine's parser knows get, put and append: it skips cas lines and
 *   failures, as it skips any line it does not know. (Its other format, the Jepsen etcd log,
 *   holds integer registers without keys, which our stores do not record.)
 * Process `c3` is written as Jepsen's process number 3. An EDN file starts with a comment,
 * `; faultline: --model kv --initial nil`, which check-history reads: our stores' missing key
 * is nil where Porcupine's kv files read "", and the file says which it means.
 */
import { toEDNString } from 'edn-data';
import type { HistoryEvent } from './history.js';

/** The formats a history can be written in. */
export const HISTORY_EXPORT_FORMATS = ['jsonl', 'edn', 'porcupine'] as const;
/** One of `HISTORY_EXPORT_FORMATS`. */
export type HistoryExportFormat = (typeof HISTORY_EXPORT_FORMATS)[number];

/** What the history was recorded against, so the file can say how to check it. */
export interface HistoryExportModel {
  /** The model's name: `kv`, `register` or `mutex`. */
  readonly name: string;
}

/** The format a file name asks for: `.jsonl`, `.edn`, or `.log`/`.txt` (Porcupine). */
export function exportFormatOf(file: string): HistoryExportFormat | undefined {
  if (/\.jsonl$/i.test(file)) return 'jsonl';
  if (/\.edn$/i.test(file)) return 'edn';
  if (/\.(log|txt)$/i.test(file)) return 'porcupine';
  return undefined;
}

/** The history as the text of a file in `format`. */
export function writeHistory(
  events: readonly HistoryEvent[],
  format: HistoryExportFormat,
  model: HistoryExportModel,
): string {
  switch (format) {
    case 'jsonl':
      return events.map((e) => `${JSON.stringify(jsonEvent(e))}\n`).join('');
    case 'edn':
      return [directive(model), ...events.map((e) => ednLine(e, true))].join('\n') + '\n';
    case 'porcupine':
      return [directive(model), ...events.map((e) => ednLine(e, false))].join('\n') + '\n';
  }
}

function jsonEvent(e: HistoryEvent): HistoryEvent {
  return { index: e.index, type: e.type, process: e.process, f: e.f,
    ...(e.key === undefined ? {} : { key: e.key }), value: e.value ?? null,
    ...(e.error === undefined ? {} : { error: e.error }), time: e.time };
}

function directive(model: HistoryExportModel): string {
  const initial = model.name === 'mutex' ? '' : ' --initial nil';
  return `; faultline: --model ${model.name}${initial}`;
}

/** One EDN operation map; `full` adds `:time` (ns) and `:index` as Jepsen writes them. */
function ednLine(e: HistoryEvent, full: boolean): string {
  const parts = [`:process ${process(e.process)}`, `:type :${e.type}`, `:f ${keyword(e.f)}`];
  if (e.key !== undefined) parts.push(`:key ${edn(e.key)}`);
  parts.push(`:value ${edn(e.value ?? null)}`);
  if (e.error !== undefined && e.type !== 'invoke' && e.type !== 'ok') {
    parts.push(`:error ${keyword(e.error)}`);
  }
  if (full) parts.push(`:time ${Math.round(e.time * 1000)}`, `:index ${e.index}`);
  return `{${parts.join(', ')}}`;
}

function process(name: string): string {
  const n = /^c(\d+)$/.exec(name);
  return n === null ? edn(name) : String(Number(n[1]));
}

const KEYWORD = /^[A-Za-z*+!_?<>=-][\w*+!?<>=.-]*$/;

/** A name as an EDN keyword when it can be one, else as a string. */
function keyword(name: string): string {
  return KEYWORD.test(name) ? `:${name}` : edn(name);
}

/** A recorded value as EDN: nil, numbers, strings, booleans, vectors, maps with keywords. */
function edn(value: unknown): string {
  return toEDNString(ednValue(value) as Parameters<typeof toEDNString>[0]);
}

function ednValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(ednValue);
  if (typeof value === 'object') {
    return { map: Object.entries(value).map(([k, v]) => [{ key: k }, ednValue(v)]) };
  }
  return value;
}
