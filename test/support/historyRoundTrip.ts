/**
 * A run's client history written to a file in every export format and checked again from
 * the file, as `faultline run --history F` then `faultline check-history F` do: the verdicts,
 * one per format, for a test to compare with the run's own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistoryText } from '../../sim/check/historyCheck.js';
import { HISTORY_EXPORT_FORMATS, writeHistory } from '../../sim/check/historyWrite.js';
import type { RunReport } from '../../runner/index.js';

const EXTENSION = { jsonl: 'jsonl', edn: 'edn', porcupine: 'txt' } as const;

/** The verdict of the history re-checked from a file, per format. */
export function recheckedVerdicts(report: RunReport): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-history-'));
  try {
    return Object.fromEntries(HISTORY_EXPORT_FORMATS.map((format) => {
      const file = join(dir, `history.${EXTENSION[format]}`);
      writeFileSync(file, writeHistory(report.history, format,
        { name: report.historyModel ?? 'kv' }));
      const checked = checkHistoryText(readFileSync(file, 'utf8'), file, { explain: false });
      return [format, checked.result.verdict];
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
