/**
 * Writing a run's client history to a file (`faultline run --history FILE [--format F]`, and
 * beside every fuzz counterexample): the format comes from `--format` or the file's extension
 * (`.jsonl` ours, `.edn` Jepsen's, `.log`/`.txt` Porcupine's kv lines; see
 * sim/check/historyWrite.ts). The file appears whole or not at all (temporary file, then
 * rename). `faultline check-history FILE` checks it again with the run's verdict.
 */
import type { HistoryEvent } from '../sim/check/history.js';
import { exportFormatOf, HISTORY_EXPORT_FORMATS, type HistoryExportFormat, writeHistory }
  from '../sim/check/historyWrite.js';
import { InputError } from './io.js';
import { writeWhole } from './paths.js';

/** The format for `--history FILE` and `--format`, or `InputError` before anything runs. */
export function historyFormat(file: string, format: string | undefined): HistoryExportFormat {
  if (format !== undefined) {
    if (!HISTORY_EXPORT_FORMATS.includes(format as HistoryExportFormat)) {
      throw new InputError(`--format: ${HISTORY_EXPORT_FORMATS.join(', ')}, got ${
        JSON.stringify(format)}`);
    }
    return format as HistoryExportFormat;
  }
  const found = exportFormatOf(file);
  if (found === undefined) {
    throw new InputError(`--history ${file}: name the format by the extension (.jsonl, .edn, ` +
      '.log or .txt for Porcupine) or with --format jsonl|edn|porcupine');
  }
  return found;
}

/** Writes a history atomically in `format`; `model` is the name of the run's model. */
export function writeHistoryFile(file: string, events: readonly HistoryEvent[],
  format: HistoryExportFormat, model: string | undefined): void {
  writeWhole(file, writeHistory(events, format, { name: model ?? 'kv' }), `--history ${file}`);
}
